import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';
import { maskPersonalData, redactPersonalData } from './redact.ts';

export type { Logger };

/**
 * JSON logs. Personal data (CPF/CNPJ, e-mails, phones, debtors' names, addresses) is redacted by key at any
 * depth, and e-mails and long digit runs are masked in messages and errors, as LGPD asks: log ids, never the
 * person. A line written inside a span carries its `trace_id` and `span_id`, so it leads to the trace.
 */
/** `destination`: stdout unless given (tests read what would be written). */
export function createLogger(options: { service: string; level?: string }, destination?: DestinationStream): Logger {
  const settings: pino.LoggerOptions = {
    name: options.service,
    level: options.level ?? 'info',
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: traceIds,
    formatters: { log: (object) => redactPersonalData(object) as Record<string, unknown> },
    hooks: {
      // The message string itself may quote input (an error's text folded into it).
      logMethod(args, method) {
        const masked = args.map((arg) => (typeof arg === 'string' ? maskPersonalData(arg) : arg)) as Parameters<typeof method>;
        method.apply(this, masked);
      },
    },
  };
  return destination ? pino(settings, destination) : pino(settings);
}

/** The active span's ids, in the field names OpenTelemetry's log data model and pino's own instrumentation use. */
function traceIds(): Record<string, string> {
  const spanContext = trace.getSpan(context.active())?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? { trace_id: spanContext.traceId, span_id: spanContext.spanId } : {};
}

/** Keeps the last two digits: enough for support to tell documents apart, useless to anyone else. */
export function maskDocument(document: string): string {
  const digits = document.replace(/\D/g, '');
  return digits.length <= 2 ? '**' : `${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`;
}
