import { productionSecretProblems, tenantSecrets } from '@regua/auth';
import { ServiceEnvSchema, z } from '@regua/config';

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

export const NotificationEnvSchema = ServiceEnvSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8084),
  /** Who may read cases: the same tenant:key pairs as ingestion's, so a creditor reads its own cases with its own key. */
  NOTIFICATION_API_KEYS: tenantSecrets('key').describe('tenant:key pairs, comma-separated'),
  /** node-cron expression (seconds field allowed) for the reminder dispatcher, or "off" where another replica or a test runs it. */
  NOTIFICATION_DISPATCH_CRON: z.string().default('*/15 * * * * *'),
  NOTIFICATION_BATCH_SIZE: z.coerce.number().int().positive().default(200),
  /** The debtor's self-service page (negotiation and payment); each message links to `<url>/<caseId>`. */
  NOTIFICATION_SELF_SERVICE_URL: z.url().default('http://127.0.0.1:8085/negociar'),
  /** Signs the self-service links (`<url>/<token>`); payment-reconciliation, which serves the page, holds the same secret. */
  NOTIFICATION_SELF_SERVICE_SECRET: z.string().min(16).default('dev-self-service-secret-change-me'),
  /** How long a link in a message stays valid. */
  NOTIFICATION_SELF_SERVICE_LINK_DAYS: z.coerce.number().int().positive().max(365).default(30),
  /** State contact-hour laws, holidays and frequency caps; only the local demo turns this off, so its messages show at any hour. */
  NOTIFICATION_ENFORCE_CONTACT_HOURS: flag.default(true),
  /** The messaging provider's HTTP endpoint; unset, messages go to the sandbox channel (the log). */
  NOTIFICATION_PROVIDER_URL: z.url().optional(),
  /** Per provider request; must stay well under the claim lease. */
  NOTIFICATION_PROVIDER_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /**
   * Message providers, one per channel (see providers/): each channel with a URL gets its adapter; a channel without
   * one is unavailable and its steps fall back to another. With none set, NOTIFICATION_PROVIDER_URL (one generic HTTP
   * provider) or, without it, the log sandbox takes every message.
   */
  NOTIFICATION_EMAIL_URL: z.url().optional(),
  NOTIFICATION_EMAIL_API_KEY: z.string().min(1).default('dev-email-key'),
  NOTIFICATION_EMAIL_FROM: z.email().default('cobranca@regua.example'),
  NOTIFICATION_SMS_URL: z.url().optional(),
  NOTIFICATION_SMS_API_TOKEN: z.string().min(1).default('dev-sms-token'),
  NOTIFICATION_SMS_FROM: z.string().min(1).max(11).default('REGUA'),
  NOTIFICATION_WHATSAPP_URL: z.url().optional(),
  NOTIFICATION_WHATSAPP_TOKEN: z.string().min(1).default('dev-whatsapp-token'),
  NOTIFICATION_WHATSAPP_PHONE_NUMBER_ID: z.string().min(1).default('100000000000001'),
  NOTIFICATION_VOICE_URL: z.url().optional(),
  NOTIFICATION_VOICE_API_KEY: z.string().min(1).default('dev-voice-key'),
  /** Where a provider says whether it took a reference (`GET <url>/messages?reference=`), after an unknown outcome. */
  NOTIFICATION_PROVIDER_LOOKUP_URL: z.url().optional(),
  /** Messages per second per provider (a token bucket): the providers' own limits. */
  NOTIFICATION_PROVIDER_RATE_PER_SECOND: z.coerce.number().positive().default(50),
  /** Shared with the providers: receipts posted to /v1/receipts must carry its HMAC-SHA256 signature. */
  NOTIFICATION_RECEIPTS_SECRET: z.string().min(16).default('dev-receipts-secret-change-me'),
  /** How long a claimed step belongs to its dispatcher before another takes it up (dispatcher.ts). */
  NOTIFICATION_CLAIM_LEASE_MS: z.coerce.number().int().positive().default(5 * 60_000),
}).superRefine((env, ctx) => {
  if (env.NOTIFICATION_PROVIDER_TIMEOUT_MS * 3 > env.NOTIFICATION_CLAIM_LEASE_MS) {
    ctx.addIssue({ code: 'custom', path: ['NOTIFICATION_CLAIM_LEASE_MS'], message: 'must be at least three times NOTIFICATION_PROVIDER_TIMEOUT_MS: a claim must outlive any provider call' });
  }
  // Production never runs on the keys the demo, docker-compose and README publish, nor on guessable ones.
  if (env.NODE_ENV !== 'production') return;
  for (const message of productionSecretProblems(env.NOTIFICATION_API_KEYS, 'key')) ctx.addIssue({ code: 'custom', path: ['NOTIFICATION_API_KEYS'], message });
  const secrets = [
    ['NOTIFICATION_RECEIPTS_SECRET', true],
    ['NOTIFICATION_SELF_SERVICE_SECRET', true],
    ['NOTIFICATION_EMAIL_API_KEY', env.NOTIFICATION_EMAIL_URL],
    ['NOTIFICATION_SMS_API_TOKEN', env.NOTIFICATION_SMS_URL],
    ['NOTIFICATION_WHATSAPP_TOKEN', env.NOTIFICATION_WHATSAPP_URL],
    ['NOTIFICATION_VOICE_API_KEY', env.NOTIFICATION_VOICE_URL],
  ] as const;
  for (const [name, used] of secrets) {
    if (used && (env[name].startsWith('dev-') || env[name].length < 32)) ctx.addIssue({ code: 'custom', path: [name], message: 'must be set to a secret of at least 32 characters in production (the development default is public)' });
  }
});

export type NotificationEnv = z.output<typeof NotificationEnvSchema>;
