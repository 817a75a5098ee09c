import { DebtorEnrichedV1, CONSUMER_GROUPS } from '@regua/contracts';
import { createDataSubjectRequestLog } from '@regua/mongo';
import { periodic, startService, type RunningService, type ServiceOverrides } from '@regua/service-kit';
import { createHttpBureau } from './bureau/http-bureau.ts';
import { createBureauLookup, type BureauLookup } from './bureau/lookup.ts';
import type { EnrichmentEnv } from './config.ts';
import { onDataSubjectErasureRequested } from './handlers/data-subject-erasure.ts';
import { onInvoiceRegistered } from './handlers/invoice-registered.ts';
import { createBureauBudget } from './store/bureau-budget.ts';
import { createBureauCache } from './store/bureau-cache.ts';
import { createProfileStore } from './store/profiles.ts';

export const SERVICE_NAME = 'enrichment';

/** Expired cache spans and budget months are looked for this often. */
const BUREAU_RETENTION_INTERVAL_MS = 3_600_000;

export function startEnrichment(env: EnrichmentEnv, overrides: ServiceOverrides = {}): Promise<RunningService> {
  return startService(
    SERVICE_NAME,
    env,
    ({ db, bus, clock, logger }) => {
      const background: Array<{ start(): void; stop(): Promise<void> }> = [];
      let bureau: BureauLookup | undefined;
      const bureauCache = env.ENRICHMENT_BUREAU_URL ? createBureauCache(db, { ttlDays: env.ENRICHMENT_BUREAU_CACHE_TTL_DAYS }) : undefined;
      if (env.ENRICHMENT_BUREAU_URL && env.ENRICHMENT_BUREAU_TOKEN && bureauCache) {
        const client = createHttpBureau({
          url: env.ENRICHMENT_BUREAU_URL,
          token: env.ENRICHMENT_BUREAU_TOKEN,
          timeoutMs: env.ENRICHMENT_BUREAU_TIMEOUT_MS,
          retry: { retries: env.ENRICHMENT_BUREAU_RETRIES, baseDelayMs: env.ENRICHMENT_BUREAU_BACKOFF_MS, maxDelayMs: env.ENRICHMENT_BUREAU_BACKOFF_MAX_MS },
          breaker: { failures: env.ENRICHMENT_BUREAU_BREAKER_FAILURES, resetMs: env.ENRICHMENT_BUREAU_BREAKER_RESET_MS, windowMs: env.ENRICHMENT_BUREAU_BREAKER_WINDOW_MS },
          logger,
        });
        const budget = createBureauBudget(db);
        bureau = createBureauLookup({ client, cache: bureauCache, budget, dailyBudget: env.ENRICHMENT_BUREAU_DAILY_BUDGET, ttlDays: env.ENRICHMENT_BUREAU_CACHE_TTL_DAYS, concurrency: env.ENRICHMENT_BUREAU_CONCURRENCY, clock, logger });
        const retention = periodic(
          BUREAU_RETENTION_INTERVAL_MS,
          async () => {
            const dropped = [...(await bureauCache.dropExpired(clock.now())), ...(await budget.dropExpired(clock.now()))];
            if (dropped.length > 0) logger.info({ dropped }, 'expired bureau cache spans and budget months dropped');
          },
          (error) => logger.warn({ err: (error as Error).message }, 'bureau retention will retry'),
        );
        background.push(retention, { start: () => undefined, stop: async () => client.close() });
      } else {
        logger.info('ENRICHMENT_BUREAU_URL is not set: contacts come from the creditor alone');
      }
      const store = createProfileStore(db, bureauCache ? { bureauCache } : {});
      return {
        produces: [DebtorEnrichedV1.topic],
        consumers: [
          {
            group: CONSUMER_GROUPS.enrichment,
            subscriptions: [
              onInvoiceRegistered({ store, publisher: bus.publisher, clock, logger, source: SERVICE_NAME, ...(bureau ? { bureau } : {}) }),
              onDataSubjectErasureRequested({ store, requests: createDataSubjectRequestLog(db), clock, logger }),
            ],
          },
        ],
        background,
      };
    },
    overrides,
  );
}

export { EnrichmentEnvSchema } from './config.ts';
export { createProfileStore } from './store/profiles.ts';
