// Scale-out on one machine: two replicas of every service in the same consumer groups and databases give the
// same results as one. Provider sends are counted as the provider would see them: every raw call.
import { randomUUID } from 'node:crypto';
import { exampleInvoice, exampleSubmission, InvoiceRegisteredV1, NotificationSentV1 } from '@regua/contracts';
import type { MessageChannel, OutboundMessage } from '@regua/notification';
import { recordTopics, testEndpoints, waitFor } from '@regua/testing';
import { manualClock, startPipeline, type Pipeline } from './support/pipeline.ts';

const TUESDAY_MORNING = new Date('2026-11-24T13:00:00Z');
const DAY = 86_400_000;
const INVOICES = 60;

describe('two replicas of every service', () => {
  const clock = manualClock(TUESDAY_MORNING);
  const calls: OutboundMessage[] = [];
  const provider: MessageChannel = { send: async (message) => void calls.push(message) };
  let a: Pipeline;
  let b: Pipeline;

  beforeAll(async () => {
    a = await startPipeline(clock, { channel: provider });
    b = await startPipeline(clock, { replicaOf: a, channel: provider });
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  const postBatch = (pipeline: Pipeline, ids: number[]) =>
    fetch(`http://127.0.0.1:${pipeline.ingestion.port}/v1/invoices:batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': pipeline.apiKey },
      body: JSON.stringify({
        invoices: ids.map((n) => exampleSubmission(randomUUID(), '2026-11-20T12:00:00-03:00', exampleInvoice({ externalId: `INV-REPLICA-${n}`, debtor: { ...exampleInvoice().debtor, externalId: `CUST-REPLICA-${n}` } }))),
      }),
    });

  test('each invoice is published once, each reminder step sent once, whichever replica did the work', async () => {
    const recorder = await recordTopics(testEndpoints().kafkaBrokers, [a.namespace + InvoiceRegisteredV1.topic, a.namespace + NotificationSentV1.topic]);
    try {
      const half = INVOICES / 2;
      const ids = Array.from({ length: INVOICES }, (_, n) => n);
      const responses = await Promise.all([postBatch(a, ids.slice(0, half)), postBatch(b, ids.slice(half))]);
      expect(responses.map((r) => r.status)).toEqual([202, 202]);
      // Both relays try to publish at once, as their timers would.
      await Promise.all([a.ingestion.flushOutbox(), b.ingestion.flushOutbox()]);

      const invoiceIds = ids.map((n) => `${a.tenant}:INV-REPLICA-${n}`);
      await waitFor(
        'a first reminder for every invoice',
        async () => {
          const cases = await Promise.all(invoiceIds.map((id) => a.notification.cases.caseOf(id)));
          return cases.every((c) => c?.timeline.some((t) => t.what.includes(' sent by ')));
        },
        60_000,
      );
      const registered = recorder.messages.filter((m) => m.topic === a.namespace + InvoiceRegisteredV1.topic);
      expect(registered).toHaveLength(INVOICES);
      expect(new Set(registered.map((m) => m.json<{ id: string }>().id)).size).toBe(INVOICES);
      // One case per invoice here (each has its own debtor), each with one step sent on each of its channels, once.
      expect(new Set(calls.map((c) => c.caseId)).size).toBe(INVOICES);
      expect(new Set(calls.map((c) => c.reference)).size).toBe(calls.length);

      // Both dispatchers wake at the same moment for the steps that fall due three weeks on.
      clock.advance(21 * DAY);
      await Promise.all([a.notification.dispatcher.runDue(), b.notification.dispatcher.runDue()]);
      await Promise.all([a.notification.dispatcher.runDue(), b.notification.dispatcher.runDue()]);

      const deliveries = (await Promise.all(invoiceIds.map((id) => a.notification.cases.deliveriesFor(id)))).flat();
      const sentPerCaseStep = new Map<string, number>();
      // By the step's reference: two steps of one cadence may carry the same text (the same template on two channels).
      for (const call of calls) sentPerCaseStep.set(call.reference, (sentPerCaseStep.get(call.reference) ?? 0) + 1);
      expect(deliveries.length).toBeGreaterThan(INVOICES);
      expect(calls).toHaveLength(deliveries.length);
      expect([...sentPerCaseStep.values()].every((count) => count === 1)).toBe(true);
      await waitFor('every reminder event', () => recorder.messages.filter((m) => m.topic === a.namespace + NotificationSentV1.topic).length >= deliveries.length);
    } finally {
      await recorder.stop();
    }
  }, 180_000);
});
