import type { Express } from 'express';
import { inboundInvoicesTopicFor, InvoiceRegisteredV1, InvoiceSettledByCreditorV1, InvoiceUpdatedV1, CONSUMER_GROUPS } from '@regua/contracts';
import { createLease } from '@regua/mongo';
import { periodic, startService, type RunningService, type ServiceOverrides } from '@regua/service-kit';
import type { IngestionEnv } from './config.ts';
import { apiKeyIndex } from '@regua/auth';
import { createAuthenticator } from './handlers/auth.ts';
import { CSV_COLUMN_NAMES, csvUploadRoute } from './handlers/csv.ts';
import { invoiceRoutes } from './handlers/http.ts';
import { inboundInvoices } from './handlers/kafka.ts';
import { createIngestService, type IngestService } from './ingest-service.ts';
import { DataSubjectErasureRequestedV1 } from '@regua/contracts';
import { createDataSubjectService } from './data-subject-service.ts';
import { dataSubjectRoutes } from './handlers/data-subjects.ts';
import { createDataSubjectStore } from './store/data-subject-store.ts';
import { openApiDocument } from './openapi.ts';
import { createOutboxRelay } from './outbox-relay.ts';
import { createInvoiceStore, type InvoiceStore } from './store/invoice-store.ts';
import { registerModels } from './store/models.ts';

export const SERVICE_NAME = 'ingestion';
const RECEIPT_RETENTION_INTERVAL_MS = 60 * 60_000;

export interface IngestionService extends RunningService {
  store: InvoiceStore;
  ingest: IngestService;
  /** Publishes what is pending now; for tests and draining. */
  flushOutbox(): Promise<void>;
}

export async function startIngestion(env: IngestionEnv, overrides: ServiceOverrides = {}): Promise<IngestionService> {
  let exposed: Pick<IngestionService, 'store' | 'ingest' | 'flushOutbox'> | undefined;
  const service = await startService(
    SERVICE_NAME,
    env,
    ({ db, bus, clock, logger, newId }) => {
      const models = registerModels(db);
      const store = createInvoiceStore(models, { receiptMonths: env.INGESTION_RECEIPT_MONTHS });
      const receiptRetention = periodic(
        RECEIPT_RETENTION_INTERVAL_MS,
        async () => {
          const dropped = await store.dropExpiredReceipts(clock.now());
          if (dropped.length > 0) logger.info({ dropped }, 'expired receipt months dropped');
        },
        (error) => logger.warn({ err: (error as Error).message }, 'receipt retention will retry'),
      );
      // A lease outlives a few relay intervals, so a busy holder keeps it and a stopped one is replaced in seconds.
      const lease = createLease(db, 'outbox-relay', newId(), Math.max(10_000, 5 * env.OUTBOX_INTERVAL_MS));
      const relay = createOutboxRelay({ store, publisher: bus.publisher, lease, logger, intervalMs: env.OUTBOX_INTERVAL_MS, batchSize: env.OUTBOX_BATCH_SIZE, staleAfterMs: env.OUTBOX_STALE_MS });
      const ingest = createIngestService({ store, clock, source: SERVICE_NAME, enqueue: relay.enqueue });
      const dataSubjects = createDataSubjectService({ store: createDataSubjectStore(models), clock, newId, logger, source: SERVICE_NAME, enqueue: relay.enqueue });
      const auth = createAuthenticator({ apiKeys: apiKeyIndex(env.INGESTION_API_KEYS), hmacSecrets: env.INGESTION_HMAC_SECRETS, toleranceSeconds: env.INGESTION_SIGNATURE_TOLERANCE_S, clock, maxSignedBodyBytes: env.INGESTION_JSON_MAX_BYTES });
      const creditors = env.INGESTION_TENANT_CREDITORS;
      if (!creditors) logger.warn('INGESTION_TENANT_CREDITORS is not set: invoices are accepted for any creditor CNPJ and name (development only; production refuses to start without it)');
      const knownTenants = new Set([...env.INGESTION_API_KEYS.keys(), ...env.INGESTION_HMAC_SECRETS.keys()]);
      const document = openApiDocument({ batchLimit: env.INGESTION_BATCH_LIMIT, csvColumns: CSV_COLUMN_NAMES, jsonMaxBytes: env.INGESTION_JSON_MAX_BYTES, csvMaxBytes: env.INGESTION_CSV_MAX_BYTES, csvMaxRecordBytes: env.INGESTION_CSV_MAX_RECORD_BYTES });
      exposed = { store, ingest, flushOutbox: relay.runNow };
      return {
        produces: [InvoiceRegisteredV1.topic, InvoiceUpdatedV1.topic, InvoiceSettledByCreditorV1.topic, DataSubjectErasureRequestedV1.topic],
        consumers: [{ group: CONSUMER_GROUPS.ingestionInbound, subscriptions: [...knownTenants].map((tenant) => inboundInvoices({ topic: inboundInvoicesTopicFor(tenant, env.INGESTION_INBOUND_TOPIC), tenant, ingest, creditors })) }],
        routes: (app: Express) => {
          app.get('/openapi.json', (_req, res) => {
            res.json(document);
          });
          const routes = invoiceRoutes({ ingest, store, authenticate: auth.middleware, batchLimit: env.INGESTION_BATCH_LIMIT, ratePerMinute: env.INGESTION_RATE_LIMIT_PER_MINUTE, jsonMaxBytes: env.INGESTION_JSON_MAX_BYTES, creditors });
          csvUploadRoute({ ingest, guard: routes.guard, maxLines: env.INGESTION_CSV_MAX_LINES, maxBytes: env.INGESTION_CSV_MAX_BYTES, maxRecordBytes: env.INGESTION_CSV_MAX_RECORD_BYTES, creditors })(app);
          routes.register(app);
          dataSubjectRoutes({ service: dataSubjects, guard: routes.guard })(app);
        },
        background: [relay, receiptRetention],
      };
    },
    overrides,
  );
  return { ...service, ...exposed! };
}

export { IngestionEnvSchema, type IngestionEnv } from './config.ts';
