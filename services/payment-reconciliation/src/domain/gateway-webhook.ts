// A generic webhook for card and other payment gateways: Régua's own format, which a gateway (or an adapter in
// front of it) posts signed like the Pix webhook.
import { isValidCnpj, isValidCpf } from '@regua/contracts';
import { z } from 'zod';
import { documentHash } from './matching.ts';
import type { PaymentReceivedData } from './payment-received.ts';

export const GATEWAY_WEBHOOK_MAX_EVENTS = 500;

/** One gateway event. Not strict: gateways add their own fields, which are dropped. */
export const GatewayEventSchema = z.object({
  id: z.string().regex(/^[\w.:-]{1,100}$/, 'id is 1 to 100 letters, digits, _ . : -'),
  type: z.enum(['payment.succeeded', 'payment.refunded']),
  amountCents: z.number().int('amountCents is integer centavos').positive('amountCents must be positive'),
  currency: z.literal('BRL', 'currency must be BRL'),
  paidAt: z.iso.datetime({ offset: true, message: 'paidAt is an ISO 8601 date-time with its offset' }),
  method: z.enum(['card', 'other']),
  reference: z
    .object({
      invoiceExternalId: z.string().min(1).max(100).optional(),
      txid: z.string().regex(/^[a-zA-Z0-9]{1,35}$/, 'txid has 1 to 35 letters or digits').optional(),
    })
    .optional(),
  payer: z
    .object({
      document: z.string().refine((d) => isValidCpf(d) || isValidCnpj(d), 'document must be a valid CPF or CNPJ'),
    })
    .optional(),
});

export const GatewayWebhookSchema = z.object({
  events: z.array(GatewayEventSchema).min(1, 'send at least one event').max(GATEWAY_WEBHOOK_MAX_EVENTS, `at most ${GATEWAY_WEBHOOK_MAX_EVENTS} events per call`),
});

export type GatewayEvent = z.output<typeof GatewayEventSchema>;

/** The payment id of a gateway event: its id, marked as a gateway's so it never meets a Pix endToEndId or a bank's. */
export const gatewayPaymentId = (event: Pick<GatewayEvent, 'id'>) => `gateway:${event.id}`;

/**
 * A succeeded event as a payment to match: by the invoice or txid it references, else by its payer's document,
 * which leaves only as a hash (never in the event).
 */
export function gatewayEventToPayment(tenant: string, event: GatewayEvent): { data: PaymentReceivedData; payerDocumentHash?: string } {
  const { invoiceExternalId, txid } = event.reference ?? {};
  const data: PaymentReceivedData = {
    paymentId: gatewayPaymentId(event),
    method: event.method,
    ...(invoiceExternalId ? { invoiceExternalId } : {}),
    ...(txid ? { pixTxid: txid } : {}),
    amountCents: event.amountCents,
    paidAt: event.paidAt,
  };
  return event.payer ? { data, payerDocumentHash: documentHash(tenant, event.payer.document) } : { data };
}

/** The event as kept for an operator: without the payer's document. */
export function withoutPayer(event: GatewayEvent): Omit<GatewayEvent, 'payer'> & { payer?: 'redacted' } {
  const { payer, ...rest } = event;
  return payer ? { ...rest, payer: 'redacted' } : rest;
}
