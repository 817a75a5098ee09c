import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { loadConfig } from '@regua/config';
import { buildEnvelope, CONSUMER_GROUPS, debtorKey, deadLetterTopicFor, exampleInvoice, inboundPaymentsTopicFor, invoiceId as toInvoiceId, InvoiceRegisteredV1, InvoiceUpdatedV1, PaymentReceivedV1, PaymentReconciledV1, type EnvelopeContext, type EventOf, type Invoice } from '@regua/contracts';
import type { Clock, RunningService } from '@regua/service-kit';
import { createLogger } from '@regua/telemetry';
import { recordTopics, testEndpoints, uniqueName, waitFor } from '@regua/testing';
import { PaymentReconciliationEnvSchema, startPaymentReconciliation } from '../src/service.ts';

const START = new Date('2026-11-24T13:00:00Z');
const HOUR = 3_600_000;
const PAYMENTS_DLQ = deadLetterTopicFor(CONSUMER_GROUPS.paymentPayments);

type Reconciled = EventOf<typeof PaymentReconciledV1>;
interface Receivable {
  _id: string;
  amountCents: number;
  revision?: number;
}

describe('payment reconciliation on the real broker and database', () => {
  const { kafkaBrokers, mongoUrl } = testEndpoints();
  const namespace = `${uniqueName('pay')}.`;
  const tenant = uniqueName('bank');
  const kafka = new Kafka({ clientId: 'payment-reconciliation-test', brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
  let now = START;
  const clock: Clock = { now: () => now };
  let service: RunningService;
  let producer: Producer;
  let recorder: Awaited<ReturnType<typeof recordTopics>>;

  beforeAll(async () => {
    const env = loadConfig(PaymentReconciliationEnvSchema, {
      KAFKA_BROKERS: kafkaBrokers.join(','),
      MONGO_URL: mongoUrl,
      MONGO_DB: namespace.replace(/\W/g, '_'),
      KAFKA_NAMESPACE: namespace,
      KAFKA_TOPIC_PARTITIONS: '3',
      HTTP_PORT: '0',
      LOG_LEVEL: 'silent',
      PAYMENT_PARK_WINDOW_HOURS: '1',
      PAYMENT_PARK_SWEEP_MS: '100',
      PAYMENT_BANK_TENANTS: tenant,
    });
    // Few, short retries: a payment that is retried instead of parked would reach the dead-letter topic within a second.
    service = await startPaymentReconciliation(env, { clock, logger: createLogger({ service: 'payment-test', level: 'silent' }), retry: { retries: 2, initialDelayMs: 50, maxDelayMs: 100 } });
    recorder = await recordTopics(kafkaBrokers, [namespace + PaymentReconciledV1.topic, namespace + PAYMENTS_DLQ]);
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await recorder?.stop();
    await service?.stop();
  });

  const db = () => service.context.db.db!;
  const receivables = () => db().collection<Receivable>('receivables');
  const parked = () => db().collection<{ _id: string; expiresAt: Date }>('parked_payments');
  const exceptions = () => db().collection<{ _id: string; reason: string; paymentId: string }>('payment_exceptions');
  const context = (): EnvelopeContext => ({ id: randomUUID(), occurredAt: now, source: 'test', tenant, correlationId: randomUUID() });
  const reconciledOf = (paymentId: string) => recorder.messages.filter((m) => m.topic === namespace + PaymentReconciledV1.topic && m.json<Reconciled>().data.paymentId === paymentId).map((m) => m.json<Reconciled>());
  const deadLettered = () => recorder.messages.filter((m) => m.topic === namespace + PAYMENTS_DLQ);

  const invoiceFor = (externalId: string, overrides: Partial<Invoice> = {}) => exampleInvoice({ externalId, ...overrides });
  const send = async (topic: string, invoice: Invoice, envelope: object) =>
    producer.send({ topic: namespace + topic, messages: [{ key: debtorKey(tenant, invoice.debtor.externalId), value: JSON.stringify(envelope) }] });
  const register = (invoice: Invoice, revision?: number) =>
    send(InvoiceRegisteredV1.topic, invoice, buildEnvelope(InvoiceRegisteredV1, context(), { invoiceId: toInvoiceId(tenant, invoice.externalId), invoice, ...(revision ? { revision } : {}) }));
  const update = (invoice: Invoice, revision?: number) =>
    send(InvoiceUpdatedV1.topic, invoice, buildEnvelope(InvoiceUpdatedV1, context(), { invoiceId: toInvoiceId(tenant, invoice.externalId), invoice, changedFields: ['amountCents'], ...(revision ? { revision } : {}) }));
  const pay = (invoice: Invoice, data: Omit<EventOf<typeof PaymentReceivedV1>['data'], 'method' | 'paidAt'>) =>
    send(PaymentReceivedV1.topic, invoice, buildEnvelope(PaymentReceivedV1, context(), { method: 'pix', paidAt: now.toISOString(), ...data }));

  /** Waits until the group has committed everything on the topic: every message sent so far was handled. */
  async function caughtUp(group: string, topic: string): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitFor(`${group} to catch up on ${topic}`, async () => {
        const ends = await admin.fetchTopicOffsets(namespace + topic);
        const [committed] = await admin.fetchOffsets({ groupId: namespace + group, topics: [namespace + topic] });
        return ends.every((end) => end.high === '0' || committed!.partitions.find((p) => p.partition === end.partition)?.offset === end.high);
      });
    } finally {
      await admin.disconnect();
    }
  }

  test('a payment that arrives before its invoice is parked, then reconciled once the registration arrives, with nothing dead-lettered', async () => {
    const invoice = invoiceFor(`INV-EARLY-${randomUUID()}`);
    const invoiceId = toInvoiceId(tenant, invoice.externalId);
    const paymentId = `PIX-EARLY-${randomUUID()}`;

    // Given a payment for an invoice not known yet
    await pay(invoice, { paymentId, invoiceExternalId: invoice.externalId, amountCents: invoice.amountCents });

    // Then it is recorded and parked for the window, the message is done, and nothing is published yet
    const parkedDoc = await waitFor('payment parked', () => parked().findOne({ _id: `${tenant}:${paymentId}` }));
    expect(parkedDoc.expiresAt).toEqual(new Date(START.getTime() + HOUR));
    await caughtUp(CONSUMER_GROUPS.paymentPayments, PaymentReceivedV1.topic);
    expect(await db().collection('payments').findOne({ _id: `${tenant}:${paymentId}` as never })).toMatchObject({ invoiceId: null });
    expect(reconciledOf(paymentId)).toEqual([]);

    // When the invoice's registration arrives
    await register(invoice, 1);

    // Then a sweep reconciles the payment as if it had just arrived, and it leaves the parking
    const [reconciled] = await waitFor('reconciliation', () => (reconciledOf(paymentId).length > 0 ? reconciledOf(paymentId) : undefined));
    expect(reconciled!.data).toMatchObject({ invoiceId, amountCents: invoice.amountCents, paidTotalCents: invoice.amountCents, outstandingCents: 0, settled: true });
    await waitFor('parking emptied', async () => (await parked().countDocuments({ _id: `${tenant}:${paymentId}` })) === 0 || undefined);
    expect(await db().collection('payments').findOne({ _id: `${tenant}:${paymentId}` as never })).toMatchObject({ invoiceId });
    expect(deadLettered()).toEqual([]);
  });

  test('a payment no invoice claims within the window goes to payment_exceptions with the reason, and nothing is published or dead-lettered', async () => {
    const invoice = invoiceFor(`INV-NEVER-${randomUUID()}`);
    const paymentId = `PIX-ORPHAN-${randomUUID()}`;

    // Given a payment parked for want of an invoice
    await pay(invoice, { paymentId, invoiceExternalId: invoice.externalId, amountCents: 4200 });
    await waitFor('payment parked', () => parked().findOne({ _id: `${tenant}:${paymentId}` }));

    // When its one-hour window has passed with no invoice
    now = new Date(START.getTime() + HOUR + 1);

    // Then a sweep moves it to the operators' queue with the reason
    const exception = await waitFor('payment exception', () => exceptions().findOne({ _id: `${tenant}:${paymentId}` }));
    expect(exception.paymentId).toBe(paymentId);
    expect(exception.reason).toContain(`invoice ${toInvoiceId(tenant, invoice.externalId)}`);
    // Moved: the exception is written first, then the parked payment deleted (a crash in between raises it once).
    await waitFor('parking emptied', async () => (await parked().countDocuments({ _id: `${tenant}:${paymentId}` })) === 0 || undefined);
    expect(reconciledOf(paymentId)).toEqual([]);
    expect(deadLettered()).toEqual([]);
  });

  test('an older update delivered after a newer one leaves the newer amount, and a Pix of it settles the invoice', async () => {
    now = new Date(START.getTime() + 2 * HOUR);
    const txid = `TX${randomUUID().replace(/-/g, '')}`.slice(0, 32);
    const base = invoiceFor(`INV-ORDER-${randomUUID()}`, { amountCents: 120_000, paymentInstruments: { pix: { txid } } });
    const invoiceId = toInvoiceId(tenant, base.externalId);

    // Given the invoice registered (revision 1) and changed to 800 (revision 3)
    await register(base, 1);
    await update({ ...base, amountCents: 80_000 }, 3);
    await waitFor('newer update applied', async () => (await receivables().findOne({ _id: invoiceId }))?.revision === 3 || undefined);

    // When the older change to 1000 (revision 2), published late by the outbox relay, arrives after it
    await update({ ...base, amountCents: 100_000 }, 2);
    await caughtUp(CONSUMER_GROUPS.paymentInvoices, InvoiceUpdatedV1.topic);

    // Then the newer amount stays
    expect(await receivables().findOne({ _id: invoiceId })).toMatchObject({ amountCents: 80_000, revision: 3 });

    // And a Pix of 800, matched by its txid, settles the invoice
    const paymentId = `PIX-ORDER-${randomUUID()}`;
    await pay(base, { paymentId, pixTxid: txid, amountCents: 80_000 });
    const [reconciled] = await waitFor('reconciliation', () => (reconciledOf(paymentId).length > 0 ? reconciledOf(paymentId) : undefined));
    expect(reconciled!.data).toMatchObject({ invoiceId, paidTotalCents: 80_000, outstandingCents: 0, settled: true });
  });
  test("a bank's own payment door settles its invoices, and a payment there in another tenant's name is dead-lettered", async () => {
    const invoice = invoiceFor(`INV-DOOR-${randomUUID()}`, { amountCents: 5000 });
    await register(invoice, 1);
    const own = buildEnvelope(PaymentReceivedV1, context(), { paymentId: `PIX-DOOR-${randomUUID()}`, method: 'pix', invoiceExternalId: invoice.externalId, amountCents: 5000, paidAt: now.toISOString() });
    const spoofed = buildEnvelope(PaymentReceivedV1, { ...context(), tenant: 'another-bank' }, { paymentId: `PIX-SPOOF-${randomUUID()}`, method: 'pix', invoiceExternalId: invoice.externalId, amountCents: 5000, paidAt: now.toISOString() });
    const door = namespace + inboundPaymentsTopicFor(tenant);
    const before = deadLettered().length;
    await producer.send({ topic: door, messages: [spoofed, own].map((envelope) => ({ key: debtorKey(tenant, invoice.debtor.externalId), value: JSON.stringify(envelope) })) });

    const [reconciled] = await waitFor('the own payment reconciled', () => reconciledOf(own.data.paymentId).length > 0 && reconciledOf(own.data.paymentId));
    expect(reconciled!.data.settled).toBe(true);
    const letter = await waitFor('the spoofed payment dead-lettered', () => deadLettered().slice(before).find((m) => m.headers['dlq-source-topic'] === door));
    expect(letter.headers['dlq-error']).toContain("another-bank is not this topic's creditor");
    expect(reconciledOf(spoofed.data.paymentId)).toEqual([]);
  });
});
