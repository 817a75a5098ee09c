import type { Consumer, EachBatchPayload, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { z, ZodType } from 'zod';
import type { AnyEventDefinition, EventOf } from '@regua/contracts';
import { formatPath, isRetriable } from '@regua/errors';
import { maskPersonalData, noopMeter, SpanKind, trace, withSpan, type Context, type Link } from '@regua/telemetry';
import { deadLetterRecord, type DeadLetterReason } from './dead-letter.ts';
import { isInfrastructureError } from './infrastructure-errors.ts';
import { createConsumerMetrics, type ConsumerMetrics } from './metrics.ts';
import { backoffDelay, DEFAULT_OUTAGE_MAX_DELAY_MS, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.ts';
import { createStallTracker } from './stalls.ts';
import { extractFromHeaders } from './tracing.ts';

export interface MessageMeta {
  /** The logical topic, without the bus namespace. */
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
}

/** One valid message of a batch: the parsed value and where it came from. */
export interface Delivery<T> {
  value: T;
  meta: MessageMeta;
}

export interface Subscription {
  /** Logical topic, without the bus namespace. */
  topic: string;
  schema: ZodType;
  /** Names what the schema expects, for dead-letter reasons. */
  label: string;
  /**
   * Handles valid messages of one partition, in offset order. At-least-once: after a crash the whole run comes
   * again, so handlers must be idempotent. A retriable error retries the run; any other error sends the run
   * through one message at a time, so that only the message that fails is dead-lettered.
   */
  handleBatch(items: Array<Delivery<unknown>>): Promise<BatchOutcome>;
}

/** Messages a batch handler refuses for good (e.g. an unknown creditor): dead-lettered as handler-rejected, the rest commit. */
export interface Rejection {
  delivery: Delivery<unknown>;
  reason: string;
}
export type BatchOutcome = void | Rejection[];

/** How many keys a per-message subscription handles at once within a batch (one key's messages stay in order). */
const KEY_CONCURRENCY = 16;

/**
 * Pairs a Régua event with a per-message handler. Within a batch, messages of different keys (debtors) are
 * handled concurrently, those of one key one after the other in offset order.
 */
export function on<D extends AnyEventDefinition>(event: D, handle: (envelope: EventOf<D>, meta: MessageMeta) => Promise<void>): Subscription {
  return { topic: event.topic, schema: event.schema, label: label(event), handleBatch: perMessage(handle as (value: unknown, meta: MessageMeta) => Promise<void>) };
}

/** Pairs a Régua event with a batch handler: one call per run of messages, for bulk store writes and one publish. */
export function onBatch<D extends AnyEventDefinition>(event: D, handle: (items: Array<Delivery<EventOf<D>>>) => Promise<BatchOutcome>): Subscription {
  return { topic: event.topic, schema: event.schema, label: label(event), handleBatch: handle as Subscription['handleBatch'] };
}

/** A batch handler for a topic whose messages are not Régua envelopes. */
export function onMessageBatch<S extends ZodType>(topic: string, schema: S, label: string, handle: (items: Array<Delivery<z.output<S>>>) => Promise<BatchOutcome>): Subscription {
  return { topic, schema, label, handleBatch: handle as Subscription['handleBatch'] };
}

/** A topic whose messages are not Régua envelopes (e.g. what banks produce), validated by `schema`. */
export function onMessage<S extends ZodType>(topic: string, schema: S, label: string, handle: (value: z.output<S>, meta: MessageMeta) => Promise<void>): Subscription {
  return { topic, schema, label, handleBatch: perMessage(handle as (value: unknown, meta: MessageMeta) => Promise<void>) };
}

const label = (event: AnyEventDefinition) => `${event.type} v${event.version}`;

function perMessage(handle: (value: unknown, meta: MessageMeta) => Promise<void>): Subscription['handleBatch'] {
  return async (items) => {
    const queues = [...Map.groupBy(items, (item) => item.meta.key ?? '').values()];
    const worker = async () => {
      for (let queue = queues.shift(); queue; queue = queues.shift()) {
        for (const item of queue) await handle(item.value, item.meta);
      }
    };
    await Promise.all(Array.from({ length: Math.min(KEY_CONCURRENCY, queues.length) }, worker));
  };
}

export interface ConsumerOptions {
  groupId: string;
  subscriptions: Subscription[];
  /** Logical name; the bus namespace is added like for any topic. Must be among the ensured topics. */
  deadLetterTopic: string;
  retry?: RetryPolicy;
  /** New consumer groups start from the earliest offset, so no event published before first start is missed. */
  fromBeginning?: boolean;
  /** Most messages handed to a handler at once; a fetched batch is cut into runs of this size. */
  maxBatchSize?: number;
  /** Partitions handled at the same time by this consumer. */
  partitionsConsumedConcurrently?: number;
  /**
   * Asked when a run still fails after its retries: false means the failure is an outage (database or broker
   * down), so the run waits for them instead of going to the dead-letter topic. Default: always healthy.
   */
  dependenciesHealthy?: () => Promise<boolean>;
  /**
   * Called each time the group has (re)assigned partitions, before this member fetches from them: state kept in the
   * process for the partitions it held may be stale now (another member may have written while it did not hold them).
   */
  onAssignment?: () => void;
  /**
   * How long the broker may hold a fetch to gather more messages (Kafka's fetch.max.wait.ms, with fetch.min.bytes set
   * high so that it does): for a consumer that may lag by this much, such as a read model. Its runs then hold about
   * this long's worth of messages even under light load, so costs paid once per run (inbox claims, counter writes)
   * are shared by many messages instead of paid by each. Unset: a fetch answers as soon as any message is there.
   */
  fetchWaitMs?: number;
  /** Most bytes one fetch brings (Kafka's fetch.max.bytes; kafkajs's default is 10 MB): what a consumer holds at once. */
  maxFetchBytes?: number;
}

/** What the bus needs to know about a running consumer. */
export interface RunningConsumer {
  /** Since when some partition has been waiting on an outage; undefined while messages flow. */
  stalledSince(): Date | undefined;
  /** Connects, subscribes and runs it again, as first started: after a crash kafkajs does not restart. */
  restart(): Promise<void>;
}

export interface ConsumerDeps {
  logger: Logger;
  /** Dead-letter keys and values are sealed under it (AES-256-GCM, 32 bytes). */
  deadLetterKey: Buffer;
  ns?: (name: string) => string;
  /** Processed, failed and dead-lettered messages, and run durations (nothing is recorded without it). */
  metrics?: ConsumerMetrics;
}

export const DEFAULT_MAX_BATCH_SIZE = 500;
const DEFAULT_PARTITION_CONCURRENCY = 3;

/** A health answer slower than this counts as unhealthy: a ping to a dead broker can hang for minutes. */
const HEALTH_CHECK_TIMEOUT_MS = 5_000;
/** Longest sleep between heartbeats and checks for a stop or a rebalance while waiting to retry. */
const PAUSE_SLICE_MS = 1_000;

/** The consumer is stopping or lost the partition mid-run: leave the run unresolved, it comes again. */
class RunAbandoned extends Error {}

class DeadLetter extends Error {
  readonly reason: DeadLetterReason;
  readonly attempts: number;
  constructor(reason: DeadLetterReason, message: string, attempts: number) {
    // Masked here because the message reaches logs and the dlq-error header; JSON.parse quotes the input.
    super(maskPersonalData(message));
    this.reason = reason;
    this.attempts = attempts;
  }
}

interface Parsed {
  message: KafkaMessage;
  delivery: Delivery<unknown>;
  parent: Context;
}

export async function runConsumer(consumer: Consumer, producer: Producer, options: ConsumerOptions, deps: ConsumerDeps): Promise<RunningConsumer> {
  const { logger, deadLetterKey } = deps;
  const ns = deps.ns ?? ((name: string) => name);
  const metrics = deps.metrics ?? createConsumerMetrics(noopMeter());
  const byTopic = new Map(options.subscriptions.map((s) => [ns(s.topic), s]));
  const retry = options.retry ?? DEFAULT_RETRY_POLICY;
  const outagePolicy: RetryPolicy = { ...retry, maxDelayMs: retry.outageMaxDelayMs ?? DEFAULT_OUTAGE_MAX_DELAY_MS };
  const maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
  const dependenciesHealthy = options.dependenciesHealthy ?? (async () => true);
  const stalls = createStallTracker({
    started: (where, error) => logger.warn({ groupId: options.groupId, where, err: error }, 'consumer stalled on an outage: retrying without limit until dependencies are back, nothing is dead-lettered or committed meanwhile'),
    ended: (stalledForMs) => logger.info({ groupId: options.groupId, stalledForMs }, 'consumer recovered from the outage'),
  });

  // Also how the consumer is started again after a crash kafkajs does not restart by itself (crash-restart.ts).
  const startConsumer = async () => {
    await consumer.connect();
    await consumer.subscribe({ topics: [...byTopic.keys()], fromBeginning: options.fromBeginning ?? true });
    await consumer.run({
      // Offsets are resolved by hand, only after a run was handled or dead-lettered: a crash mid-run redelivers it.
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? DEFAULT_PARTITION_CONCURRENCY,
      eachBatch: async (payload) => {
        const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
        for (let start = 0; start < batch.messages.length; start += maxBatchSize) {
          if (!isRunning() || isStale()) return;
          const run = batch.messages.slice(start, start + maxBatchSize);
          try {
            await handleRun(payload, run);
          } catch (error) {
            if (error instanceof RunAbandoned) return;
            throw error;
          }
          resolveOffset(run.at(-1)!.offset);
          await commitOffsetsIfNecessary();
          await heartbeat();
        }
      },
    });
  };
  await startConsumer();

  return { stalledSince: () => stalls.since(), restart: startConsumer };

  async function handleRun(payload: EachBatchPayload, messages: KafkaMessage[]): Promise<void> {
    const { batch } = payload;
    const { topic, partition } = batch;
    const subscription = byTopic.get(topic);
    const rejected: Array<{ message: KafkaMessage; failure: DeadLetter }> = [];
    const valid: Parsed[] = [];
    for (const message of messages) {
      if (!subscription) {
        rejected.push({ message, failure: new DeadLetter('unknown-topic', `no handler for topic ${topic}`, 0) });
        continue;
      }
      const parsed = parse(subscription, topic, partition, message);
      if (parsed instanceof DeadLetter) rejected.push({ message, failure: parsed });
      else valid.push(parsed);
    }
    if (subscription && valid.length > 0) {
      const started = performance.now();
      const failures = await handleWithRetries(subscription, topic, partition, valid, payload);
      metrics.runDuration(subscription.topic, options.groupId, (performance.now() - started) / 1000);
      metrics.processed(subscription.topic, options.groupId, valid.length - failures.length);
      rejected.push(...failures);
    }
    if (rejected.length > 0) await sendToDeadLetter(topic, partition, rejected);
  }

  function parse(subscription: Subscription, topic: string, partition: number, message: KafkaMessage): Parsed | DeadLetter {
    let raw: unknown;
    try {
      raw = JSON.parse(message.value?.toString('utf8') ?? '');
    } catch (error) {
      return new DeadLetter('invalid-json', `value is not JSON: ${(error as Error).message}`, 0);
    }
    const parsed = subscription.schema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${formatPath(i.path) || '(root)'}: ${i.message}`).join('; ');
      return new DeadLetter('schema-validation', `does not match ${subscription.label}: ${issues}`, 0);
    }
    const value = parsed.data as { traceparent?: unknown };
    const parent = extractFromHeaders(message.headers ?? {}, typeof value.traceparent === 'string' ? value.traceparent : undefined);
    return { message, parent, delivery: { value: parsed.data, meta: { topic: subscription.topic, partition, offset: message.offset, key: message.key?.toString() ?? null } } };
  }

  /**
   * Runs the handler over the run with the retry policy. A run that fails for good is split into single
   * messages, so one poison message does not take its neighbours to the dead-letter topic.
   */
  async function handleWithRetries(subscription: Subscription, topic: string, partition: number, items: Parsed[], payload: EachBatchPayload): Promise<Array<{ message: KafkaMessage; failure: DeadLetter }>> {
    try {
      return await attempt(subscription, topic, partition, items, payload);
    } catch (error) {
      if (!(error instanceof DeadLetter)) throw error;
      if (items.length === 1) return [{ message: items[0]!.message, failure: error }];
      logger.warn({ topic, partition, messages: items.length, err: error.message }, 'batch failed; handling its messages one by one');
      const failures: Array<{ message: KafkaMessage; failure: DeadLetter }> = [];
      for (const item of items) failures.push(...(await handleWithRetries(subscription, topic, partition, [item], payload)));
      return failures;
    }
  }

  /**
   * Runs the handler until it succeeds or the run is proven poison. Short retries with backoff first; a failure
   * that remains is an outage if the error says so (network, server selection, …) or if dependencies answer
   * unhealthy, and then the run waits with capped backoff and no limit: dead-lettering live traffic because a
   * database was down for 30 s loses it for good. Only with dependencies healthy does it become a dead letter.
   */
  async function attempt(subscription: Subscription, topic: string, partition: number, items: Parsed[], payload: EachBatchPayload): Promise<Array<{ message: KafkaMessage; failure: DeadLetter }>> {
    const first = items[0]!;
    const byOffset = new Map(items.map((item) => [item.message.offset, item.message]));
    // One span per run: the first message's trace is its parent, the others are linked (OpenTelemetry's batch receive).
    const links: Link[] = items.slice(1).flatMap((item) => {
      const spanContext = trace.getSpanContext(item.parent);
      return spanContext ? [{ context: spanContext }] : [];
    });
    const attributes = { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.consumer.group.name': options.groupId, 'messaging.kafka.offset': first.message.offset, 'messaging.batch.message_count': items.length };
    const where = `${topic}[${partition}]`;
    return withSpan(`process ${topic}`, { kind: SpanKind.CONSUMER, parent: first.parent, attributes, links }, async () => {
      /** Failures not explained by an outage since the last one: what the short retry budget counts. */
      let failures = 0;
      let outageRound = 0;
      try {
        for (let attemptNo = 1; ; attemptNo++) {
          try {
            const rejections = (await subscription.handleBatch(items.map((item) => item.delivery))) ?? [];
            return rejections.map(({ delivery, reason }) => ({ message: byOffset.get(delivery.meta.offset)!, failure: new DeadLetter('handler-rejected', reason, attemptNo) }));
          } catch (error) {
            const message = maskPersonalData((error as Error).message);
            if (!isRetriable(error)) {
              metrics.failed(subscription.topic, options.groupId, 'poison');
              throw new DeadLetter('handler-rejected', message, attemptNo);
            }
            const exhausted = failures >= retry.retries;
            const stalled = outageRound > 0;
            if (isInfrastructureError(error) || ((exhausted || stalled) && !(await healthyWithin(HEALTH_CHECK_TIMEOUT_MS)))) {
              stalls.enter(where, message);
              metrics.failed(subscription.topic, options.groupId, 'outage');
              // Once dependencies are back, the run gets its whole retry budget again before it can be called poison.
              failures = 0;
              const delay = backoffDelay(outageRound++, outagePolicy);
              logger.debug({ topic, partition, offset: first.message.offset, attempt: attemptNo, delay, err: message }, 'outage: retrying');
              await pause(delay, payload);
              continue;
            }
            metrics.failed(subscription.topic, options.groupId, exhausted ? 'poison' : 'retried');
            if (exhausted) throw new DeadLetter('retries-exhausted', message, attemptNo);
            const delay = backoffDelay(failures++, retry);
            logger.warn({ topic, partition, offset: first.message.offset, messages: items.length, attempt: attemptNo, delay, err: message }, 'handler failed, retrying');
            await pause(delay, payload);
          }
        }
      } finally {
        stalls.leave(where);
      }
    });
  }

  async function healthyWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    const answer = dependenciesHealthy().catch(() => false);
    return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
  }

  async function sendToDeadLetter(topic: string, partition: number, rejected: Array<{ message: KafkaMessage; failure: DeadLetter }>): Promise<void> {
    for (const { message, failure } of rejected) logger.error({ topic, partition, offset: message.offset, reason: failure.reason, err: failure.message }, 'message dead-lettered');
    const failedAt = new Date();
    // If this send fails the error propagates, the offsets are not committed and the messages come back.
    await producer.send({
      topic: ns(options.deadLetterTopic),
      acks: -1,
      messages: rejected.map(({ message, failure }) =>
        deadLetterRecord(message, { reason: failure.reason, error: failure.message, sourceTopic: topic, partition, offset: message.offset, consumerGroup: options.groupId, attempts: failure.attempts, failedAt }, deadLetterKey),
      ),
    });
    // Counted once the dead-letter topic has them: a failed send brings the messages back instead.
    const logicalTopic = byTopic.get(topic)?.topic ?? topic;
    for (const [reason, items] of Map.groupBy(rejected, ({ failure }) => failure.reason)) metrics.deadLettered(logicalTopic, options.groupId, reason, items.length);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sleeps in slices, heartbeating between them, so a long wait neither loses the partition nor delays a stop. */
async function pause(ms: number, { heartbeat, isRunning, isStale }: Pick<EachBatchPayload, 'heartbeat' | 'isRunning' | 'isStale'>): Promise<void> {
  for (let left = ms; left > 0; left -= PAUSE_SLICE_MS) {
    await sleep(Math.min(left, PAUSE_SLICE_MS));
    if (!isRunning() || isStale()) throw new RunAbandoned('consumer stopping or partition reassigned');
    await heartbeat();
  }
}
