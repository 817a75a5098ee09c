import { context, propagation, trace, ROOT_CONTEXT, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';

const headerSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

const headerGetter: TextMapGetter<IHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  },
};

/** W3C traceparent of the active span, for storing in an envelope. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier, headerSetter);
  return carrier.traceparent;
}

/** The parent of a publish: the active span if any, else the envelope's stored origin (outbox relays run outside the request). */
export function publishContext(traceparent: string | undefined): Context {
  if (trace.getSpan(context.active())) return context.active();
  return originContext(traceparent);
}

export function originContext(traceparent: string | undefined): Context {
  if (!traceparent) return context.active();
  return propagation.extract(ROOT_CONTEXT, { traceparent }, { keys: (c) => Object.keys(c), get: (c, k) => c[k as 'traceparent'] });
}

export function injectHeaders(ctx: Context): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier, headerSetter);
  return carrier;
}

export function extractFromHeaders(headers: IHeaders, fallbackTraceparent: string | undefined): Context {
  if (headers.traceparent) return propagation.extract(ROOT_CONTEXT, headers, headerGetter);
  if (fallbackTraceparent) return propagation.extract(ROOT_CONTEXT, { traceparent: fallbackTraceparent }, headerGetter);
  return ROOT_CONTEXT;
}

export { context };
