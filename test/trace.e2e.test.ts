// A reminder's trace leads back to the bank's request that caused it: the request carries a W3C traceparent, and
// the reminder's trace is that trace, or reaches it through span links where a run of messages from several
// requests was processed in one span (OpenTelemetry's batch-receive convention).
import { randomBytes, randomUUID } from 'node:crypto';
import { exampleInvoice, exampleSubmission } from '@regua/contracts';
import { InMemorySpanExporter, SimpleSpanProcessor, startTelemetry, type ReadableSpan, type Telemetry } from '@regua/telemetry';
import { recordTopics, testEndpoints, waitFor } from '@regua/testing';
import { manualClock, startPipeline, type Pipeline } from './support/pipeline.ts';

const TUESDAY_MORNING = new Date('2026-11-24T13:00:00Z');
const SENT = 'collections.notification.sent.v1';

/** Traces reachable from `from`: a span of trace B with a parent or a link in trace A makes A lead to B. */
function tracesReachedFrom(from: string, spans: ReadableSpan[]): Set<string> {
  const edges = new Map<string, Set<string>>();
  for (const span of spans) {
    const to = span.spanContext().traceId;
    for (const link of span.links) if (link.context.traceId !== to) edges.set(link.context.traceId, (edges.get(link.context.traceId) ?? new Set()).add(to));
  }
  const reached = new Set([from]);
  for (const queue = [from]; queue.length > 0; ) {
    for (const next of edges.get(queue.pop()!) ?? []) {
      if (reached.has(next)) continue;
      reached.add(next);
      queue.push(next);
    }
  }
  return reached;
}

describe('tracing from a bank\'s request to the reminder it causes', () => {
  const clock = manualClock(TUESDAY_MORNING);
  const spans = new InMemorySpanExporter();
  let telemetry: Telemetry;
  let pipeline: Pipeline;

  beforeAll(async () => {
    telemetry = startTelemetry({ serviceName: 'trace-e2e', spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] });
    pipeline = await startPipeline(clock);
  });

  afterAll(async () => {
    await pipeline?.stop();
    await telemetry?.shutdown();
  });

  test('Given three banks\' requests at once, each with its own traceparent, then every reminder\'s trace is its request\'s trace or is linked to it', async () => {
    const recorder = await recordTopics(testEndpoints().kafkaBrokers, [pipeline.namespace + SENT]);
    try {
      // Given three requests sent together, for three debtors, each in a trace of the caller's
      const requests = ['1', '2', '3'].map((n) => {
        const invoice = exampleInvoice({ externalId: `INV-TRACE-${n}` });
        return { traceId: randomBytes(16).toString('hex'), submission: exampleSubmission(randomUUID(), '2026-11-20T12:00:00-03:00', { ...invoice, debtor: { ...invoice.debtor, externalId: `CUST-TRACE-${n}` } }) };
      });
      const answers = await Promise.all(
        requests.map(({ traceId, submission }) =>
          fetch(`http://127.0.0.1:${pipeline.ingestion.port}/v1/invoices`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': pipeline.apiKey, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
            body: JSON.stringify(submission),
          }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);

      // When each invoice's first reminder has gone out
      const reminders = await waitFor('a reminder per request', () => {
        const byCorrelation = new Map(recorder.messages.map((m) => [m.json<{ correlationId: string }>().correlationId, m]));
        const found = requests.map((r) => byCorrelation.get(r.submission.eventId));
        return found.every(Boolean) ? found.map((m) => m!) : undefined;
      }, 90_000);

      // Then ingestion's work for each request ran in the caller's trace
      await waitFor('ingestion spans exported', () => requests.every((r) => spans.getFinishedSpans().some((s) => s.name === 'ingest invoices' && s.spanContext().traceId === r.traceId)));

      // And each reminder's trace is a request's trace: its own, or, where a run of messages from several requests
      // was processed in one span (parented by the first, linking the others), one whose spans link to its own
      const reminderTraces = reminders.map((m) => m.headers.traceparent!.split('-')[1]!);
      const finished = spans.getFinishedSpans();
      requests.forEach(({ traceId }, i) => {
        expect(requests.map((r) => r.traceId)).toContain(reminderTraces[i]);
        expect(tracesReachedFrom(traceId, finished).has(reminderTraces[i]!)).toBe(true);
      });
    } finally {
      await recorder.stop();
    }
  });
});
