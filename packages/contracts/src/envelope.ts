import { z } from 'zod';

const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** Fields every message carries, whatever its type. The payload sits under `data`. */
export const EnvelopeHeaderSchema = z
  .object({
    id: z.uuid().describe('Unique event id; consumers deduplicate on it'),
    type: z.string().min(1),
    version: z.number().int().positive(),
    occurredAt: z.iso.datetime({ offset: true }),
    source: z.string().min(1).describe('Service or integration that produced the event'),
    tenant: z.string().min(1).describe('Creditor the event belongs to'),
    correlationId: z.string().min(1).describe('Shared by every event caused by one inbound request'),
    causationId: z.string().min(1).optional().describe('Id of the event that caused this one'),
    traceparent: z.string().regex(TRACEPARENT).optional().describe('W3C trace context of the origin'),
  })
  .strict();

export type EnvelopeHeader = z.infer<typeof EnvelopeHeaderSchema>;
export type Envelope<TData> = EnvelopeHeader & { data: TData };

export interface EventDefinition<TType extends string, TVersion extends number, TData extends z.ZodType> {
  readonly type: TType;
  readonly version: TVersion;
  readonly topic: string;
  readonly data: TData;
  readonly schema: z.ZodType<Envelope<z.infer<TData>>>;
}

export type EventOf<D> = D extends EventDefinition<string, number, infer TData> ? Envelope<z.infer<TData>> : never;
export type AnyEventDefinition = EventDefinition<string, number, z.ZodType>;

/** The topic carries the major version, so a breaking change is a new topic beside the old one. */
export function defineEvent<TType extends string, TVersion extends number, TData extends z.ZodType>(definition: {
  type: TType;
  version: TVersion;
  topic: string;
  data: TData;
}): EventDefinition<TType, TVersion, TData> {
  if (!definition.topic.endsWith(`.v${definition.version}`)) {
    throw new Error(`topic ${definition.topic} must end with .v${definition.version}`);
  }
  const schema = EnvelopeHeaderSchema.extend({
    type: z.literal(definition.type),
    version: z.literal(definition.version),
    data: definition.data,
  }).strict() as unknown as z.ZodType<Envelope<z.infer<TData>>>;
  return { ...definition, schema };
}

export interface EnvelopeContext {
  id: string;
  occurredAt: Date;
  source: string;
  tenant: string;
  correlationId: string;
  causationId?: string;
  traceparent?: string;
}

/** Builds an envelope; ids and time are passed in so that callers stay deterministic under test. */
export function buildEnvelope<TType extends string, TVersion extends number, TData extends z.ZodType>(
  definition: EventDefinition<TType, TVersion, TData>,
  context: EnvelopeContext,
  data: z.infer<TData>,
): Envelope<z.infer<TData>> {
  const envelope: Envelope<z.infer<TData>> = {
    id: context.id,
    type: definition.type,
    version: definition.version,
    occurredAt: context.occurredAt.toISOString(),
    source: context.source,
    tenant: context.tenant,
    correlationId: context.correlationId,
    data,
  };
  if (context.causationId) envelope.causationId = context.causationId;
  if (context.traceparent) envelope.traceparent = context.traceparent;
  return envelope;
}

/** Context for an event caused by another one: same tenant, correlation and trace. */
export function causedBy(cause: EnvelopeHeader, next: { id: string; occurredAt: Date; source: string }): EnvelopeContext {
  const context: EnvelopeContext = { ...next, tenant: cause.tenant, correlationId: cause.correlationId, causationId: cause.id };
  if (cause.traceparent) context.traceparent = cause.traceparent;
  return context;
}

/** Partition key: one debtor's events of one creditor stay in order on one partition. */
export function debtorKey(tenant: string, debtorId: string): string {
  return `${tenant}:${debtorId}`;
}
