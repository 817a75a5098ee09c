import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Consumer, type IHeaders, type Producer } from 'kafkajs';
import { z } from 'zod';
import { buildEnvelope, defineEvent, type EventOf } from '@regua/contracts';
import { ValidationError } from '@regua/errors';
import { createLogger } from '@regua/telemetry';
import { recordTopics, testEndpoints, uniqueName, waitFor } from '@regua/testing';
import { createKafkaBus, type KafkaBus } from './bus.ts';
import { on, onBatch, runConsumer, type Delivery, type MessageMeta, type Rejection } from './consumer.ts';
import { DEAD_LETTER_ENCODING } from './dead-letter-cipher.ts';
import { replayDeadLetters } from './dead-letter-replay.ts';
import { deadLetterTopicFor, openDeadLetterRecord } from './dead-letter.ts';
import type { RetryPolicy } from './retry.ts';

/** A test-only event: nothing in Régua produces or consumes it. */
const ThingHappenedV1 = defineEvent({
  type: 'ThingHappened',
  version: 1,
  topic: 'test.thing.happened.v1',
  data: z.object({ thingId: z.string().min(1), seq: z.number().int().nonnegative() }).strict(),
});
type ThingHappened = EventOf<typeof ThingHappenedV1>;
/** A second topic keyed like the first, for what a group reading two topics gets. */
const ThingNotedV1 = defineEvent({
  type: 'ThingNoted',
  version: 1,
  topic: 'test.thing.noted.v1',
  data: z.object({ thingId: z.string().min(1), seq: z.number().int().nonnegative() }).strict(),
});

const GROUP = 'test.thing-consumer';
const DLQ = deadLetterTopicFor(GROUP);
const FAST_RETRY: RetryPolicy = { retries: 3, initialDelayMs: 50, maxDelayMs: 100, outageMaxDelayMs: 200 };
const DEAD_LETTER_KEY = randomBytes(32);

/** A dead letter as read from the topic, opened with the test key; `sealed` is the value as stored. */
interface OpenedLetter {
  key: string | null;
  value: string | null;
  sealed: Buffer | null;
  offset: string;
  headers: Record<string, string>;
  json<T = unknown>(): T;
}

/** Like what the MongoDB driver throws when the server is unreachable. */
function mongoNetworkError(): Error {
  return Object.assign(new Error('connection 3 to 127.0.0.1:27017 closed'), { name: 'MongoNetworkError' });
}
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
  let deadLetters: Consumer | undefined;
  let admin: Admin | undefined;

  beforeEach(async () => {
    // Each test gets its own topics and consumer group, so offsets and dead letters never leak between tests.
    namespace = `${uniqueName('bus')}.`;
    bus = await createKafkaBus({ clientId: 'kafka-bus-int-test', brokers: kafkaBrokers, logger, namespace, partitions: 3, deadLetterKey: DEAD_LETTER_KEY });
    await bus.ensureTopics([ThingHappenedV1.topic, DLQ]);
  });

  afterEach(async () => {
    await deadLetters?.disconnect();
    deadLetters = undefined;
    await admin?.disconnect();
    admin = undefined;
    await rawProducer?.disconnect();
    rawProducer = undefined;
    await bus.disconnect();
  });

  /** Every dead letter from the beginning, as bytes (the values are ciphertext), opened with the test key. */
  async function recordDeadLetters(): Promise<OpenedLetter[]> {
    deadLetters = new Kafka({ clientId: 'kafka-bus-int-test-dlq', brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).consumer({ groupId: uniqueName('dlq-recorder'), sessionTimeout: 10_000 });
    const letters: OpenedLetter[] = [];
    await deadLetters.connect();
    await deadLetters.subscribe({ topics: [namespace + DLQ], fromBeginning: true });
    const joined = new Promise<void>((resolve) => deadLetters!.on(deadLetters!.events.GROUP_JOIN, () => resolve()));
    await deadLetters.run({
      eachMessage: async ({ message }) => {
        const opened = openDeadLetterRecord(message, DEAD_LETTER_KEY);
        const value = opened.value?.toString('utf8') ?? null;
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, v]) => [name, String(Array.isArray(v) ? v[0] : v)]));
        letters.push({ key: opened.key?.toString('utf8') ?? null, value, sealed: message.value, offset: message.offset, headers, json: <T>() => JSON.parse(value ?? 'null') as T });
      },
    });
    await joined;
    return letters;
  }

  async function committedOffsets(): Promise<number[]> {
    if (!admin) {
      admin = new Kafka({ clientId: 'kafka-bus-int-test-admin', brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
    }
    const [topic] = await admin.fetchOffsets({ groupId: namespace + GROUP, topics: [namespace + ThingHappenedV1.topic] });
    return (topic?.partitions ?? []).map((p) => Number(p.offset));
  }

  /** Bytes straight onto the namespaced topic, bypassing the publisher (which only sends envelopes). */
  async function produceRaw(message: { key: string; value: string; headers?: IHeaders }): Promise<void> {
    if (!rawProducer) {
      rawProducer = new Kafka({ clientId: 'kafka-bus-int-test-raw', brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).producer();
      await rawProducer.connect();
    }
    await rawProducer.send({ topic: namespace + ThingHappenedV1.topic, acks: -1, messages: [message] });
  }

  function consume(handle: (envelope: ThingHappened, meta: MessageMeta) => Promise<void>, dependenciesHealthy?: () => Promise<boolean>): Promise<void> {
    return bus.consume({ groupId: GROUP, subscriptions: [on(ThingHappenedV1, handle)], deadLetterTopic: DLQ, retry: FAST_RETRY, ...(dependenciesHealthy ? { dependenciesHealthy } : {}) });
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
      'dlq-encoding': DEAD_LETTER_ENCODING,
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

  test('Given two replicas of one group reading two topics, then each key\'s events on both topics reach the same replica, and both replicas get keys', async () => {
    const second = await createKafkaBus({ clientId: 'kafka-bus-int-test-2', brokers: kafkaBrokers, logger, namespace, partitions: 3, deadLetterKey: DEAD_LETTER_KEY });
    try {
      await bus.ensureTopics([ThingNotedV1.topic]);
      const handledBy = new Map<string, Set<string>>();
      const assignments = [0, 0];
      const replica = (which: number, target: KafkaBus) =>
        target.consume({
          groupId: GROUP,
          deadLetterTopic: DLQ,
          retry: FAST_RETRY,
          onAssignment: () => void assignments[which]!++,
          subscriptions: [ThingHappenedV1, ThingNotedV1].map((definition) =>
            on(definition, async (envelope: ThingHappened, meta) => {
              const key = `${meta.topic}|${meta.key}`;
              (handledBy.get(key) ?? handledBy.set(key, new Set()).get(key)!).add(`replica-${which}`);
            }),
          ),
        });
      await replica(0, bus);
      await replica(1, second);
      // The first replica is assigned again once the second has joined: only then is the split final.
      await waitFor('the first replica to be assigned again', () => assignments[0]! >= 2);
      const keys = Array.from({ length: 24 }, (_, i) => `tenant-a:thing-${i}`);
      await bus.publisher.publish(
        keys.flatMap((key, seq) => [
          { topic: ThingHappenedV1.topic, key, envelope: thing(seq, key) },
          { topic: ThingNotedV1.topic, key, envelope: buildEnvelope(ThingNotedV1, { id: randomUUID(), occurredAt: new Date(), source: 'bus-int-test', tenant: 'tenant-a', correlationId: `noted-${seq}` }, { thingId: key, seq }) },
        ]),
      );

      await waitFor('every event on both topics', () => handledBy.size === keys.length * 2);
      const replicasOf = (key: string) => [ThingHappenedV1.topic, ThingNotedV1.topic].map((topic) => [...handledBy.get(`${topic}|${key}`)!].join(','));
      for (const key of keys) {
        const [happened, noted] = replicasOf(key);
        expect({ key, replica: noted }).toEqual({ key, replica: happened });
      }
      expect(new Set(keys.map((key) => replicasOf(key)[0]))).toEqual(new Set(['replica-0', 'replica-1']));
    } finally {
      await second.disconnect();
    }
  });

  test('Given a consumer stopped as kafkajs stops one after a crash it does not restart, when it is restarted, then it resumes from its committed offsets: nothing lost, nothing handled twice', async () => {
    const handled: number[] = [];
    const kafka = new Kafka({ clientId: 'kafka-bus-int-test-restart', brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: namespace + GROUP, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    const producer = kafka.producer();
    await producer.connect();
    const ns = (name: string) => namespace + name;
    const options = { groupId: GROUP, subscriptions: [on(ThingHappenedV1, async (envelope: ThingHappened) => void handled.push(envelope.data.seq))], deadLetterTopic: DLQ, retry: FAST_RETRY };
    try {
      const running = await runConsumer(consumer, producer, options, { logger, deadLetterKey: DEAD_LETTER_KEY, ns });
      await bus.publisher.publish([{ topic: ThingHappenedV1.topic, key: 'tenant-a:thing-1', envelope: thing(1) }]);
      await waitFor('the first event', () => handled.length === 1);

      // What kafkajs does on a crash before it emits CRASH: it disconnects the consumer (crash-restart.ts restarts it).
      await consumer.disconnect();
      await bus.publisher.publish([{ topic: ThingHappenedV1.topic, key: 'tenant-a:thing-1', envelope: thing(2) }]);
      await running.restart();

      await waitFor('the event published while it was down', () => handled.length === 2);
      await sleep(SETTLE_MS);
      expect(handled).toEqual([1, 2]);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  });

  describe('outages', () => {
    test('Given a database network error while dependencies are unhealthy, then the message waits (no dead letter, no commit, consumer stalled) and is handled once they are back', async () => {
      const dead = await recordDeadLetters();
      let healthy = false;
      let attempts = 0;
      const handled: string[] = [];
      await consume(
        async (envelope) => {
          attempts++;
          if (!healthy) throw mongoNetworkError();
          handled.push(envelope.id);
        },
        async () => healthy,
      );
      const event = thing(1);

      await bus.publisher.publish([{ topic: ThingHappenedV1.topic, key: 'tenant-a:thing-1', envelope: event }]);

      // Well past the retry budget (1 + 3 attempts) that used to end in the dead-letter topic.
      await waitFor('more attempts than the retry budget', () => attempts > 2 * (1 + FAST_RETRY.retries));
      expect(dead).toHaveLength(0);
      expect(handled).toHaveLength(0);
      expect(await committedOffsets()).toEqual([-1, -1, -1]);
      expect(bus.stalledConsumers()).toEqual([{ groupId: GROUP, since: expect.any(Date) }]);

      healthy = true;

      await waitFor('the event to be handled', () => handled.length > 0);
      await waitFor('the offset to be committed', async () => (await committedOffsets()).includes(1));
      await sleep(SETTLE_MS);
      expect(handled).toEqual([event.id]);
      expect(dead).toHaveLength(0);
      expect(bus.stalledConsumers()).toEqual([]);
    });

    test('Given a plain error and unhealthy dependencies, then the message waits past its retries; once they are healthy and it still fails, it is dead-lettered', async () => {
      const dead = await recordDeadLetters();
      let healthy = false;
      let attempts = 0;
      await consume(
        async () => {
          attempts++;
          throw new Error('socket hang up somewhere we cannot classify');
        },
        async () => healthy,
      );

      await bus.publisher.publish([{ topic: ThingHappenedV1.topic, key: 'tenant-a:thing-1', envelope: thing(1) }]);

      await waitFor('more attempts than the retry budget', () => attempts > 2 * (1 + FAST_RETRY.retries));
      expect(dead).toHaveLength(0);
      expect(bus.stalledConsumers()).toHaveLength(1);

      healthy = true;

      const [letter] = await waitFor('a dead letter', () => (dead.length > 0 ? dead : undefined));
      expect(letter!.headers).toMatchObject({ 'dlq-reason': 'retries-exhausted' });
      expect(bus.stalledConsumers()).toEqual([]);
    });
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

    test('Given fetches that may wait (fetchWaitMs), when events trickle in 100 ms apart, then they reach the handler in a few runs, not a run each', async () => {
      const runs: number[] = [];
      await bus.consume({
        groupId: GROUP,
        subscriptions: [onBatch(ThingHappenedV1, async (items) => void runs.push(items.length))],
        deadLetterTopic: DLQ,
        retry: FAST_RETRY,
        fetchWaitMs: 3_000,
      });
      for (let seq = 0; seq < 8; seq++) {
        await bus.publisher.publish([{ topic: ThingHappenedV1.topic, key: 'tenant-a:thing-1', envelope: thing(seq) }]);
        await sleep(100);
      }

      await waitFor('all 8 events', () => runs.reduce((sum, n) => sum + n, 0) >= 8);
      // Without the wait each fetch answers as soon as one event is there: about one run per event.
      expect(runs.length).toBeLessThanOrEqual(3);
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

    test('Given a poison message among healthy neighbours and healthy dependencies, then only it is dead-lettered, encrypted, with personal data masked in dlq-error', async () => {
      const dead = await recordDeadLetters();
      const poison = thing(13, 'thing-z');
      const events = [thing(1, 'thing-z'), thing(2, 'thing-z'), poison, thing(4, 'thing-z')];
      await bus.publisher.publish(events.map((envelope) => ({ topic: ThingHappenedV1.topic, key: 'tenant-a:thing-z', envelope })));
      const handled: number[] = [];
      await consumeBatches(async (items) => {
        // A plain error: retriable as far as the consumer knows, so only the retries and the health answer tell it is poison.
        if (items.some((d) => d.value.data.seq === 13)) throw new Error('cannot score debtor 123.456.789-09 <ana@example.com>');
        handled.push(...items.map((d) => d.value.data.seq));
      });

      const [letter] = await waitFor('a dead letter', () => (dead.length > 0 ? dead : undefined));
      await waitFor('the other three', () => handled.length >= 3);
      await sleep(SETTLE_MS);
      expect(letter!.json()).toEqual(poison);
      expect(letter!.key).toBe('tenant-a:thing-z');
      expect(letter!.sealed!.includes(poison.id)).toBe(false);
      expect(letter!.sealed!.includes('"thingId"')).toBe(false);
      expect(letter!.headers).toMatchObject({ 'dlq-encoding': DEAD_LETTER_ENCODING, 'dlq-reason': 'retries-exhausted', 'dlq-error': 'cannot score debtor [number] <[email]>' });
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

  describe('dlq:replay', () => {
    test('Given a dead letter, when replayed, then its original goes back to the source topic with dlq-replayed-from and is handled; a second run replays nothing', async () => {
      const dead = await recordDeadLetters();
      let accept = false;
      const handled: string[] = [];
      await consume(async (envelope) => {
        if (!accept) throw new ValidationError('unknown creditor', [{ path: 'tenant', message: 'not yet registered' }]);
        handled.push(envelope.id);
      });
      const event = thing(1);
      await bus.publisher.publish([{ topic: ThingHappenedV1.topic, key: 'tenant-a:thing-1', envelope: event }]);
      const [letter] = await waitFor('a dead letter', () => (dead.length > 0 ? dead : undefined));
      const source = await recordTopics(kafkaBrokers, [namespace + ThingHappenedV1.topic]);
      accept = true;

      try {
        const first = await replayDeadLetters({ brokers: kafkaBrokers, group: GROUP, namespace, deadLetterKey: DEAD_LETTER_KEY });

        expect(first.byReason.get('handler-rejected')).toMatchObject({ replayed: 1 });
        await waitFor('the replayed event to be handled', () => handled.length > 0);
        const replayed = await waitFor('the replayed record on the source topic', () => source.messages.find((m) => m.headers['dlq-replayed-from'] !== undefined));
        expect(replayed.json()).toEqual(event);
        expect(replayed.key).toBe('tenant-a:thing-1');
        expect(replayed.headers['dlq-replayed-from']).toBe(letter!.offset);
        expect(replayed.headers['event-id']).toBe(event.id);
        expect(Object.keys(replayed.headers).filter((name) => name.startsWith('dlq-'))).toEqual(['dlq-replayed-from']);

        const second = await replayDeadLetters({ brokers: kafkaBrokers, group: GROUP, namespace, deadLetterKey: DEAD_LETTER_KEY });

        expect(second.byReason.size).toBe(0);
        await sleep(SETTLE_MS);
        expect(handled).toEqual([event.id]);
        expect(source.messages.filter((m) => m.headers['dlq-replayed-from'] !== undefined)).toHaveLength(1);
      } finally {
        await source.stop();
      }
    });

    test('Given a dry run or a reason filter that does not match, then nothing goes back; the dry run leaves the bookmark, so the next run still reads the record', async () => {
      const dead = await recordDeadLetters();
      await consume(async () => {
        throw new ValidationError('never', []);
      });
      await bus.publisher.publish([{ topic: ThingHappenedV1.topic, key: 'tenant-a:thing-1', envelope: thing(1) }]);
      await waitFor('a dead letter', () => (dead.length > 0 ? dead : undefined));

      const dry = await replayDeadLetters({ brokers: kafkaBrokers, group: GROUP, namespace, deadLetterKey: DEAD_LETTER_KEY, dryRun: true });
      expect(dry.byReason.get('handler-rejected')).toMatchObject({ replayed: 1 });
      const filtered = await replayDeadLetters({ brokers: kafkaBrokers, group: GROUP, namespace, deadLetterKey: DEAD_LETTER_KEY, reasons: ['invalid-json'] });
      expect(filtered.byReason.get('handler-rejected')).toMatchObject({ replayed: 0, skipped: new Map([['reason-filter', 1]]) });
      await expect(replayDeadLetters({ brokers: kafkaBrokers, group: GROUP, namespace, deadLetterKey: randomBytes(32), fromOffset: 0 })).rejects.toThrow('cannot decrypt dead letter at offset 0');
    });
  });
});
