import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { buildEnvelope, debtorKey, exampleInvoice, exampleSubmission, PaymentReceivedV1, type InvoiceSubmissionV1 } from '@regua/contracts';
import { InMemorySpanExporter, SimpleSpanProcessor, startTelemetry, type Telemetry } from '@regua/telemetry';
import { recordTopics, testEndpoints, waitFor } from '@regua/testing';
import { manualClock, startPipeline, type Pipeline } from './support/pipeline.ts';

// Tuesday 10:00 in São Paulo: inside the debtor's contact hours.
const TUESDAY_MORNING = new Date('2026-11-24T13:00:00Z');
const DAY = 86_400_000;

describe('the collections pipeline, end to end on the real broker and database', () => {
  const clock = manualClock(TUESDAY_MORNING);
  const spans = new InMemorySpanExporter();
  let telemetry: Telemetry;
  let pipeline: Pipeline;

  beforeAll(async () => {
    telemetry = startTelemetry({ serviceName: 'pipeline-e2e', spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] });
    pipeline = await startPipeline(clock);
  });

  afterAll(async () => {
    await pipeline?.stop();
    await telemetry?.shutdown();
  });

  const post = (body: unknown) =>
    fetch(`http://127.0.0.1:${pipeline.ingestion.port}/v1/invoices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': pipeline.apiKey },
      body: JSON.stringify(body),
    });

  test('an overdue invoice becomes a reminder, and its payment closes the case and stops the reminders', async () => {
    const topics = ['collections.invoice.registered.v1', 'collections.debtor.enriched.v1', 'collections.debtor.scored.v1', 'collections.notification.sent.v1', 'collections.payment.reconciled.v1'];
    const recorder = await recordTopics(testEndpoints().kafkaBrokers, topics.map((t) => pipeline.namespace + t));
    try {
      const submission: InvoiceSubmissionV1 = exampleSubmission(randomUUID(), '2026-11-20T12:00:00-03:00', exampleInvoice({ externalId: 'INV-E2E-1' }));

      // Given a bank posts an overdue invoice
      const response = await post(submission);
      expect(response.status).toBe(202);
      const accepted = (await response.json()) as { invoiceId: string; outcome: string };
      expect(accepted.outcome).toBe('registered');
      const invoiceId = accepted.invoiceId;

      // Then each service stores its own view and the first reminder goes out
      const delivered = await waitFor('first reminder', async () => {
        const deliveries = await pipeline.notification.cases.deliveriesFor(invoiceId);
        return deliveries.length > 0 ? deliveries : undefined;
      });
      // One step, on each of its channels (the due step of the case's cadence may use two).
      expect(new Set(delivered.map((d) => d.step)).size).toBe(1);
      // The first step went out as the case opened: its schedule entry, a safety net for a crash, is gone, so no
      // dispatcher tick handles the step again (which would publish the reminder a second time).
      const scheduleDb = pipeline.notification.context.db.db!;
      const caseId = (await pipeline.notification.cases.caseOf(invoiceId))!._id;
      await waitFor('safety-net entry removed', async () => {
        const buckets = (await scheduleDb.listCollections({}, { nameOnly: true }).toArray()).filter((c) => c.name.startsWith('schedule_'));
        const entries = await Promise.all(buckets.map((b) => scheduleDb.collection(b.name).countDocuments({ caseId, dueAt: { $lte: clock.now() } })));
        return entries.every((n) => n === 0) || undefined;
      });
      clock.advance(3 * 60_000);
      expect(await pipeline.notification.dispatcher.runDue()).toBe(0);
      expect(delivered[0]!.text).toContain('Banco Exemplo S.A.');
      expect(delivered[0]!.text).toContain('R$ 1.234,56');

      const profiles = pipeline.enrichment.context.db.collection('debtor_profiles');
      const profile = await profiles.findOne({ _id: invoiceId as never });
      expect(profile?.profile.contacts.mobilePhones).toEqual(['+5511987654321']);
      const score = await pipeline.scoring.context.db.collection('scores').findOne({ _id: invoiceId as never });
      expect(score?.segment).toMatch(/risk$/);
      const receivable = await waitFor('receivable', () => pipeline.payments.context.db.collection<{ _id: string; amountCents: number }>('receivables').findOne({ _id: invoiceId }));
      expect(receivable.amountCents).toBe(123456);

      // When the payment arrives from the bank
      const kafka = new Kafka({ clientId: 'e2e-bank', brokers: testEndpoints().kafkaBrokers, logLevel: logLevel.NOTHING });
      const producer = kafka.producer();
      await producer.connect();
      const payment = buildEnvelope(
        PaymentReceivedV1,
        { id: randomUUID(), occurredAt: clock.now(), source: 'bank-e2e', tenant: pipeline.tenant, correlationId: randomUUID() },
        { paymentId: 'E2E-PIX-0001', method: 'pix', invoiceExternalId: 'INV-E2E-1', amountCents: 123456, paidAt: clock.now().toISOString() },
      );
      await producer.send({ topic: pipeline.namespace + PaymentReceivedV1.topic, messages: [{ key: debtorKey(pipeline.tenant, 'CUST-42'), value: JSON.stringify(payment) }] });
      await producer.disconnect();

      // Then the case is closed as paid
      const closed = await waitFor('case closed', async () => {
        const found = await pipeline.notification.cases.caseOf(invoiceId);
        return found?.status === 'closed' ? found : undefined;
      });
      expect(closed.closeReason).toBe('paid');

      // And no further reminder goes out when the next steps fall due
      clock.advance(20 * DAY);
      await pipeline.notification.dispatcher.runDue();
      expect(await pipeline.notification.cases.deliveriesFor(invoiceId)).toHaveLength(delivered.length);

      // And one trace spans ingestion → enrichment → scoring → notification
      await waitFor('all events recorded', async () => topics.every((t) => recorder.messages.some((m) => m.topic === pipeline.namespace + t)) || undefined);
      const traceIds = topics.slice(0, 4).map((t) => recorder.messages.find((m) => m.topic === pipeline.namespace + t)?.headers.traceparent?.split('-')[1]);
      expect(traceIds[0]).toMatch(/^[0-9a-f]{32}$/);
      expect(new Set(traceIds).size).toBe(1);
      const traceSpans = spans.getFinishedSpans().filter((s) => s.spanContext().traceId === traceIds[0]);
      expect(traceSpans.map((s) => s.name)).toEqual(expect.arrayContaining(['ingest invoices', `process ${pipeline.namespace}collections.debtor.scored.v1`]));

      // And every event carries the envelope: id, tenant, correlation id and occurred-at
      for (const message of recorder.messages) {
        const envelope = message.json<{ id: string; tenant: string; correlationId: string; occurredAt: string }>();
        expect(envelope.tenant).toBe(pipeline.tenant);
        expect(envelope.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(envelope.occurredAt).toBeTruthy();
      }
      const ingestionEvents = recorder.messages.filter((m) => !m.topic.endsWith('payment.reconciled.v1'));
      expect(new Set(ingestionEvents.map((m) => m.json<{ correlationId: string }>().correlationId))).toEqual(new Set([submission.eventId]));
    } finally {
      await recorder.stop();
    }
  });
});
