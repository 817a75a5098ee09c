import { ServiceEnvSchema, z } from '@regua/config';

export const PaymentReconciliationEnvSchema = ServiceEnvSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8085),
});

export type PaymentReconciliationEnv = z.output<typeof PaymentReconciliationEnvSchema>;
