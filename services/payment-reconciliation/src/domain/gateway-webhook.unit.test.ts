import { gatewayEventToPayment, GatewayWebhookSchema, withoutPayer, type GatewayEvent } from './gateway-webhook.ts';
import { documentHash } from './matching.ts';

const event = (overrides: Partial<GatewayEvent> = {}): GatewayEvent => ({ id: 'evt_1', type: 'payment.succeeded', amountCents: 15_990, currency: 'BRL', paidAt: '2026-11-24T13:00:00.000Z', method: 'card', ...overrides });

describe('gateway webhook', () => {
  test('Given a succeeded event referencing an invoice, then it is a payment keyed by the event id with that invoice', () => {
    expect(gatewayEventToPayment('t', event({ reference: { invoiceExternalId: 'INV-1' } }))).toEqual({ data: { paymentId: 'gateway:evt_1', method: 'card', invoiceExternalId: 'INV-1', amountCents: 15_990, paidAt: '2026-11-24T13:00:00.000Z' } });
  });

  test('Given a payer document, then only its hash leaves, never the number', () => {
    const { data, payerDocumentHash } = gatewayEventToPayment('t', event({ method: 'other', payer: { document: '529.982.247-25' } }));
    expect(payerDocumentHash).toBe(documentHash('t', '52998224725'));
    expect(JSON.stringify(data)).not.toMatch(/529\.?982/);
    expect(data.method).toBe('other');
    expect(JSON.stringify(withoutPayer(event({ payer: { document: '52998224725' } })))).not.toContain('52998224725');
  });

  test('Given a malformed call, then every problem names its path', () => {
    const result = GatewayWebhookSchema.safeParse({ events: [{ id: 'evt_1', type: 'payment.chargeback', amountCents: 10.5, currency: 'USD', paidAt: 'yesterday', method: 'card', payer: { document: '123' } }] });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['events.0.type', 'events.0.amountCents', 'events.0.currency', 'events.0.paidAt', 'events.0.payer.document']));
  });

  test('Given no events, then the call is refused', () => {
    expect(GatewayWebhookSchema.safeParse({ events: [] }).success).toBe(false);
  });
});
