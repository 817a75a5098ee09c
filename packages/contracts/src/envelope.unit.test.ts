import { z } from 'zod';
import { buildEnvelope, causedBy, debtorKey, defineEvent, type EnvelopeHeader } from './envelope.ts';

const ThingHappenedV1 = defineEvent({
  type: 'ThingHappened',
  version: 1,
  topic: 'test.thing.happened.v1',
  data: z.object({ thingId: z.string().min(1), count: z.number().int() }).strict(),
});

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('defineEvent', () => {
  test('Given a topic without a version suffix, then it refuses the definition', () => {
    expect(() => defineEvent({ type: 'ThingHappened', version: 1, topic: 'test.thing.happened', data: z.object({}) })).toThrow(/\.v1/);
  });

  test('Given a topic whose suffix names another version, then it refuses the definition', () => {
    expect(() => defineEvent({ type: 'ThingHappened', version: 2, topic: 'test.thing.happened.v1', data: z.object({}) })).toThrow(/must end with \.v2/);
  });

  test('Given a topic ending in the version, then the definition keeps type, version and topic', () => {
    expect(ThingHappenedV1).toMatchObject({ type: 'ThingHappened', version: 1, topic: 'test.thing.happened.v1' });
  });
});

describe('buildEnvelope and the event schema', () => {
  const context = {
    id: '8d2f8f0e-9a43-4c1b-9a57-3f0b5a1f2c11',
    occurredAt: new Date('2026-11-24T13:00:00.000Z'),
    source: 'unit-test',
    tenant: 'banco-exemplo',
    correlationId: 'corr-1',
  };

  test('Given a context and data, when the envelope is built and parsed back, then nothing changes', () => {
    const envelope = buildEnvelope(ThingHappenedV1, context, { thingId: 't-1', count: 3 });

    expect(envelope).toEqual({
      id: context.id,
      type: 'ThingHappened',
      version: 1,
      occurredAt: '2026-11-24T13:00:00.000Z',
      source: 'unit-test',
      tenant: 'banco-exemplo',
      correlationId: 'corr-1',
      data: { thingId: 't-1', count: 3 },
    });
    expect(ThingHappenedV1.schema.parse(JSON.parse(JSON.stringify(envelope)))).toEqual(envelope);
  });

  test('Given no causation or trace, then the envelope has no such keys at all', () => {
    const envelope = buildEnvelope(ThingHappenedV1, context, { thingId: 't-1', count: 3 });

    expect(envelope).not.toHaveProperty('causationId');
    expect(envelope).not.toHaveProperty('traceparent');
  });

  test('Given a causation id and a traceparent, then they are kept and survive the schema', () => {
    const envelope = buildEnvelope(ThingHappenedV1, { ...context, causationId: 'cause-1', traceparent: TRACEPARENT }, { thingId: 't-1', count: 3 });

    expect(envelope.causationId).toBe('cause-1');
    expect(envelope.traceparent).toBe(TRACEPARENT);
    expect(ThingHappenedV1.schema.parse(envelope)).toEqual(envelope);
  });

  test('Given an envelope of another type or version, then the schema rejects it', () => {
    const envelope = buildEnvelope(ThingHappenedV1, context, { thingId: 't-1', count: 3 });

    expect(ThingHappenedV1.schema.safeParse({ ...envelope, type: 'OtherThing' }).success).toBe(false);
    expect(ThingHappenedV1.schema.safeParse({ ...envelope, version: 2 }).success).toBe(false);
  });

  test('Given an extra header field or bad data, then the schema rejects it', () => {
    const envelope = buildEnvelope(ThingHappenedV1, context, { thingId: 't-1', count: 3 });

    expect(ThingHappenedV1.schema.safeParse({ ...envelope, extra: true }).success).toBe(false);
    expect(ThingHappenedV1.schema.safeParse({ ...envelope, data: { thingId: 't-1', count: 1.5 } }).success).toBe(false);
    expect(ThingHappenedV1.schema.safeParse({ ...envelope, traceparent: 'not-a-traceparent' }).success).toBe(false);
  });
});

describe('causedBy', () => {
  const cause: EnvelopeHeader = {
    id: '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b',
    type: 'InvoiceRegistered',
    version: 1,
    occurredAt: '2026-11-24T13:00:00.000Z',
    source: 'ingestion',
    tenant: 'banco-exemplo',
    correlationId: 'request-42',
    causationId: 'earlier-event',
    traceparent: TRACEPARENT,
  };

  test('Given a cause, then the next context keeps tenant, correlation and trace and points back at the cause', () => {
    const next = { id: 'next-id', occurredAt: new Date('2026-11-24T13:00:01Z'), source: 'enrichment' };

    expect(causedBy(cause, next)).toEqual({
      ...next,
      tenant: 'banco-exemplo',
      correlationId: 'request-42',
      causationId: cause.id,
      traceparent: TRACEPARENT,
    });
  });

  test('Given a cause without a trace, then the next context has no traceparent key', () => {
    const { traceparent: _dropped, ...untraced } = cause;

    const context = causedBy(untraced, { id: 'next-id', occurredAt: new Date(), source: 'enrichment' });

    expect(context).not.toHaveProperty('traceparent');
    expect(context.causationId).toBe(cause.id);
  });

  test('Given an envelope built from causedBy, then it validates and carries the chain', () => {
    const envelope = buildEnvelope(ThingHappenedV1, causedBy(cause, { id: '0f8fad5b-d9cb-469f-a165-70867728950e', occurredAt: new Date('2026-11-24T13:00:01Z'), source: 'enrichment' }), { thingId: 't', count: 1 });

    expect(ThingHappenedV1.schema.parse(envelope)).toMatchObject({ tenant: cause.tenant, correlationId: cause.correlationId, causationId: cause.id, traceparent: TRACEPARENT });
  });
});

describe('debtorKey', () => {
  test('joins tenant and debtor so one debtor of one creditor stays on one partition', () => {
    expect(debtorKey('banco-exemplo', 'CUST-42')).toBe('banco-exemplo:CUST-42');
  });
});
