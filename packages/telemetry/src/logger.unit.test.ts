import { Writable } from 'node:stream';
import { createLogger } from './logger.ts';
import { InMemorySpanExporter, SimpleSpanProcessor, startTelemetry } from './sdk.ts';
import { trace, withSpan } from './spans.ts';

describe('the service logger inside a trace', () => {
  test('Given a line logged inside a span, then it is JSON carrying the span\'s trace_id and span_id; outside a span it carries none', async () => {
    const telemetry = startTelemetry({ serviceName: 'logger-test', spanProcessors: [new SimpleSpanProcessor({ exporter: new InMemorySpanExporter() })] });
    try {
      const lines: string[] = [];
      const logger = createLogger({ service: 'test' }, new Writable({ write: (chunk, _enc, done) => void (lines.push(String(chunk)), done()) }));

      const span = await withSpan('handle', {}, async () => {
        logger.info({ invoiceId: 'bank:INV-1' }, 'inside');
        return trace.getActiveSpan()!.spanContext();
      });
      logger.info('outside');

      const [inside, outside] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(inside).toMatchObject({ msg: 'inside', service: 'test', invoiceId: 'bank:INV-1', trace_id: span.traceId, span_id: span.spanId });
      expect(outside).not.toHaveProperty('trace_id');
    } finally {
      await telemetry.shutdown();
    }
  });
});
