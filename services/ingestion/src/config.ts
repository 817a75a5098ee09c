import { ServiceEnvSchema, z } from '@regua/config';

export const IngestionEnvSchema = ServiceEnvSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  INGESTION_API_KEYS: z.string().min(1, 'needs at least one tenant:key pair').describe('tenant:key pairs, comma-separated'),
  OUTBOX_INTERVAL_MS: z.coerce.number().int().positive().default(500),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().positive().max(5000).default(500),
});

export type IngestionEnv = z.output<typeof IngestionEnvSchema>;
