import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type IHeaders, type Producer } from 'kafkajs';
import { z } from 'zod';
import { buildEnvelope, defineEvent, type EventOf } from '@regua/contracts';
import { ValidationError } from '@regua/errors';
import { createLogger } from '@regua/telemetry';
import { recordTopics, testEndpoints, uniqueName, waitFor, type RecordedMessage } from '@regua/testing';
import { createKafkaBus, type KafkaBus } from './bus.ts';
import { on, onBatch, type Delivery, type MessageMeta, type Rejection } from './consumer.ts';
import { deadLetterTopicFor } from './dead-letter.ts';
import type { RetryPolicy } from './retry.ts';

/** A test-only event: nothing in Régua produces or consumes it. */
const ThingHappenedV1 = defineEvent({
  type: 'ThingHappened',
  version: 1,
  topic: 'test.thing.happened.v1',
  data: z.object({ thingId: z.string().min(1), seq: z.number().int().nonnegative() }).strict(),
});
type ThingHappened = EventOf<typeof ThingHappenedV1>;

const GROUP = 'test.thing-consumer';
const DLQ = deadLetterTopicFor(GROUP);
const FAST_RETRY: RetryPolicy = { retries: 3, initialDelayMs: 50, maxDelayMs: 100 };
/** Long enough for a redelivery or a stray dead letter to show up if there were one. */
const SETTLE_MS = 1_500;

const logger = createLogger({ service: 'kafka-bus-int-test', level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function thing(seq: number, thingId = 'thing-1'): ThingHappened {
  return buildEnvelope(ThingHappenedV1, { id: randomUUID(), occurredAt: new Date(), source: 'bus-int-test', tenant: 'tenant-a', correlationId: `corr-${seq}` }, { thingId, seq });
}

describe('the Kafka bus on a real broker', () => {
  const { kafkaBrokers } = testEndpoints();
  let namespace: string;
  let bus: KafkaBus;
  let rawProducer: Producer | undefined;
  let deadLetters: { messages: RecordedMessage[]; stop(): Promise<void> } | undefined;

  beforeEach(async () => {
    // Each test gets its own topics and consumer group, so offsets and dead letters never leak between tests.
    namespace = `${uniqueName('bus')}.`;
    bus = await createKafkaBus({ clientId: 'kafka-bus-int-test', brokers: kafkaBrokers, logger, namespace, partitions: 3 });
    await bus.ensureTopics([ThingHappenedV1.topic, DLQ]);
  });

  afterEach(async () => {
    await deadLetters?.stop();
    deadLetters = undefined;
    await rawProducer?.disconnect();
    rawProducer = undefined;
    await bus.disconnect();
  });

  async function recordDeadLetters(): Promise<RecordedMessage[]> {
    deadLetters = await recordTopics(kafkaBrokers, [namespace + DLQ]);
    return deadLetters.messages;
  }

  /** Bytes straight onto the namespaced topic, bypassing the publisher (which only sends envelopes). */
  async function produceRaw(message: { key: string; value: string; headers?: IHeaders }): Promise<void> {
    if (!rawProducer) {
      rawProducer = new Kafka({ clientId: 'kafka-bus-int-test-raw', brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).producer();
      await rawProducer.connect();
    }
    await rawProducer.send({ topic: namespace + ThingHappenedV1.topic, acks: -1, messages: [message] });
  }

  function consume(handle: (envelope: ThingHappened, meta: MessageMeta) => Promise<void>, retry: RetryPolicy = FAST_RETRY): Promise<void> {
    return bus.consume({ groupId: GROUP, subscriptions: [on(ThingHappenedV1, handle)], deadLetterTopic: DLQ, retry });
  }

  test('Given a published event, when a consumer group reads the topic, then the handler gets the parsed envelope exactly once', async () => {
    const received: Array<{ envelope: ThingHappened; meta: MessageMeta }> = [];
    await consume(async (envelope, meta) => {
      received.push({ envelope, meta });
    });
    const event = thing(1);

    await bus.publisher.publish([{ topic: ThingHappenedV1.topic, key: 'tenant-a:thing-1', envelope: event }]);

    await waitFor('the event to be handled', () => received.length > 0);
    await sleep(SETTLE_MS);
    expect(received).toHaveLength(1);
    expect(received[0]!.envelope).toEqual(event);
    // The handler sees logical names: the namespace is the bus's business.
    expect(received[0]!.meta).toMatchObject({ topic: ThingHappenedV1.topic, key: 'tenant-a:thing-1' });
  });

  test('Given a value that is not JSON, then it goes to the dead-letter topic as is, with reason invalid-json, and the handler never runs', async () => {
    const dead = await recordDeadLetters();
    let handled = 0;
    await consume(async () => {
      handled++;
    });
    const garbage = 'isto não é JSON {';

    await produceRaw({ key: 'k-garbage', value: garbage, headers: { 'x-origin': 'raw-test' } });

    const [letter] = await waitFor('a dead letter', () => (dead.length > 0 ? dead : undefined));
    expect(letter!.value).toBe(garbage);
    expect(letter!.key).toBe('k-garbage');
    expect(letter!.headers).toMatchObject({
      'x-origin': 'raw-test',
      'dlq-reason': 'invalid-json',
      'dlq-source-topic': namespace + ThingHappenedV1.topic,
      'dlq-consumer-group': GROUP,
      'dlq-attempts': '0',
    });
    expect(letter!.headers['dlq-error']).toMatch(/not JSON/);
    expect(handled).toBe(0);
  });

  test('Given JSON that fails the event schema, then it is dead-lettered with reason schema-validation and an error naming the bad field', async () => {
    const dead = await recordDeadLetters();
    let handled = 0;
    await consume(async () => {
      handled++;
    });
    const bad = JSON.stringify({ ...thing(1), data: { thingId: 'thing-1', seq: 'one' } });

    await produceRaw({ key: 'k-bad', value: bad, headers: { 'x-origin': 'raw-test' } });

    const [letter] = await waitFor('a dead letter', () => (dead.length > 0 ? dead : undefined));
    expect(letter!.value).toBe(bad);
    expect(letter!.headers).toMatchObject({ 'x-origin': 'raw-test', 'dlq-reason': 'schema-validation', 'dlq-attempts': '0' });
    expect(letter!.headers['dlq-error']).toContain('data.seq');
    expect(letter!.headers['dlq-error']).toContain('ThingHappened v1');
    expect(handled).toBe(0);
  });

  test('Given a handler that fails twice with a plain error and then succeeds, then the message is retried and processed successfully exactly once', async () => {
    const dead = await recordDeadLetters();
    let attempts = 0;
    const succeeded: string[] = [];
    await consume(async (envelope) => {
      attempts++;
      if (attempts <= 2) throw new Error(`database hiccup #${attempts}`);
      succeeded.push(envelope.id);
    });
    const event = thing(1);

    await bus.publisher.publish([{ topic: ThingHappenedV1.topic, key: 'tenant-a:thing-1', envelope: event }]);

    await waitFor('the handler to succeed', () => succeeded.length > 0);
    await sleep(SETTLE_MS);
    expect(attempts).toBe(3);
    expect(succeeded).toEqual([event.id]);
    expect(dead).toHaveLength(0);
  });

  test('Given a handler that throws a non-retriable ValidationError, then the message is dead-lettered at once with reason handler-rejected', async () => {
    const dead = await recordDeadLetters();
    let attempts = 0;
    await consume(async () => {
      attempts++;
      throw new ValidationError('thing-1 cannot happen twice', [{ path: 'data.thingId', message: 'duplicate' }]);
    });
    const event = thing(1);

    await bus.publisher.publish([{ topic: ThingHappenedV1.topic, key: 'tenant-a:thing-1', envelope: event }]);

    const [letter] = await waitFor('a dead letter', () => (dead.length > 0 ? dead : undefined));
    expect(letter!.json()).toEqual(event);
    expect(letter!.headers).toMatchObject({ 'dlq-reason': 'handler-rejected', 'dlq-attempts': '1', 'dlq-error': 'thing-1 cannot happen twice', 'event-id': event.id });
    await sleep(SETTLE_MS);
    expect(attempts).toBe(1);
    expect(dead).toHaveLength(1);
  });

  test('Given a handler that always fails with a retriable error, then after the last retry the message is dead-lettered with reason retries-exhausted', async () => {
    const dead = await recordDeadLetters();
    let attempts = 0;
    await consume(async () => {
      attempts++;
      throw new Error('still down');
    });
    const event = thing(1);

    await bus.publisher.publish([{ topic: ThingHappenedV1.topic, key: 'tenant-a:thing-1', envelope: event }]);

    const [letter] = await waitFor('a dead letter', () => (dead.length > 0 ? dead : undefined));
    // One first attempt plus FAST_RETRY.retries retries.
    const expectedAttempts = 1 + FAST_RETRY.retries;
    expect(letter!.json()).toEqual(event);
    expect(letter!.headers).toMatchObject({ 'dlq-reason': 'retries-exhausted', 'dlq-attempts': String(expectedAttempts), 'dlq-error': 'still down' });
    await sleep(SETTLE_MS);
    expect(attempts).toBe(expectedAttempts);
    expect(dead).toHaveLength(1);
  });

  test('Given 50 events with the same key, then they are handled in the order they were published', async () => {
    const handled: Record<string, number[]> = { 'tenant-a:thing-1': [], 'tenant-a:thing-2': [] };
    await consume(async (envelope, meta) => {
      // Uneven handler times would reorder the messages if any were processed concurrently.
      await sleep((envelope.data.seq * 7) % 5);
      handled[meta.key ?? '']?.push(envelope.data.seq);
    });
    const sequence = Array.from({ length: 50 }, (_, seq) => seq);

    // Two keys interleaved; each publish resolves before the next starts, so publish order is well defined.
    for (const seq of sequence) {
      await bus.publisher.publish([
        { topic: ThingHappenedV1.topic, key: 'tenant-a:thing-1', envelope: thing(seq, 'thing-1') },
        { topic: ThingHappenedV1.topic, key: 'tenant-a:thing-2', envelope: thing(seq, 'thing-2') },
      ]);
    }

    await waitFor('all 100 events', () => handled['tenant-a:thing-1']!.length + handled['tenant-a:thing-2']!.length >= 100);
    expect(handled['tenant-a:thing-1']).toEqual(sequence);
    expect(handled['tenant-a:thing-2']).toEqual(sequence);
  });

  describe('batch handlers', () => {
    function consumeBatches(handle: (items: Array<Delivery<ThingHappened>>) => Promise<Rejection[] | void>): Promise<void> {
      return bus.consume({ groupId: GROUP, subscriptions: [onBatch(ThingHappenedV1, handle)], deadLetterTopic: DLQ, retry: FAST_RETRY });
    }

    test('Given 300 events already on the topic, then a batch handler gets them in runs of several messages, each exactly once and in order per partition', async () => {
      const events = Array.from({ length: 300 }, (_, seq) => thing(seq, `thing-${seq % 7}`));
      await bus.publisher.publish(events.map((envelope) => ({ topic: ThingHappenedV1.topic, key: `tenant-a:${envelope.data.thingId}`, envelope })));
      const runs: Array<Array<Delivery<ThingHappened>>> = [];
      await consumeBatches(async (items) => {
        runs.push(items);
      });

      await waitFor('all 300 events', () => runs.flat().length >= 300);
      await sleep(SETTLE_MS);
      const seen = runs.flat();
      expect(seen.map((d) => d.value.id).sort()).toEqual(events.map((e) => e.id).sort());
      expect(Math.max(...runs.map((r) => r.length))).toBeGreaterThan(1);
      for (const run of runs) {
        const offsets = run.map((d) => Number(d.meta.offset));
        expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
        expect(new Set(run.map((d) => d.meta.partition)).size).toBe(1);
      }
    });

    test('Given a run with a message the handler refuses for good, then only that message is dead-lettered and the rest are handled once', async () => {
      const dead = await recordDeadLetters();
      const poison = thing(13, 'thing-x');
      const events = [thing(1, 'thing-x'), thing(2, 'thing-x'), poison, thing(4, 'thing-x')];
      await bus.publisher.publish(events.map((envelope) => ({ topic: ThingHappenedV1.topic, key: 'tenant-a:thing-x', envelope })));
      const handled: number[] = [];
      await consumeBatches(async (items) => {
        if (items.some((d) => d.value.data.seq === 13)) throw new ValidationError('13 is unlucky', [{ path: 'data.seq', message: 'unlucky' }]);
        handled.push(...items.map((d) => d.value.data.seq));
      });

      const [letter] = await waitFor('a dead letter', () => (dead.length > 0 ? dead : undefined));
      await waitFor('the other three', () => handled.length >= 3);
      await sleep(SETTLE_MS);
      expect(letter!.json()).toEqual(poison);
      expect(letter!.headers).toMatchObject({ 'dlq-reason': 'handler-rejected', 'dlq-error': '13 is unlucky' });
      expect(dead).toHaveLength(1);
      expect(handled.sort((a, b) => a - b)).toEqual([1, 2, 4]);
    });

    test('Given a handler that returns rejections, then those go to the dead-letter topic and the run is committed', async () => {
      const dead = await recordDeadLetters();
      const events = [thing(1, 'thing-y'), thing(2, 'thing-y'), thing(3, 'thing-y')];
      await bus.publisher.publish(events.map((envelope) => ({ topic: ThingHappenedV1.topic, key: 'tenant-a:thing-y', envelope })));
      const seen: string[] = [];
      await consumeBatches(async (items) => {
        seen.push(...items.map((d) => d.value.id));
        return items.filter((d) => d.value.data.seq === 2).map((delivery) => ({ delivery, reason: 'seq 2 belongs to nobody' }));
      });

      const [letter] = await waitFor('a dead letter', () => (dead.length > 0 ? dead : undefined));
      await sleep(SETTLE_MS);
      expect(letter!.json()).toEqual(events[1]);
      expect(letter!.headers).toMatchObject({ 'dlq-reason': 'handler-rejected', 'dlq-error': 'seq 2 belongs to nobody' });
      expect(dead).toHaveLength(1);
      // A rejection is final: the run is not retried, every message was handed over once.
      expect(seen.sort()).toEqual(events.map((e) => e.id).sort());
    });
  });
});
