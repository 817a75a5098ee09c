import type { Consumer, EachBatchPayload, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { z, ZodType } from 'zod';
import type { AnyEventDefinition, EventOf } from '@regua/contracts';
import { formatPath, isRetriable } from '@regua/errors';
import { SpanKind, trace, withSpan, type Context, type Link } from '@regua/telemetry';
import { deadLetterRecord, type DeadLetterReason } from './dead-letter.ts';
import { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.ts';
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
}

export const DEFAULT_MAX_BATCH_SIZE = 500;
const DEFAULT_PARTITION_CONCURRENCY = 3;

class DeadLetter extends Error {
  readonly reason: DeadLetterReason;
  readonly attempts: number;
  constructor(reason: DeadLetterReason, message: string, attempts: number) {
    super(message);
    this.reason = reason;
    this.attempts = attempts;
  }
}

interface Parsed {
  message: KafkaMessage;
  delivery: Delivery<unknown>;
  parent: Context;
}

export async function runConsumer(consumer: Consumer, producer: Producer, options: ConsumerOptions, logger: Logger, ns: (name: string) => string = (n) => n): Promise<void> {
  const byTopic = new Map(options.subscriptions.map((s) => [ns(s.topic), s]));
  const retry = options.retry ?? DEFAULT_RETRY_POLICY;
  const maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;

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
        await handleRun(payload, run);
        resolveOffset(run.at(-1)!.offset);
        await commitOffsetsIfNecessary();
        await heartbeat();
      }
    },
  });

  async function handleRun({ batch, heartbeat }: EachBatchPayload, messages: KafkaMessage[]): Promise<void> {
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
      const failures = await handleWithRetries(subscription, topic, partition, valid, heartbeat);
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
  async function handleWithRetries(subscription: Subscription, topic: string, partition: number, items: Parsed[], heartbeat: () => Promise<void>): Promise<Array<{ message: KafkaMessage; failure: DeadLetter }>> {
    try {
      return await attempt(subscription, topic, partition, items, heartbeat);
    } catch (error) {
      if (!(error instanceof DeadLetter)) throw error;
      if (items.length === 1) return [{ message: items[0]!.message, failure: error }];
      logger.warn({ topic, partition, messages: items.length, err: error.message }, 'batch failed; handling its messages one by one');
      const failures: Array<{ message: KafkaMessage; failure: DeadLetter }> = [];
      for (const item of items) failures.push(...(await handleWithRetries(subscription, topic, partition, [item], heartbeat)));
      return failures;
    }
  }

  async function attempt(subscription: Subscription, topic: string, partition: number, items: Parsed[], heartbeat: () => Promise<void>): Promise<Array<{ message: KafkaMessage; failure: DeadLetter }>> {
    const first = items[0]!;
    const byOffset = new Map(items.map((item) => [item.message.offset, item.message]));
    // One span per run: the first message's trace is its parent, the others are linked (OpenTelemetry's batch receive).
    const links: Link[] = items.slice(1).flatMap((item) => {
      const spanContext = trace.getSpanContext(item.parent);
      return spanContext ? [{ context: spanContext }] : [];
    });
    const attributes = { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.consumer.group.name': options.groupId, 'messaging.kafka.offset': first.message.offset, 'messaging.batch.message_count': items.length };
    return withSpan(`process ${topic}`, { kind: SpanKind.CONSUMER, parent: first.parent, attributes, links }, async () => {
      for (let attemptNo = 0; ; attemptNo++) {
        try {
          const rejections = (await subscription.handleBatch(items.map((item) => item.delivery))) ?? [];
          return rejections.map(({ delivery, reason }) => ({ message: byOffset.get(delivery.meta.offset)!, failure: new DeadLetter('handler-rejected', reason, attemptNo + 1) }));
        } catch (error) {
          const message = (error as Error).message;
          if (!isRetriable(error)) throw new DeadLetter('handler-rejected', message, attemptNo + 1);
          if (attemptNo >= retry.retries) throw new DeadLetter('retries-exhausted', message, attemptNo + 1);
          const delay = backoffDelay(attemptNo, retry);
          logger.warn({ topic, partition, offset: first.message.offset, messages: items.length, attempt: attemptNo + 1, delay, err: message }, 'handler failed, retrying');
          await sleep(delay);
          await heartbeat();
        }
      }
    });
  }

  async function sendToDeadLetter(topic: string, partition: number, rejected: Array<{ message: KafkaMessage; failure: DeadLetter }>): Promise<void> {
    for (const { message, failure } of rejected) logger.error({ topic, partition, offset: message.offset, reason: failure.reason, err: failure.message }, 'message dead-lettered');
    const failedAt = new Date();
    // If this send fails the error propagates, the offsets are not committed and the messages come back.
    await producer.send({
      topic: ns(options.deadLetterTopic),
      acks: -1,
      messages: rejected.map(({ message, failure }) =>
        deadLetterRecord(message, { reason: failure.reason, error: failure.message, sourceTopic: topic, partition, offset: message.offset, consumerGroup: options.groupId, attempts: failure.attempts, failedAt }),
      ),
    });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
