import { tenantSecrets } from '@regua/auth';
import { ServiceEnvSchema, z } from '@regua/config';

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

export const NotificationEnvSchema = ServiceEnvSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8084),
  /** Who may read cases: the same tenant:key pairs as ingestion's, so a creditor reads its own cases with its own key. */
  NOTIFICATION_API_KEYS: tenantSecrets('key').describe('tenant:key pairs, comma-separated'),
  /** node-cron expression (seconds field allowed) for the reminder dispatcher, or "off" where another replica or a test runs it. */
  NOTIFICATION_DISPATCH_CRON: z.string().default('*/15 * * * * *'),
  NOTIFICATION_BATCH_SIZE: z.coerce.number().int().positive().default(200),
  /** State contact-hour laws; only the local demo turns this off, so its messages show at any hour. */
  NOTIFICATION_ENFORCE_CONTACT_HOURS: flag.default(true),
});

export type NotificationEnv = z.output<typeof NotificationEnvSchema>;
