import { InvoiceRegisteredV1 } from '@regua/contracts';
import { startService, type RunningService, type ServiceOverrides } from '@regua/service-kit';
import type { IngestionEnv } from './config.ts';
import { parseApiKeys } from './domain/api-keys.ts';
import { invoiceRoutes } from './handlers/http.ts';
import { createIngestService } from './ingest-service.ts';
import { createOutboxRelay } from './outbox-relay.ts';
import { createInvoiceStore } from './store/invoice-store.ts';
import { registerModels } from './store/models.ts';

export const SERVICE_NAME = 'ingestion';

export function startIngestion(env: IngestionEnv, overrides: ServiceOverrides = {}): Promise<RunningService> {
  return startService(
    SERVICE_NAME,
    env,
    ({ db, bus, clock, logger }) => {
      const store = createInvoiceStore(registerModels(db));
      const relay = createOutboxRelay({ store, publisher: bus.publisher, clock, logger, intervalMs: env.OUTBOX_INTERVAL_MS, batchSize: env.OUTBOX_BATCH_SIZE });
      const ingest = createIngestService({ store, clock, source: SERVICE_NAME, onEnqueued: () => relay.kick() });
      return {
        produces: [InvoiceRegisteredV1.topic],
        routes: invoiceRoutes({ ingest, store, apiKeys: parseApiKeys(env.INGESTION_API_KEYS) }),
        background: [relay],
      };
    },
    overrides,
  );
}

export { IngestionEnvSchema } from './config.ts';
