import { Kafka, logLevel, PartitionAssigners, Partitioners, type Admin, type Consumer, type LogEntry, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Meter } from '@opentelemetry/api';
import { noopMeter } from '@regua/telemetry';
import { runConsumer, type ConsumerOptions, type RunningConsumer } from './consumer.ts';
import { CoPartitionedAssigner } from './co-partitioned-assigner.ts';
import { superviseCrashes } from './crash-restart.ts';
import { developmentDeadLetterKey } from './dead-letter-cipher.ts';
import { createConsumerMetrics, createLagMonitor } from './metrics.ts';
import { createPublisher, type EventPublisher } from './publisher.ts';
import { DEFAULT_TOPIC_READY_TIMEOUT_MS, provisionTopics } from './topics.ts';

export interface KafkaBusOptions {
  clientId: string;
  brokers: string[];
  logger: Logger;
  /** Overrides the topic registry's partition count for event topics this bus creates (tests use fewer). */
  partitions?: number;
  /** How long start-up waits for topics and for a consumer group to be joined. */
  startTimeoutMs?: number;
  /** Prepended to every topic and group id, so environments or test files can share one cluster. */
  namespace?: string;
  /**
   * Seals dead letters' keys and values (AES-256-GCM, 32 bytes). Services get it from `deadLetterKeyFrom`, which
   * refuses production without one; left out (tests, tools), the development key.
   */
  deadLetterKey?: Buffer;
  /** Where consumer metrics (processed, errors, dead letters, lag) are recorded; none without it. */
  meter?: Meter;
  /** How often consumer lag is read from the broker. */
  lagIntervalMs?: number;
}

export interface StalledConsumer {
  groupId: string;
  since: Date;
}

export interface KafkaBus {
  publisher: EventPublisher;
  /** Creates the topics the registry declares if missing, and waits until they have leaders (idempotent, bounded). */
  ensureTopics(topics: string[]): Promise<void>;
  /** Starts a consumer group; resolves once it has joined and is fetching, rejects if it cannot within the start timeout. */
  consume(options: ConsumerOptions): Promise<void>;
  /** Throws unless the cluster answers and every consumer is running. For /readyz. */
  ping(): Promise<void>;
  /** Consumer groups waiting on an outage (a run that keeps failing while dependencies are down). For /readyz. */
  stalledConsumers(): StalledConsumer[];
  /** Stops consumers (committing processed offsets), then the producer. */
  disconnect(): Promise<void>;
}

export const DEFAULT_LAG_INTERVAL_MS = 15_000;
/** A lingering fetch (`fetchWaitMs`) answers early only once this much is there: about a run's worth of events. */
const LINGERING_FETCH_MIN_BYTES = 512 * 1024;

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
  const running = new Map<string, RunningConsumer>();
  let stoppedConsumer: string | undefined;
  let closing = false;
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_TOPIC_READY_TIMEOUT_MS;
  const ns = (name: string) => `${options.namespace ?? ''}${name}`;
  const deadLetterKey = options.deadLetterKey ?? developmentDeadLetterKey();
  const meter = options.meter ?? noopMeter();
  const consumerMetrics = createConsumerMetrics(meter);
  const lag = createLagMonitor(admin, { meter, ns, intervalMs: options.lagIntervalMs ?? DEFAULT_LAG_INTERVAL_MS, logger: options.logger });
  meter
    .createObservableGauge('regua.consumer.stalled', { unit: '{group}', description: '1 while a consumer group waits out an outage (its messages held, not lost), else 0' })
    .addCallback((result) => {
      const stalled = new Set(consumerStalls().map((s) => s.groupId));
      for (const groupId of running.keys()) result.observe(stalled.has(groupId) ? 1 : 0, { group: groupId });
    });

  function consumerStalls(): StalledConsumer[] {
    return [...running].flatMap(([groupId, consumer]) => {
      const since = consumer.stalledSince();
      return since ? [{ groupId, since }] : [];
    });
  }

  return {
    publisher: createPublisher(producer, ns),
    async ensureTopics(topics) {
      await provisionTopics(admin, topics, { namespace: options.namespace ?? '', eventPartitions: options.partitions, timeoutMs: startTimeoutMs, logger: options.logger });
    },
    async consume(consumerOptions) {
      const consumer = kafka.consumer({
        groupId: ns(consumerOptions.groupId),
        sessionTimeout: 30_000,
        heartbeatInterval: 3_000,
        retry: { retries: 10 },
        partitionAssigners: [CoPartitionedAssigner, PartitionAssigners.roundRobin],
        ...(consumerOptions.fetchWaitMs ? { maxWaitTimeInMs: consumerOptions.fetchWaitMs, minBytes: Math.min(LINGERING_FETCH_MIN_BYTES, consumerOptions.maxFetchBytes ?? Infinity) } : {}),
        ...(consumerOptions.maxFetchBytes ? { maxBytes: consumerOptions.maxFetchBytes } : {}),
      });
      consumers.push(consumer);
      const crashes = superviseCrashes(consumer, {
        groupId: consumerOptions.groupId,
        logger: options.logger,
        restart: async () => {
          const started = running.get(consumerOptions.groupId);
          if (!started) throw new Error('not started yet');
          await started.restart();
        },
        closing: () => closing,
        stopped: (reason) => void (stoppedConsumer = reason),
      });
      // On a new cluster the first join also waits for the consumer-offsets topic to be created and loaded;
      // kafkajs retries that by itself. Bounded, so a start-up that cannot join says which group and why.
      const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
      if (consumerOptions.onAssignment) consumer.on(consumer.events.GROUP_JOIN, () => consumerOptions.onAssignment!());
      running.set(consumerOptions.groupId, await runConsumer(consumer, producer, consumerOptions, { logger: options.logger, deadLetterKey, ns, metrics: consumerMetrics }));
      lag.watch(consumerOptions.groupId, consumerOptions.subscriptions.map((s) => s.topic));
      await withTimeout(joined, startTimeoutMs, () => new Error(`consumer group ${ns(consumerOptions.groupId)} did not join within ${startTimeoutMs / 1000}s${crashes.lastCrash() ? `: ${crashes.lastCrash()}` : ''}${stoppedConsumer ? ` (${stoppedConsumer})` : ''}`));
    },
    async ping() {
      if (stoppedConsumer) throw new Error(stoppedConsumer);
      await admin.describeCluster();
    },
    stalledConsumers: consumerStalls,
    async disconnect() {
      closing = true;
      await lag.stop();
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


function withTimeout<T>(promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
