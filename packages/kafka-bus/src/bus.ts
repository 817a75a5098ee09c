import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type LogEntry, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { runConsumer, type ConsumerOptions } from './consumer.ts';
import { createPublisher, type EventPublisher } from './publisher.ts';

export interface KafkaBusOptions {
  clientId: string;
  brokers: string[];
  logger: Logger;
  /** Partitions for topics this bus creates. */
  partitions?: number;
  /** Prepended to every topic and group id, so environments or test files can share one cluster. */
  namespace?: string;
}

export interface KafkaBus {
  publisher: EventPublisher;
  /** Creates the topics if missing (idempotent). */
  ensureTopics(topics: string[]): Promise<void>;
  /** Starts a consumer group; resolves once it has joined and is fetching. */
  consume(options: ConsumerOptions): Promise<void>;
  /** Throws unless the cluster answers and every consumer is running. For /readyz. */
  ping(): Promise<void>;
  /** Stops consumers (committing processed offsets), then the producer. */
  disconnect(): Promise<void>;
}

export async function createKafkaBus(options: KafkaBusOptions): Promise<KafkaBus> {
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => logKafka(options.logger, entry),
    retry: { initialRetryTime: 300, retries: 8 },
  });
  // Idempotent producer: broker-side dedup of retried sends, which needs a single in-flight request.
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const admin: Admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);

  const consumers: Consumer[] = [];
  let stoppedConsumer: string | undefined;
  const partitions = options.partitions ?? 6;
  const ns = (name: string) => `${options.namespace ?? ''}${name}`;

  return {
    publisher: createPublisher(producer, ns),
    async ensureTopics(topics) {
      const wanted = [...new Set(topics.map(ns))];
      const existing = new Set(await admin.listTopics());
      const missing = wanted.filter((t) => !existing.has(t));
      if (missing.length > 0) {
        try {
          await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1 })) });
        } catch (error) {
          // Another service may create the same topics at the same moment; that is fine.
          if (!onlyAlreadyExists(error)) throw error;
        }
      }
      await waitForLeaders(admin, wanted);
    },
    async consume(consumerOptions) {
      const consumer = kafka.consumer({
        groupId: ns(consumerOptions.groupId),
        sessionTimeout: 30_000,
        heartbeatInterval: 3_000,
        retry: { retries: 10 },
      });
      consumers.push(consumer);
      // kafkajs restarts a consumer after retriable crashes; after any other it stays down, so say so in /readyz.
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (payload.restart) return;
        stoppedConsumer = `consumer group ${consumerOptions.groupId} stopped: ${payload.error.message}`;
        options.logger.error({ err: payload.error, groupId: consumerOptions.groupId }, 'consumer stopped after a crash');
      });
      const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
      await runConsumer(consumer, producer, consumerOptions, options.logger, ns);
      await joined;
    },
    async ping() {
      if (stoppedConsumer) throw new Error(stoppedConsumer);
      await admin.describeCluster();
    },
    async disconnect() {
      await Promise.all(consumers.map((c) => c.disconnect()));
      await producer.disconnect();
      await admin.disconnect();
    },
  };
}

function logKafka(logger: Logger, entry: LogEntry): void {
  const { message, ...rest } = entry.log;
  // Bounded retries are deliberate: consumers deduplicate by event id, and we use no Kafka transactions.
  if (message.startsWith('Limiting retries for the idempotent producer')) return;
  const fields = { kafka: entry.namespace, ...rest };
  // kafkajs reports retriable protocol errors (leader moves, coordinator loading) as ERROR and then retries;
  // failures that matter reach our code as exceptions, so its own lines are warnings.
  if (entry.level <= logLevel.WARN) logger.warn(fields, message);
  else logger.debug(fields, message);
}

function onlyAlreadyExists(error: unknown): boolean {
  const errors = (error as { errors?: Array<{ type?: string }> }).errors;
  return Array.isArray(errors) && errors.length > 0 && errors.every((e) => e.type === 'TOPIC_ALREADY_EXISTS');
}

/** Until every partition has a leader, producing or subscribing fails with "does not host this topic-partition". */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      if (metadata.length === topics.length && metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics without leaders after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
