import { ServiceEnvSchema, z } from '@regua/config';
import { INBOUND_INVOICES_TOPIC } from '@regua/contracts';
import { parseTenantSecrets } from './domain/api-keys.ts';

const tenantSecrets = (what: string) =>
  z.string().transform((value, ctx) => {
    try {
      return parseTenantSecrets(value, what);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

export const IngestionEnvSchema = ServiceEnvSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  INGESTION_API_KEYS: tenantSecrets('key').describe('tenant:key pairs, comma-separated'),
  INGESTION_HMAC_SECRETS: tenantSecrets('secret').default(new Map()).describe('tenant:secret pairs for signed requests'),
  INGESTION_SIGNATURE_TOLERANCE_S: z.coerce.number().int().positive().default(300),
  INGESTION_BATCH_LIMIT: z.coerce.number().int().positive().max(10_000).default(1000),
  INGESTION_CSV_MAX_LINES: z.coerce.number().int().positive().default(100_000),
  INGESTION_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(1200),
  INGESTION_INBOUND_TOPIC: z.string().min(1).default(INBOUND_INVOICES_TOPIC),
  OUTBOX_INTERVAL_MS: z.coerce.number().int().positive().default(2000).describe('how often the relay looks for outbox documents left behind'),
  OUTBOX_STALE_MS: z.coerce.number().int().positive().default(10_000).describe('age at which an outbox document is the relay\'s rather than its writer\'s'),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().positive().max(5000).default(500),
  INGESTION_RECEIPT_MONTHS: z.coerce.number().int().min(2).max(120).default(3).describe('months of receipts kept: a resent event is recognised as a duplicate for at least this many months minus one'),
});

export type IngestionEnv = z.output<typeof IngestionEnvSchema>;
