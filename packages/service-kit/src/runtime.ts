import type { Express } from 'express';
import type { Connection } from 'mongoose';
import type { ServiceEnv } from '@regua/config';
import { createHttpApp, listen, type RunningServer } from '@regua/http';
import { createKafkaBus, deadLetterKeyFrom, deadLetterTopicFor, type ConsumerOptions, type KafkaBus, type Subscription } from '@regua/kafka-bus';
import { connectMongo, ensureIndexes, pingMongo } from '@regua/mongo';
import { createLogger, createServiceMetrics, type Logger, type Meter, type ServiceMetrics } from '@regua/telemetry';
import { randomId, systemClock, type Clock, type IdGenerator } from './clock.ts';

export interface ServiceContext {
  name: string;
  logger: Logger;
  db: Connection;
  bus: KafkaBus;
  clock: Clock;
  newId: IdGenerator;
  /** For the service's own metrics; they are served with the shared ones on `GET /metrics`. */
  meter: Meter;
}

export interface ServiceParts {
  /** Topics this service publishes to (created at start-up if missing). */
  produces: string[];
  /** `onAssignment`, `fetchWaitMs`, `maxFetchBytes`, `partitionsConsumedConcurrently`: see the bus's ConsumerOptions. */
  consumers?: Array<{ group: string; subscriptions: Subscription[] } & Pick<ConsumerOptions, 'onAssignment' | 'fetchWaitMs' | 'maxFetchBytes' | 'partitionsConsumedConcurrently'>>;
  routes?(app: Express): void;
  /** Background work (outbox relays, schedulers) started after consumers, stopped first. */
  background?: Array<{ start(): void; stop(): Promise<void> }>;
}

export interface ServiceOverrides {
  clock?: Clock;
  newId?: IdGenerator;
  logger?: Logger;
  /** Consumer retry policy; tests shorten it. */
  retry?: ConsumerOptions['retry'];
}

export interface RunningService {
  name: string;
  port: number;
  context: ServiceContext;
  stop(): Promise<void>;
}

/**
 * The composition every service shares: connections, topics, consumers, HTTP with health checks, and an
 * orderly stop (HTTP first, then background work, then consumers commit, then connections close).
 */
export async function startService(
  name: string,
  env: ServiceEnv,
  build: (context: ServiceContext) => ServiceParts | Promise<ServiceParts>,
  overrides: ServiceOverrides = {},
): Promise<RunningService> {
  const logger = overrides.logger ?? createLogger({ service: name, level: env.LOG_LEVEL });
  // Before any connection: production without a dead-letter key refuses to start.
  const deadLetterKey = deadLetterKeyFrom({ configured: env.DLQ_ENCRYPTION_KEY, nodeEnv: env.NODE_ENV });
  const metrics = createServiceMetrics({ serviceName: name, otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
  const db = await connectMongo({ url: env.MONGO_URL, dbName: env.MONGO_DB ?? `regua_${name.replace(/-/g, '_')}`, logger, slowCommandMs: env.MONGO_SLOW_COMMAND_MS, bulkReads: env.MONGO_BULK_READS, maxPoolSize: env.MONGO_POOL_SIZE });
  const bus = await createKafkaBus({ clientId: name, brokers: env.KAFKA_BROKERS, logger, partitions: env.KAFKA_TOPIC_PARTITIONS, namespace: env.KAFKA_NAMESPACE, deadLetterKey, meter: metrics.meter, lagIntervalMs: env.KAFKA_LAG_INTERVAL_MS });
  const context: ServiceContext = { name, logger, db, bus, clock: overrides.clock ?? systemClock, newId: overrides.newId ?? randomId, meter: metrics.meter };

  let parts: ServiceParts;
  let server: RunningServer;
  try {
    parts = await build(context);
    server = await startParts(context, parts, env, overrides, metrics);
  } catch (error) {
    // A half-started service must not keep connections (or a relay) running behind the caller's back.
    await bus.disconnect().catch(() => undefined);
    await db.close().catch(() => undefined);
    await metrics.shutdown().catch(() => undefined);
    throw error;
  }
  logger.info({ port: server.port }, `${name} started`);

  let stopping: Promise<void> | undefined;
  return {
    name,
    port: server.port,
    context,
    stop: () =>
      (stopping ??= (async () => {
        await server.close();
        await Promise.all((parts.background ?? []).map((job) => job.stop()));
        await bus.disconnect();
        await db.close();
        await metrics.shutdown();
        logger.info(`${name} stopped`);
      })()),
  };
}

async function startParts(context: ServiceContext, parts: ServiceParts, env: ServiceEnv, overrides: ServiceOverrides, metrics: ServiceMetrics): Promise<RunningServer> {
  const { db, bus, logger } = context;
  await ensureIndexes(db);
  const consumers = parts.consumers ?? [];
  const deadLetterTopics = consumers.map((c) => deadLetterTopicFor(c.group));
  const consumedTopics = consumers.flatMap((c) => c.subscriptions.map((s) => s.topic));
  await bus.ensureTopics([...parts.produces, ...deadLetterTopics, ...consumedTopics]);

  // A run that keeps failing while these fail is waiting out an outage, not a poison message.
  const dependenciesHealthy = () => Promise.all([bus.ping(), pingMongo(db)]).then(
    () => true,
    () => false,
  );
  for (const consumer of consumers) {
    const { group, subscriptions, ...options } = consumer;
    await bus.consume({ groupId: group, subscriptions, deadLetterTopic: deadLetterTopicFor(group), dependenciesHealthy, ...options, ...(overrides.retry ? { retry: overrides.retry } : {}) });
  }
  const app = createHttpApp({
    logger,
    readiness: [
      { name: 'kafka', check: () => bus.ping() },
      { name: 'mongo', check: () => pingMongo(db) },
      { name: 'consumers', check: async () => assertNoStalledConsumer(bus) },
    ],
    routes: (expressApp) => parts.routes?.(expressApp),
    metrics: { meter: metrics.meter, serve: (req, res) => metrics.serve(req, res) },
  });
  const server = await listen(app, env.HTTP_PORT, env.HTTP_HOST);
  for (const job of parts.background ?? []) job.start();
  return server;
}

/** Not ready while a consumer waits out an outage: its messages are held, not lost, but nothing moves. */
function assertNoStalledConsumer(bus: KafkaBus): void {
  const stalled = bus.stalledConsumers();
  if (stalled.length === 0) return;
  throw new Error(`stalled on an outage: ${stalled.map((s) => `${s.groupId} since ${s.since.toISOString()}`).join(', ')}`);
}

/** For main.ts: stop cleanly on SIGTERM/SIGINT, and exit non-zero if stopping itself fails. */
export function stopOnSignals(service: { stop(): Promise<void> }, logger: Logger): void {
  const handler = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
}

/**
 * Entry point for main.ts: starts the service, stops it cleanly on SIGTERM/SIGINT, and turns a start-up
 * failure (bad configuration, unreachable broker) into one readable line and exit code 1.
 */
export async function runMain(start: () => Promise<RunningService>): Promise<void> {
  try {
    const service = await start();
    stopOnSignals(service, service.context.logger);
  } catch (error) {
    console.error(`failed to start: ${(error as Error).message}`);
    process.exit(1);
  }
}
