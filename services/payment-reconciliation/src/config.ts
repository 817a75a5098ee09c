import { ServiceEnvSchema, z } from '@regua/config';

export const PaymentReconciliationEnvSchema = ServiceEnvSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8085),
  /** How long a payment that matches no invoice waits for it (parked) before it goes to an operator; fractions allowed. */
  PAYMENT_PARK_WINDOW_HOURS: z.coerce.number().positive().default(72),
  /** How often parked payments are matched again. */
  PAYMENT_PARK_SWEEP_MS: z.coerce.number().int().positive().default(5000),
  /** Tenants whose bank reports payments on its own Kafka topic (`bank.<tenant>.payments.received.v1`). */
  PAYMENT_BANK_TENANTS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((t) => t.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[\w.-]{1,64}$/, 'tenants are letters, digits, . _ -'))),
});

export type PaymentReconciliationEnv = z.output<typeof PaymentReconciliationEnvSchema>;
