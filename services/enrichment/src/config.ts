import { ServiceEnvSchema, z } from '@regua/config';

export const EnrichmentEnvSchema = ServiceEnvSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8082),
});

export type EnrichmentEnv = z.output<typeof EnrichmentEnvSchema>;
