import { productionSecretProblems, tenantSecrets } from '@regua/auth';
import { ServiceEnvSchema, z } from '@regua/config';

export const LegalEnvSchema = ServiceEnvSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8090),
  /** Who may call the legal API (bureau registration, judicial tracking, settings): `tenant:key` pairs. Unset, it answers 401 to all. */
  LEGAL_API_KEYS: tenantSecrets('key').optional().describe('tenant:key pairs, comma-separated'),
  /** The credit bureau's registration API (bureau/contract.ts). Unset: registration requests answer 503 and nothing is sent. */
  LEGAL_BUREAU_URL: z.url().optional(),
  LEGAL_BUREAU_TOKEN: z.string().min(1).optional(),
  /** The bureau's name as events and the timeline state it. */
  LEGAL_BUREAU_NAME: z.string().min(1).default('bureau'),
  LEGAL_BUREAU_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  /**
   * How long the broker may hold legal's fetches to gather more events (its tracks act in days, not seconds), so that
   * a run's store writes are shared by many events under light load; 0: at once.
   */
  LEGAL_FETCH_WAIT_MS: z.coerce.number().int().min(0).max(10_000).default(1000),
  LEGAL_BUREAU_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** How often the due bureau steps (notices, registrations, withdrawals) are worked; 0 turns the tick off. */
  LEGAL_TICK_MS: z.coerce.number().int().min(0).default(30_000),
  /** Failed withdrawal attempts after which the case is escalated to the work queue (retries go on). */
  LEGAL_WITHDRAWAL_MAX_ATTEMPTS: z.coerce.number().int().positive().default(5),
  /** The first retry's delay after a failed bureau step; each next one doubles, up to an hour. */
  LEGAL_RETRY_DELAY_MS: z.coerce.number().int().positive().default(60_000),
  /** Largest movements file accepted by the CSV import. */
  LEGAL_CSV_MAX_BYTES: z.coerce.number().int().positive().default(5 * 1024 * 1024),
}).superRefine((env, ctx) => {
  if (env.LEGAL_BUREAU_URL && !env.LEGAL_BUREAU_TOKEN) ctx.addIssue({ code: 'custom', path: ['LEGAL_BUREAU_TOKEN'], message: 'required when LEGAL_BUREAU_URL is set' });
  if (env.NODE_ENV !== 'production') return;
  if (env.LEGAL_API_KEYS) for (const message of productionSecretProblems(env.LEGAL_API_KEYS, 'key')) ctx.addIssue({ code: 'custom', path: ['LEGAL_API_KEYS'], message });
});

export type LegalEnv = z.output<typeof LegalEnvSchema>;
