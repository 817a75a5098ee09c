import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';
import type { Meter } from '@opentelemetry/api';
import { DURATION_BUCKETS_S } from '@regua/telemetry';
import { partitionLag } from './consumer-lag.ts';

/** What consumers count, labelled with the logical topic (no namespace) and consumer group. */
export interface ConsumerMetrics {
  processed(topic: string, group: string, messages: number): void;
  /** A handler attempt failed: `kind` says whether it was retried, waited out (outage) or given up (poison). */
  failed(topic: string, group: string, kind: 'retried' | 'outage' | 'poison'): void;
  deadLettered(topic: string, group: string, reason: string, messages: number): void;
  runDuration(topic: string, group: string, seconds: number): void;
}

export function createConsumerMetrics(meter: Meter): ConsumerMetrics {
  const processed = meter.createCounter('regua.consumer.processed', { unit: '{message}', description: 'Messages handled and committed, per topic and consumer group' });
  const errors = meter.createCounter('regua.consumer.errors', { unit: '{attempt}', description: 'Failed handler attempts, per topic, group and kind (retried, outage, poison)' });
  const deadLetters = meter.createCounter('regua.consumer.dead.letters', { unit: '{message}', description: 'Messages sent to the dead-letter topic, per source topic, group and reason' });
  const duration = meter.createHistogram('regua.consumer.run.duration.seconds', { unit: 's', description: 'Time to handle one run of messages (up to 500), retries included', advice: { explicitBucketBoundaries: DURATION_BUCKETS_S } });
  return {
    processed: (topic, group, messages) => processed.add(messages, { topic, group }),
    failed: (topic, group, kind) => errors.add(1, { topic, group, kind }),
    deadLettered: (topic, group, reason, messages) => deadLetters.add(messages, { topic, group, reason }),
    runDuration: (topic, group, seconds) => duration.record(seconds, { topic, group }),
  };
}

export interface LagMonitor {
  /** Adds a consumer group and the topics it reads (logical names). */
  watch(group: string, topics: string[]): void;
  /** Reads every watched group's lag now (the interval does it too). */
  poll(): Promise<void>;
  /** Stops the interval, and waits for a read in flight (it uses the admin client about to close). */
  stop(): Promise<void>;
}

/**
 * Consumer lag per topic, partition and group, read from the broker on an interval (one offsets request per group
 * and one per topic, whatever the partition count) and reported from memory at each collection, so a scrape never
 * waits on Kafka. `regua.consumer.lag.age.seconds` says how old the figures are.
 */
export function createLagMonitor(admin: Admin, options: { meter: Meter; ns: (name: string) => string; intervalMs: number; logger: Logger }): LagMonitor {
  const { meter, ns, logger } = options;
  const watched = new Map<string, Set<string>>();
  let latest: Array<{ topic: string; partition: number; group: string; lag: number }> = [];
  let readAt: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;

  const lag = meter.createObservableGauge('regua.consumer.lag', { unit: '{message}', description: 'Messages not yet processed, per topic, partition and consumer group' });
  const age = meter.createObservableGauge('regua.consumer.lag.age.seconds', { unit: 's', description: 'Age of the consumer-lag figures' });
  meter.addBatchObservableCallback(
    (result) => {
      for (const entry of latest) result.observe(lag, entry.lag, { topic: entry.topic, partition: String(entry.partition), group: entry.group });
      if (readAt !== undefined) result.observe(age, (Date.now() - readAt) / 1000);
    },
    [lag, age],
  );

  async function read(): Promise<void> {
    const next: typeof latest = [];
    const watermarks = new Map<string, Awaited<ReturnType<Admin['fetchTopicOffsets']>>>();
    for (const [group, topics] of watched) {
      const committed = await admin.fetchOffsets({ groupId: ns(group), topics: [...topics].map(ns) });
      for (const { topic: nsTopic, partitions } of committed) {
        const topic = [...topics].find((t) => ns(t) === nsTopic) ?? nsTopic;
        if (!watermarks.has(nsTopic)) watermarks.set(nsTopic, await admin.fetchTopicOffsets(nsTopic));
        const ends = new Map(watermarks.get(nsTopic)!.map((p) => [p.partition, p]));
        for (const { partition, offset } of partitions) {
          const end = ends.get(partition);
          if (end) next.push({ topic, partition, group, lag: partitionLag({ partition, low: end.low, high: end.high, committed: offset }) });
        }
      }
    }
    latest = next;
    readAt = Date.now();
  }

  const poll = () =>
    (inFlight ??= read()
      .catch((error: unknown) => logger.debug({ err: error }, 'consumer lag not read; the last figures stay'))
      .finally(() => {
        inFlight = undefined;
      }));

  return {
    watch(group, topics) {
      const set = watched.get(group) ?? new Set<string>();
      for (const topic of topics) set.add(topic);
      watched.set(group, set);
      timer ??= setInterval(() => void poll(), options.intervalMs).unref();
    },
    poll,
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await inFlight;
    },
  };
}
