// Redeliveries and cross-topic races, on the real broker and database: what at-least-once delivery does to
// consumers. Messages are produced straight onto the topics, as a redelivery or a reordering would bring them.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { buildEnvelope, debtorKey, exampleInvoice, exampleSubmission, invoiceId as toInvoiceId, InvoiceRegisteredV1, InvoiceUpdatedV1, PaymentReceivedV1, type EnvelopeContext } from '@regua/contracts';
import { recordTopics, testEndpoints, waitFor } from '@regua/testing';
import { manualClock, startPipeline, type Pipeline } from './support/pipeline.ts';

const TUESDAY_MORNING = new Date('2026-11-24T13:00:00Z');

describe('consumers under redelivery and reordering', () => {
  const clock = manualClock(TUESDAY_MORNING);
  const { kafkaBrokers } = testEndpoints();
  let pipeline: Pipeline;
  let producer: Producer;
  const kafka = new Kafka({ clientId: 'redelivery-test', brokers: kafkaBrokers, logLevel: logLevel.NOTHING });

  beforeAll(async () => {
    pipeline = await startPipeline(clock);
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await pipeline?.stop();
  });

  /** Until the group has committed every message of the topic: whatever was sent has been handled. */
  async function caughtUp(group: string, topic: string): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitFor(`${group} to catch up on ${topic}`, async () => {
        const ends = await admin.fetchTopicOffsets(pipeline.namespace + topic);
        const [committed] = await admin.fetchOffsets({ groupId: pipeline.namespace + group, topics: [pipeline.namespace + topic] });
        // An empty partition has nothing to commit (-1).
        return ends.every((end) => end.high === '0' || committed!.partitions.find((p) => p.partition === end.partition)?.offset === end.high);
      });
    } finally {
      await admin.disconnect();
    }
  }

  const context = (tenant: string): EnvelopeContext => ({ id: randomUUID(), occurredAt: clock.now(), source: 'redelivery-test', tenant, correlationId: randomUUID() });

  test('a redelivered debtor.scored leaves the case as it was: same start, one "opened" entry, no second reminder', async () => {
    const recorder = await recordTopics(kafkaBrokers, [pipeline.namespace + 'collections.debtor.scored.v1']);
    try {
      const response = await fetch(`http://127.0.0.1:${pipeline.ingestion.port}/v1/invoices`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': pipeline.apiKey },
        body: JSON.stringify(exampleSubmission(randomUUID(), '2026-11-20T12:00:00-03:00', exampleInvoice({ externalId: 'INV-REDELIVER-1' }))),
      });
      const { invoiceId } = (await response.json()) as { invoiceId: string };
      // The first reminder sent and the case moved on to its next step.
      const before = await waitFor('the first reminder', async () => {
        const found = await pipeline.notification.cases.caseOf(invoiceId);
        return found?.timeline.some((t) => t.what.includes(' sent by ')) ? found : undefined;
      });
      const scored = await waitFor('the scored message', () => recorder.messages.find((m) => m.json<{ data: { invoiceId: string } }>().data.invoiceId === invoiceId));

      const sentBefore = await pipeline.notification.cases.deliveriesFor(invoiceId);
      // Hours later the same message comes again (a consumer crashed before committing it).
      clock.advance(3 * 3_600_000);
      await producer.send({ topic: scored.topic, messages: [{ key: scored.key, value: scored.value, headers: scored.headers }] });
      await caughtUp('regua.notification', 'collections.debtor.scored.v1');

      const after = (await pipeline.notification.cases.caseOf(invoiceId))!;
      expect(after.openedAt).toEqual(before.openedAt);
      expect(after.invoices).toEqual(before.invoices);
      expect(after.timeline.filter((t) => t.what.startsWith('case opened'))).toHaveLength(1);
      expect(await pipeline.notification.cases.deliveriesFor(invoiceId)).toEqual(sentBefore);
    } finally {
      await recorder.stop();
    }
  });

  test('an update that overtakes its registration is not undone by it: a Pix of the updated amount settles the invoice', async () => {
    const tenant = pipeline.tenant;
    const externalId = 'INV-RACE-1';
    const invoiceId = toInvoiceId(tenant, externalId);
    const original = exampleInvoice({ externalId, amountCents: 100_000 });
    const key = debtorKey(tenant, original.debtor.externalId);
    const recorder = await recordTopics(kafkaBrokers, [pipeline.namespace + 'collections.payment.reconciled.v1']);
    try {
      // The update (to R$ 800) is handled first, the registration (R$ 1.000) after it: they travel on two topics.
      const updated = buildEnvelope(InvoiceUpdatedV1, context(tenant), { invoiceId, invoice: { ...original, amountCents: 80_000 }, changedFields: ['amountCents'] });
      await producer.send({ topic: pipeline.namespace + InvoiceUpdatedV1.topic, messages: [{ key, value: JSON.stringify(updated) }] });
      await caughtUp('regua.payment-reconciliation.invoices', InvoiceUpdatedV1.topic);
      const registered = buildEnvelope(InvoiceRegisteredV1, context(tenant), { invoiceId, invoice: original });
      await producer.send({ topic: pipeline.namespace + InvoiceRegisteredV1.topic, messages: [{ key, value: JSON.stringify(registered) }] });
      await caughtUp('regua.payment-reconciliation.invoices', InvoiceRegisteredV1.topic);

      const pix = buildEnvelope(PaymentReceivedV1, context(tenant), { paymentId: 'E2E-PIX-RACE-1', method: 'pix', invoiceExternalId: externalId, amountCents: 80_000, paidAt: clock.now().toISOString() });
      await producer.send({ topic: pipeline.namespace + PaymentReceivedV1.topic, messages: [{ key, value: JSON.stringify(pix) }] });

      const reconciled = await waitFor('the reconciliation', () => recorder.messages.find((m) => m.json<{ data: { paymentId: string } }>().data.paymentId === 'E2E-PIX-RACE-1'));
      expect(reconciled.json<{ data: unknown }>().data).toMatchObject({ invoiceId, paidTotalCents: 80_000, outstandingCents: 0, settled: true });
    } finally {
      await recorder.stop();
    }
  });

  test('the same payment delivered twice is counted once', async () => {
    const tenant = pipeline.tenant;
    const externalId = 'INV-TWICE-1';
    const invoice = exampleInvoice({ externalId, amountCents: 50_000 });
    const key = debtorKey(tenant, invoice.debtor.externalId);
    const recorder = await recordTopics(kafkaBrokers, [pipeline.namespace + 'collections.payment.reconciled.v1']);
    try {
      const registered = buildEnvelope(InvoiceRegisteredV1, context(tenant), { invoiceId: toInvoiceId(tenant, externalId), invoice });
      await producer.send({ topic: pipeline.namespace + InvoiceRegisteredV1.topic, messages: [{ key, value: JSON.stringify(registered) }] });
      await caughtUp('regua.payment-reconciliation.invoices', InvoiceRegisteredV1.topic);

      const partial = buildEnvelope(PaymentReceivedV1, context(tenant), { paymentId: 'E2E-PIX-TWICE-1', method: 'pix', invoiceExternalId: externalId, amountCents: 20_000, paidAt: clock.now().toISOString() });
      const value = JSON.stringify(partial);
      await producer.send({ topic: pipeline.namespace + PaymentReceivedV1.topic, messages: [{ key, value }, { key, value }] });
      await caughtUp('regua.payment-reconciliation.payments', PaymentReceivedV1.topic);

      const reconciliations = recorder.messages.filter((m) => m.json<{ data: { paymentId: string } }>().data.paymentId === 'E2E-PIX-TWICE-1');
      expect(reconciliations.length).toBeGreaterThan(0);
      for (const m of reconciliations) expect(m.json<{ data: unknown }>().data).toMatchObject({ paidTotalCents: 20_000, outstandingCents: 30_000, settled: false });
    } finally {
      await recorder.stop();
    }
  });
});
