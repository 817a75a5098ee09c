import { ServiceEnvSchema, z } from '@regua/config';

export const ScoringEnvSchema = ServiceEnvSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8083),
});

export type ScoringEnv = z.output<typeof ScoringEnvSchema>;
