import { randomUUID } from 'node:crypto';
import { loadConfig } from '@regua/config';
import { exampleInvoice, exampleSubmission, type Invoice, type InvoiceSubmissionV1 } from '@regua/contracts';
import { createLogger } from '@regua/telemetry';
import { testEndpoints, uniqueName } from '@regua/testing';
import { IngestionEnvSchema, startIngestion, type IngestionService } from '../src/service.ts';

export interface IngestionHarness {
  service: IngestionService;
  namespace: string;
  tenants: { a: { id: string; key: string }; b: { id: string; key: string } };
  hmacSecret: string;
  url(path: string): string;
  post(path: string, body: unknown, key?: string, headers?: Record<string, string>): Promise<Response>;
  get(path: string, key?: string): Promise<Response>;
}

type Tenants = IngestionHarness['tenants'];

/**
 * One ingestion instance with two tenants, isolated from other test files by namespace and database. `env` may
 * depend on the tenants' generated ids (e.g. a creditor registry). Without INGESTION_TENANT_CREDITORS, any CNPJ passes.
 */
export async function startIngestionHarness(env: Record<string, string> | ((tenants: Tenants) => Record<string, string>) = {}, brokers = testEndpoints().kafkaBrokers): Promise<IngestionHarness> {
  const namespace = `${uniqueName('ing')}.`;
  const a = { id: uniqueName('bank_a'), key: `key-${randomUUID()}` };
  const b = { id: uniqueName('bank_b'), key: `key-${randomUUID()}` };
  const hmacSecret = `secret-${randomUUID()}`;
  const config = loadConfig(IngestionEnvSchema, {
    KAFKA_BROKERS: brokers.join(','),
    MONGO_URL: testEndpoints().mongoUrl,
    MONGO_DB: namespace.replace(/\W/g, '_'),
    KAFKA_NAMESPACE: namespace,
    KAFKA_TOPIC_PARTITIONS: '3',
    HTTP_PORT: '0',
    LOG_LEVEL: 'silent',
    INGESTION_API_KEYS: `${a.id}:${a.key},${b.id}:${b.key}`,
    INGESTION_HMAC_SECRETS: `${a.id}:${hmacSecret}`,
    OUTBOX_INTERVAL_MS: '100',
    OUTBOX_STALE_MS: '2000',
    ...(typeof env === 'function' ? env({ a, b }) : env),
  });
  const service = await startIngestion(config, { logger: createLogger({ service: 'ingestion-test', level: 'silent' }), retry: { retries: 2, initialDelayMs: 50, maxDelayMs: 100 } });
  const url = (path: string) => `http://127.0.0.1:${service.port}${path}`;
  return {
    service,
    namespace,
    tenants: { a, b },
    hmacSecret,
    url,
    post: (path, body, key = a.key, headers = {}) =>
      fetch(url(path), { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}), ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
    get: (path, key = a.key) => fetch(url(path), { headers: { 'x-api-key': key } }),
  };
}

let counter = 0;

/** A fresh valid submission; each call gets its own event id and, unless given, its own invoice. */
export function submission(overrides: Partial<Invoice> = {}, occurredAt = '2026-11-20T12:00:00-03:00', eventId: string = randomUUID()): InvoiceSubmissionV1 {
  counter += 1;
  return exampleSubmission(eventId, occurredAt, exampleInvoice({ externalId: `INV-${process.pid}-${counter}`, ...overrides }));
}
