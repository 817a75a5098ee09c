import { startEnrichment, EnrichmentEnvSchema } from '@regua/enrichment';
import { startIngestion, IngestionEnvSchema, type IngestionService } from '@regua/ingestion';
import { startNotification, NotificationEnvSchema, type MessageChannel, type NotificationService } from '@regua/notification';
import { startPaymentReconciliation, PaymentReconciliationEnvSchema } from '@regua/payment-reconciliation';
import { startScoring, ScoringEnvSchema } from '@regua/scoring';
import { loadConfig } from '@regua/config';
import type { Clock, RunningService } from '@regua/service-kit';
import { createLogger } from '@regua/telemetry';
import { testEndpoints, uniqueName } from '@regua/testing';

export interface Pipeline {
  namespace: string;
  apiKey: string;
  tenant: string;
  ingestion: IngestionService;
  enrichment: RunningService;
  scoring: RunningService;
  notification: NotificationService;
  payments: RunningService;
  stop(): Promise<void>;
}

export interface PipelineOptions {
  /** Start a second replica of every service: same topics, consumer groups, databases and creditor. */
  replicaOf?: Pipeline;
  /** The notification services' provider port (the sandbox log by default). */
  channel?: MessageChannel;
  /** More creditors with ingestion keys of their own (e.g. to show one cannot reach another's data). */
  extraTenants?: Array<{ tenant: string; apiKey: string }>;
}

/** All five services in this process, on the shared test broker and database, isolated by namespace. */
export async function startPipeline(clock: Clock, options: PipelineOptions = {}): Promise<Pipeline> {
  const { kafkaBrokers, mongoUrl } = testEndpoints();
  const namespace = options.replicaOf?.namespace ?? `${uniqueName('t')}.`;
  const tenant = options.replicaOf?.tenant ?? uniqueName('bank');
  const apiKey = options.replicaOf?.apiKey ?? `key-${uniqueName('k')}`;
  const dbPrefix = namespace.replace(/\W/g, '_');
  const base = { KAFKA_BROKERS: kafkaBrokers.join(','), MONGO_URL: mongoUrl, KAFKA_NAMESPACE: namespace, KAFKA_TOPIC_PARTITIONS: '3', HTTP_PORT: '0', LOG_LEVEL: 'warn' };
  const overrides = { clock, retry: { retries: 3, initialDelayMs: 100, maxDelayMs: 500 }, logger: createLogger({ service: 'test', level: 'warn' }) };

  const started = await Promise.allSettled([
    startIngestion(loadConfig(IngestionEnvSchema, { ...base, MONGO_DB: `${dbPrefix}ingestion`, INGESTION_API_KEYS: [`${tenant}:${apiKey}`, ...(options.extraTenants ?? []).map((t) => `${t.tenant}:${t.apiKey}`)].join(','), OUTBOX_INTERVAL_MS: '100' }), overrides),
    startEnrichment(loadConfig(EnrichmentEnvSchema, { ...base, MONGO_DB: `${dbPrefix}enrichment` }), overrides),
    startScoring(loadConfig(ScoringEnvSchema, { ...base, MONGO_DB: `${dbPrefix}scoring` }), overrides),
    // Tests run the dispatcher themselves, on their own clock.
    startNotification(loadConfig(NotificationEnvSchema, { ...base, MONGO_DB: `${dbPrefix}notification`, NOTIFICATION_API_KEYS: `${tenant}:${apiKey}`, NOTIFICATION_DISPATCH_CRON: 'off' }), { ...overrides, ...(options.channel ? { channel: options.channel } : {}) }),
    startPaymentReconciliation(loadConfig(PaymentReconciliationEnvSchema, { ...base, MONGO_DB: `${dbPrefix}payments` }), overrides),
  ]);
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
    throw failed.reason;
  }
  const [ingestion, enrichment, scoring, notification, payments] = started.map((r) => (r as PromiseFulfilledResult<RunningService>).value) as [IngestionService, RunningService, RunningService, NotificationService, RunningService];
  const all = [ingestion, enrichment, scoring, notification, payments];
  return {
    namespace,
    apiKey,
    tenant,
    ingestion,
    enrichment,
    scoring,
    notification,
    payments,
    stop: async () => {
      await Promise.all(all.map((s) => s.stop()));
    },
  };
}

/** A clock the test moves by hand. */
export function manualClock(start: Date): Clock & { advance(ms: number): void; set(date: Date): void } {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      current = new Date(current.getTime() + ms);
    },
    set: (date) => {
      current = date;
    },
  };
}
