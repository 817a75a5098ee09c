import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { Logger } from 'pino';
import { TOPICS, topicSpec, type TopicSpec } from '@regua/contracts';

export interface ProvisionOptions {
  /** Prepended to every topic name (test files and environments sharing one cluster). */
  namespace?: string;
  /** Overrides the registry's partition count for event topics (lighter test clusters); dead-letter topics keep theirs. */
  eventPartitions?: number;
  /** How long to wait for the topics to exist with a leader on every partition. */
  timeoutMs?: number;
  logger?: Pick<Logger, 'warn' | 'info'>;
}

export const DEFAULT_TOPIC_READY_TIMEOUT_MS = 60_000;
const POLL_MS = 250;

/**
 * Creates the topics that are missing, as the registry declares them, and waits until every partition of
 * every topic has a leader. Safe to run from several processes at once: on a new cluster, topics another
 * process just created, the consumer-offsets topic being born and a controller still electing itself all
 * answer with retriable errors for a moment, which are waited out here (bounded, naming the topics that never
 * became ready). Only a refusal that will not change (a bad setting, a policy) fails at once.
 */
export async function provisionTopics(admin: Admin, names: readonly string[], options: ProvisionOptions = {}): Promise<void> {
  const namespace = options.namespace ?? '';
  const specs = [...new Set(names)].map((name) => withOverrides(topicSpec(name), options.eventPartitions));
  for (const spec of specs) if (!spec.declared) options.logger?.warn({ topic: spec.name }, 'topic is not declared in the topic registry; using the defaults of its kind');
  const wanted = new Map(specs.map((spec) => [`${namespace}${spec.name}`, spec]));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TOPIC_READY_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;

  let notReady = [...wanted.keys()];
  let lastError: unknown;
  for (;;) {
    try {
      await createMissing(admin, wanted);
      notReady = await topicsWithoutLeaders(admin, wanted, options.logger);
      if (notReady.length === 0) return;
      lastError = undefined;
    } catch (error) {
      if (!isRetriable(error)) throw new Error(`could not create topics ${notReady.join(', ')}: ${describe(error)}`, { cause: error });
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`Kafka topics not ready after ${timeoutMs / 1000}s: ${notReady.join(', ')}${lastError ? ` (last error: ${describe(lastError)})` : ' (partitions without a leader)'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function withOverrides(spec: ReturnType<typeof topicSpec>, eventPartitions: number | undefined) {
  return spec.kind === 'event' && eventPartitions ? { ...spec, partitions: eventPartitions } : spec;
}

async function createMissing(admin: Admin, wanted: Map<string, TopicSpec>): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = [...wanted].filter(([name]) => !existing.has(name));
  if (missing.length === 0) return;
  try {
    // No waitForLeaders: kafkajs gives up on the first "unknown topic" from a broker that has not yet applied the
    // creation, which is what failed five services starting together. Leaders are waited for by the caller.
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map(([topic, spec]) => ({ topic, numPartitions: spec.partitions, replicationFactor: -1, configEntries: Object.entries(spec.config).map(([name, value]) => ({ name, value })) })),
    });
  } catch (error) {
    // Another process created some of them in the meantime: those are fine, the rest is an error.
    const errors = (error as { errors?: Array<{ type?: string }> }).errors;
    if (Array.isArray(errors) && errors.length > 0 && errors.every((e) => e.type === 'TOPIC_ALREADY_EXISTS')) return;
    throw error;
  }
}

/** Topics whose partitions do not all have a leader yet. Once all do, reports partition counts that differ from the registry. */
async function topicsWithoutLeaders(admin: Admin, wanted: Map<string, TopicSpec>, logger: ProvisionOptions['logger']): Promise<string[]> {
  const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [...wanted.keys()] });
  const byName = new Map(metadata.map((t) => [t.name, t]));
  const notReady = [...wanted.keys()].filter((name) => {
    const partitions = byName.get(name)?.partitions ?? [];
    return partitions.length === 0 || partitions.some((p) => p.leader < 0);
  });
  if (notReady.length > 0) return notReady;
  for (const [name, spec] of wanted) {
    const partitions = byName.get(name)!.partitions.length;
    if (partitions !== spec.partitions) logger?.warn({ topic: name, partitions, declared: spec.partitions }, 'topic has another partition count than declared; left as it is (changing it would move keys to other partitions)');
  }
  return [];
}

/**
 * Protocol errors say whether retrying helps (a bad setting or a policy never will); anything else here is a
 * broker still starting or a connection dropped, worth waiting for.
 */
function isRetriable(error: unknown): boolean {
  const e = error as { retriable?: boolean; type?: unknown; originalError?: unknown; errors?: unknown[] };
  if (Array.isArray(e.errors) && e.errors.length > 0) return e.errors.every(isRetriable);
  if (e.originalError) return isRetriable(e.originalError);
  return typeof e.type === 'string' ? e.retriable !== false : true;
}

function describe(error: unknown): string {
  const e = error as { message?: string; errors?: Array<{ topic?: string; message?: string }> };
  if (Array.isArray(e.errors) && e.errors.length > 0) return e.errors.map((inner) => `${inner.topic ?? ''} ${inner.message ?? ''}`.trim()).join('; ');
  return e.message ?? String(error);
}

/** Applies the whole registry to a cluster: what `pnpm infra:up`, the stack and the compose `topics` job run. */
export async function createRegistryTopics(brokers: string[], options: Omit<ProvisionOptions, 'logger'> = {}): Promise<readonly TopicSpec[]> {
  const admin = new Kafka({ clientId: 'regua-topics', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await provisionTopics(
      admin,
      TOPICS.map((t) => t.name),
      options,
    );
    return TOPICS;
  } finally {
    await admin.disconnect();
  }
}
