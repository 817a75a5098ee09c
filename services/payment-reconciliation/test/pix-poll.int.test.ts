// The Pix reconciliation poll, on the real broker and database, against the bank stand-in as the creditor's PSP
// (GET /pix in the Banco Central's shape): a transfer to the key without a txid, which no webhook delivered, is
// matched on the payer's document, amount and due date; a receipt the webhook delivered before is not received
// twice; one with nothing to match on goes to the operators' queue; the cursor moves only past a whole window.
import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { startBankStandIn, type BankStandIn } from '@regua/bank-standin';
import { loadConfig } from '@regua/config';
import { buildEnvelope, debtorKey, exampleInvoice, invoiceId as toInvoiceId, InvoiceRegisteredV1, PaymentReconciledV1, type EventOf, type Invoice } from '@regua/contracts';
import type { RunningService } from '@regua/service-kit';
import { createLogger } from '@regua/telemetry';
import { recordTopics, serviceTestEnv, testEndpoints, uniqueName, waitFor } from '@regua/testing';
import { pixSignature } from '../src/domain/pix-webhook.ts';
import { PaymentReconciliationEnvSchema, startPaymentReconciliation } from '../src/service.ts';
import { receivableAsRead } from './support/receivables.ts';

type Reconciled = EventOf<typeof PaymentReconciledV1>;
const START = new Date('2026-12-14T13:00:00Z');
/** The service's clock: the test moves it on, as time passes between polls. */
let now = START;
const minutes = (n: number) => n * 60_000;
const PSP_TOKEN = 'psp-token-for-the-poll-test';
/** The debtor's CPF on exampleInvoice: what a PSP reports as the payer. */
const PAYER_CPF = '52998224725';
const endToEndId = () => `E12345678202612141200${randomBytes(8).toString('hex').slice(0, 11)}`;
const externalId = () => `INV-${randomBytes(5).toString('hex')}`;
const valor = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

describe('the Pix reconciliation poll', () => {
  const { kafkaBrokers } = testEndpoints();
  const namespace = `${uniqueName('pixpoll')}.`;
  const tenant = uniqueName('bank');
  const secret = `pix-secret-${randomUUID()}`;
  let psp: BankStandIn;
  let service: RunningService;
  let producer: Producer;
  let recorder: Awaited<ReturnType<typeof recordTopics>>;

  beforeAll(async () => {
    psp = await startBankStandIn({ token: PSP_TOKEN, latencyMs: [1, 5], seed: 7 });
    const env = loadConfig(PaymentReconciliationEnvSchema, serviceTestEnv(namespace, {
      PAYMENT_PIX_WEBHOOK_SECRETS: `${tenant}:${secret}`,
      PAYMENT_PIX_PSP_URL: psp.url,
      PAYMENT_PIX_PSP_TOKEN: PSP_TOKEN,
      PAYMENT_PIX_POLL_TENANTS: tenant,
      PAYMENT_PIX_POLL_INTERVAL_MS: '300',
    }));
    service = await startPaymentReconciliation(env, { clock: { now: () => now }, logger: createLogger({ service: 'pix-poll-test', level: 'silent' }) });
    recorder = await recordTopics(kafkaBrokers, [namespace + PaymentReconciledV1.topic]);
    producer = new Kafka({ clientId: 'pix-poll-test', brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await recorder?.stop();
    await service?.context.db.dropDatabase();
    await service?.stop();
    await psp?.close();
  });

  const db = () => service.context.db.db!;
  const receivable = (id: string) => receivableAsRead(db(), toInvoiceId(tenant, id));
  const reconciledOf = (paymentId: string) => recorder.messages.map((m) => m.json<Reconciled>()).filter((e) => e.data.paymentId === paymentId);
  const pspCalls = () => psp.requests().filter((r) => r.path.startsWith('/pix'));

  async function register(invoice: Invoice): Promise<void> {
    const envelope = buildEnvelope(InvoiceRegisteredV1, { id: randomUUID(), occurredAt: now, source: 'test', tenant, correlationId: randomUUID() }, { invoiceId: toInvoiceId(tenant, invoice.externalId), invoice, revision: 1 });
    await producer.send({ topic: namespace + InvoiceRegisteredV1.topic, messages: [{ key: debtorKey(tenant, invoice.debtor.externalId), value: JSON.stringify(envelope) }] });
    await waitFor(`invoice ${invoice.externalId} in the ledger`, () => receivable(invoice.externalId));
  }

  /** Waits for two more complete poll runs, so whatever the PSP lists now has been through one whole window. */
  async function twoMorePolls(): Promise<void> {
    const seen = pspCalls().length;
    await waitFor('two more polls of the PSP', () => pspCalls().length >= seen + 2, 30_000);
  }

  test('a transfer without txid that no webhook delivered is matched on the payer document; a receipt the webhook delivered is not received again; one with nothing to match on goes to an operator', async () => {
    // Given an open invoice, and one paid by a Pix charge whose webhook call arrived
    const unpaid = exampleInvoice({ externalId: externalId(), amountCents: 31_415 });
    const charged = exampleInvoice({ externalId: externalId(), amountCents: 27_183, paymentInstruments: { pix: { txid: `RG${randomUUID().replace(/-/g, '').slice(0, 24)}` } } });
    await register(unpaid);
    await register(charged);
    await twoMorePolls();
    const viaWebhook = { endToEndId: endToEndId(), txid: charged.paymentInstruments!.pix!.txid, valor: valor(27_183), horario: new Date(now.getTime() + minutes(1)).toISOString() };
    const raw = JSON.stringify({ pix: [viaWebhook] });
    const webhook = await fetch(`http://127.0.0.1:${service.port}/v1/webhooks/pix/${tenant}/pix`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-regua-signature': pixSignature(raw, secret) }, body: raw });
    expect(webhook.status).toBe(200);

    // When, five minutes on, the PSP lists that receipt, a transfer to the key naming only the payer, and one naming nothing
    const transfer = { endToEndId: endToEndId(), valor: valor(31_415), horario: new Date(now.getTime() + minutes(2)).toISOString(), pagador: { cpf: PAYER_CPF, nome: 'Maria da Silva' } };
    const anonymous = { endToEndId: endToEndId(), valor: '9.99', horario: new Date(now.getTime() + minutes(3)).toISOString() };
    psp.receivePix(viaWebhook);
    psp.receivePix(transfer);
    psp.receivePix(anonymous);
    now = new Date(now.getTime() + minutes(5));
    await twoMorePolls();

    // Then the transfer settles the open invoice, once, though every poll window overlaps the last
    await waitFor('the transfer reconciled', () => reconciledOf(transfer.endToEndId).length > 0);
    expect(reconciledOf(transfer.endToEndId)).toHaveLength(1);
    expect(reconciledOf(transfer.endToEndId)[0]!.data).toMatchObject({ invoiceId: toInvoiceId(tenant, unpaid.externalId), amountCents: 31_415, settled: true });
    expect((await receivable(unpaid.externalId))!.payments).toEqual([{ paymentId: transfer.endToEndId, amountCents: 31_415 }]);
    // The payer's document is only looked up by its hash: it is kept nowhere
    expect(JSON.stringify(await db().collection('payments').findOne({ _id: `${tenant}:${transfer.endToEndId}` as never }))).not.toContain(PAYER_CPF);
    // The webhook's receipt was not received a second time
    expect(reconciledOf(viaWebhook.endToEndId)).toHaveLength(1);
    expect((await receivable(charged.externalId))!.payments).toHaveLength(1);
    // And the anonymous one waits for an operator
    expect(await db().collection('payment_exceptions').findOne({ _id: `${tenant}:${anonymous.endToEndId}` as never })).toMatchObject({ paymentId: anonymous.endToEndId, amountCents: 999 });
    // The cursor holds the end of the last window, and each window starts before it (the overlap)
    const cursor = await db().collection<{ _id: string; until: Date }>('pix_poll_cursors').findOne({ _id: tenant });
    expect(cursor?.until).toEqual(now);
    const last = pspCalls().at(-1)!;
    expect(last.path).toContain(`fim=${now.toISOString()}`);
    expect(last.path).toContain(`inicio=${new Date(now.getTime() - minutes(30)).toISOString()}`);
  });

  test('a webhook call for a transfer without txid is matched on the payer document too', async () => {
    const invoice = exampleInvoice({ externalId: externalId(), amountCents: 16_180 });
    await register(invoice);
    const receipt = { endToEndId: endToEndId(), valor: valor(16_180), horario: now.toISOString(), pagador: { cpf: PAYER_CPF } };
    const raw = JSON.stringify({ pix: [receipt] });
    const response = await fetch(`http://127.0.0.1:${service.port}/v1/webhooks/pix/${tenant}/pix`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-regua-signature': pixSignature(raw, secret) }, body: raw });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { results: unknown[] }).results).toEqual([expect.objectContaining({ endToEndId: receipt.endToEndId, outcome: 'reconciled', invoiceId: toInvoiceId(tenant, invoice.externalId) })]);
  });

  test('a PSP that fails leaves the cursor where it was, and the next run covers the window', async () => {
    const before = await db().collection<{ until: Date }>('pix_poll_cursors').findOne({ _id: tenant } as never);
    psp.setFailureRate(1);
    const failing = pspCalls().length;
    await waitFor('polls against a failing PSP', () => pspCalls().length >= failing + 2, 30_000);
    expect(await db().collection<{ until: Date }>('pix_poll_cursors').findOne({ _id: tenant } as never)).toEqual(before);
    const invoice = exampleInvoice({ externalId: externalId(), amountCents: 14_142 });
    await register(invoice);
    const late = { endToEndId: endToEndId(), valor: valor(14_142), horario: new Date(now.getTime() + minutes(1)).toISOString(), pagador: { cpf: PAYER_CPF } };
    psp.receivePix(late);
    now = new Date(now.getTime() + minutes(5));
    psp.setFailureRate(0);
    await waitFor('the receipt listed once the PSP is back', () => reconciledOf(late.endToEndId).length > 0);
    expect((await receivable(invoice.externalId))!.payments).toEqual([{ paymentId: late.endToEndId, amountCents: 14_142 }]);
  });
});
