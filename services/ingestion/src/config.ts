import { ServiceEnvSchema, z } from '@regua/config';
import { INBOUND_INVOICES_TOPIC } from '@regua/contracts';
import { parseTenantSecrets, productionSecretProblems } from '@regua/auth';
import { parseTenantCreditors } from './domain/creditors.ts';

const parsed = <T>(parse: (value: string) => T) =>
  z.string().transform((value, ctx) => {
    try {
      return parse(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

const MiB = 1024 * 1024;
const bytes = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const IngestionEnvSchema = ServiceEnvSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  INGESTION_API_KEYS: parsed((v) => parseTenantSecrets(v, 'key')).describe('tenant:key pairs, comma-separated; in production each key has 32+ characters and is not a demo value'),
  INGESTION_HMAC_SECRETS: parsed((v) => parseTenantSecrets(v, 'secret'))
    .default(new Map())
    .describe('tenant:secret pairs for signed requests; in production each secret has 32+ characters and is not a demo value'),
  INGESTION_TENANT_CREDITORS: parsed(parseTenantCreditors)
    .optional()
    .describe('the creditors each tenant may send invoices for: tenant:cnpj[:name] entries separated by ";" (a tenant may have several). Required in production; unset elsewhere, any CNPJ is accepted (with a warning at start-up)'),
  INGESTION_SIGNATURE_TOLERANCE_S: z.coerce.number().int().positive().default(300),
  INGESTION_BATCH_LIMIT: z.coerce.number().int().positive().max(10_000).default(1000),
  INGESTION_JSON_MAX_BYTES: bytes(10 * MiB).describe('largest JSON request body; a larger Content-Length gets 413 before anything is read'),
  INGESTION_CSV_MAX_BYTES: bytes(20 * MiB).describe('largest CSV upload, counted while streaming (413)'),
  INGESTION_CSV_MAX_RECORD_BYTES: bytes(16 * 1024).describe('largest CSV line (422 naming the line)'),
  INGESTION_CSV_MAX_LINES: z.coerce.number().int().positive().default(100_000),
  INGESTION_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(1200),
  INGESTION_INBOUND_TOPIC: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*\{tenant\}[a-zA-Z0-9._-]*$/, 'must be a topic name with {tenant} in it, e.g. bank.{tenant}.invoices.overdue.v1')
    .default(INBOUND_INVOICES_TOPIC)
    .describe('the banks\' Kafka doors: tenant T reads from this name with {tenant} replaced by T'),
  OUTBOX_INTERVAL_MS: z.coerce.number().int().positive().default(2000).describe('how often the relay looks for outbox documents left behind'),
  OUTBOX_STALE_MS: z.coerce.number().int().positive().default(10_000).describe('age at which an outbox document is the relay\'s rather than its writer\'s'),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().positive().max(5000).default(500),
  INGESTION_RECEIPT_MONTHS: z.coerce.number().int().min(2).max(120).default(3).describe('months of receipts kept: a resent event is recognised as a duplicate for at least this many months minus one'),
}).superRefine((env, ctx) => {
  if (env.NODE_ENV !== 'production') return;
  // Production never runs on the credentials the demo, docker-compose and README publish, nor on guessable ones.
  for (const message of productionSecretProblems(env.INGESTION_API_KEYS, 'key')) ctx.addIssue({ code: 'custom', path: ['INGESTION_API_KEYS'], message });
  for (const message of productionSecretProblems(env.INGESTION_HMAC_SECRETS, 'secret')) ctx.addIssue({ code: 'custom', path: ['INGESTION_HMAC_SECRETS'], message });
  if (!env.INGESTION_TENANT_CREDITORS) {
    ctx.addIssue({ code: 'custom', path: ['INGESTION_TENANT_CREDITORS'], message: 'required in production: the creditors (tenant:cnpj:name;…) each tenant may send invoices for' });
    return;
  }
  // The registered name is what reminders carry; without one, the name sent with each invoice would pass unchecked.
  for (const [tenant, creditors] of env.INGESTION_TENANT_CREDITORS) {
    const unnamed = [...creditors.values()].filter((c) => c.name === undefined).map((c) => c.cnpj);
    if (unnamed.length > 0) ctx.addIssue({ code: 'custom', path: ['INGESTION_TENANT_CREDITORS'], message: `tenant ${tenant}: give the name of CNPJ ${unnamed.join(', ')} (tenant:cnpj:name) in production` });
  }
});

export type IngestionEnv = z.output<typeof IngestionEnvSchema>;
