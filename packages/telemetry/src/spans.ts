import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Link } from '@opentelemetry/api';
import { maskPersonalData } from './redact.ts';

const tracer = trace.getTracer('regua');

export interface SpanOptions {
  attributes?: Attributes;
  kind?: SpanKind;
  /** Parent context; the active one by default. */
  parent?: Context;
  /** Other causes, e.g. the rest of a consumed batch. */
  links?: Link[];
}

/** Runs `work` in a new active span, so anything it publishes carries this trace; errors mark the span. */
export function withSpan<T>(name: string, options: SpanOptions, work: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes: options.attributes ?? {}, kind: options.kind ?? SpanKind.INTERNAL, links: options.links ?? [] }, options.parent ?? context.active(), async (span) => {
    try {
      return await work();
    } catch (error) {
      // Error texts may quote input: the trace gets them masked, like the logs.
      const { name, message, stack } = error as Error;
      span.recordException({ name, message: maskPersonalData(String(message)), ...(stack ? { stack: maskPersonalData(stack) } : {}) });
      span.setStatus({ code: SpanStatusCode.ERROR, message: maskPersonalData(String(message)) });
      throw error;
    } finally {
      span.end();
    }
  });
}

export { SpanKind, trace, type Context, type Link };
