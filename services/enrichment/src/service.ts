import { DebtorEnrichedV1, CONSUMER_GROUPS } from '@regua/contracts';
import { startService, type RunningService, type ServiceOverrides } from '@regua/service-kit';
import type { EnrichmentEnv } from './config.ts';
import { onInvoiceRegistered } from './handlers/invoice-registered.ts';
import { createDataSubjectRequestLog } from '@regua/mongo';
import { onDataSubjectErasureRequested } from './handlers/data-subject-erasure.ts';
import { createProfileStore } from './store/profiles.ts';

export const SERVICE_NAME = 'enrichment';

export function startEnrichment(env: EnrichmentEnv, overrides: ServiceOverrides = {}): Promise<RunningService> {
  return startService(
    SERVICE_NAME,
    env,
    ({ db, bus, clock, logger }) => {
      const store = createProfileStore(db);
      return {
        produces: [DebtorEnrichedV1.topic],
        consumers: [{ group: CONSUMER_GROUPS.enrichment, subscriptions: [onInvoiceRegistered({ store, publisher: bus.publisher, clock, logger, source: SERVICE_NAME }), onDataSubjectErasureRequested({ store, requests: createDataSubjectRequestLog(db), clock, logger })] }],
      };
    },
    overrides,
  );
}

export { EnrichmentEnvSchema } from './config.ts';
export { createProfileStore } from './store/profiles.ts';
