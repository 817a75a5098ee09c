import type { Consumer, EachMessagePayload, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { z, ZodType } from 'zod';
import type { AnyEventDefinition, EventOf } from '@regua/contracts';
import { formatPath, isRetriable } from '@regua/errors';
import { deadLetterRecord, type DeadLetterReason } from './dead-letter.ts';
import { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.ts';
import { SpanKind, withSpan } from '@regua/telemetry';
import { extractFromHeaders } from './tracing.ts';

export interface MessageMeta {
  /** The logical topic, without the bus namespace. */
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
}

export interface Subscription {
  /** Logical topic, without the bus namespace. */
  topic: string;
  schema: ZodType;
  /** Names what the schema expects, for dead-letter reasons. */
  label: string;
  handle(value: unknown, meta: MessageMeta): Promise<void>;
}

/** Pairs a Régua event with its handler, keeping the envelope's inferred type at the call site. */
export function on<D extends AnyEventDefinition>(event: D, handle: (envelope: EventOf<D>, meta: MessageMeta) => Promise<void>): Subscription {
  return { topic: event.topic, schema: event.schema, label: `${event.type} v${event.version}`, handle: handle as Subscription['handle'] };
}

/** A topic whose messages are not Régua envelopes (e.g. what banks produce), validated by `schema`. */
export function onMessage<S extends ZodType>(topic: string, schema: S, label: string, handle: (value: z.output<S>, meta: MessageMeta) => Promise<void>): Subscription {
  return { topic, schema, label, handle: handle as Subscription['handle'] };
}

export interface ConsumerOptions {
  groupId: string;
  subscriptions: Subscription[];
  /** Logical name; the bus namespace is added like for any topic. Must be among the ensured topics. */
  deadLetterTopic: string;
  retry?: RetryPolicy;
  /** New consumer groups start from the earliest offset, so no event published before first start is missed. */
  fromBeginning?: boolean;
}

class DeadLetter extends Error {
  readonly reason: DeadLetterReason;
  readonly attempts: number;
  constructor(reason: DeadLetterReason, message: string, attempts: number) {
    super(message);
    this.reason = reason;
    this.attempts = attempts;
  }
}

export async function runConsumer(consumer: Consumer, producer: Producer, options: ConsumerOptions, logger: Logger, ns: (name: string) => string = (n) => n): Promise<void> {
  const byTopic = new Map(options.subscriptions.map((s) => [ns(s.topic), s]));
  const retry = options.retry ?? DEFAULT_RETRY_POLICY;

  await consumer.connect();
  await consumer.subscribe({ topics: [...byTopic.keys()], fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    // kafkajs resolves the offset only after this returns, so a crash mid-handler redelivers the message.
    eachMessage: async (payload) => {
      try {
        await handleOne(payload);
      } catch (error) {
        if (!(error instanceof DeadLetter)) throw error;
        await sendToDeadLetter(payload, error);
      }
    },
  });

  async function handleOne({ topic, partition, message, heartbeat }: EachMessagePayload): Promise<void> {
    const subscription = byTopic.get(topic);
    if (!subscription) throw new DeadLetter('unknown-topic', `no handler for topic ${topic}`, 0);

    let raw: unknown;
    try {
      raw = JSON.parse(message.value?.toString('utf8') ?? '');
    } catch (error) {
      throw new DeadLetter('invalid-json', `value is not JSON: ${(error as Error).message}`, 0);
    }
    const parsed = subscription.schema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${formatPath(i.path) || '(root)'}: ${i.message}`).join('; ');
      throw new DeadLetter('schema-validation', `does not match ${subscription.label}: ${issues}`, 0);
    }
    const value = parsed.data as { id?: unknown; traceparent?: unknown };
    const meta: MessageMeta = { topic: subscription.topic, partition, offset: message.offset, key: message.key?.toString() ?? null };
    const parent = extractFromHeaders(message.headers ?? {}, typeof value.traceparent === 'string' ? value.traceparent : undefined);
    const attributes = { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.consumer.group.name': options.groupId, 'messaging.kafka.offset': message.offset };

    await withSpan(`process ${topic}`, { kind: SpanKind.CONSUMER, parent, attributes }, async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          await subscription.handle(parsed.data, meta);
          return;
        } catch (error) {
          const message = (error as Error).message;
          if (!isRetriable(error)) throw new DeadLetter('handler-rejected', message, attempt + 1);
          if (attempt >= retry.retries) throw new DeadLetter('retries-exhausted', message, attempt + 1);
          const delay = backoffDelay(attempt, retry);
          logger.warn({ topic, partition, offset: meta.offset, attempt: attempt + 1, delay, err: message }, 'handler failed, retrying');
          await sleep(delay);
          await heartbeat();
        }
      }
    });
  }

  async function sendToDeadLetter({ topic, partition, message }: EachMessagePayload, failure: DeadLetter): Promise<void> {
    logger.error({ topic, partition, offset: message.offset, reason: failure.reason, err: failure.message }, 'message dead-lettered');
    // If this send fails the error propagates, the offset is not committed and the message comes back.
    await producer.send({
      topic: ns(options.deadLetterTopic),
      acks: -1,
      messages: [
        deadLetterRecord(message, {
          reason: failure.reason,
          error: failure.message,
          sourceTopic: topic,
          partition,
          offset: message.offset,
          consumerGroup: options.groupId,
          attempts: failure.attempts,
          failedAt: new Date(),
        }),
      ],
    });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
