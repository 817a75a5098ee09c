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
  /** Throws unless the cluster answers. For /readyz. */
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
  const partitions = options.partitions ?? 6;
  const ns = (name: string) => `${options.namespace ?? ''}${name}`;

  return {
    publisher: createPublisher(producer, ns),
    async ensureTopics(topics) {
      const existing = new Set(await admin.listTopics());
      const missing = [...new Set(topics.map(ns))].filter((t) => !existing.has(t));
      if (missing.length === 0) return;
      await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1 })) });
    },
    async consume(consumerOptions) {
      const consumer = kafka.consumer({
        groupId: ns(consumerOptions.groupId),
        sessionTimeout: 30_000,
        heartbeatInterval: 3_000,
        retry: { retries: 10 },
      });
      consumers.push(consumer);
      const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
      await runConsumer(consumer, producer, consumerOptions, options.logger, ns);
      await joined;
    },
    async ping() {
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
  const fields = { kafka: entry.namespace, ...rest };
  if (entry.level <= logLevel.ERROR) logger.error(fields, message);
  else if (entry.level === logLevel.WARN) logger.warn(fields, message);
  else logger.debug(fields, message);
}
