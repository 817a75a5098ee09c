import { ServiceEnvSchema, z } from '@regua/config';

const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const EnrichmentEnvSchema = ServiceEnvSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8082),
  ENRICHMENT_BUREAU_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s):// URL' }).optional().describe('the data bureau\'s base URL; unset: no bureau, contacts come from the creditor alone'),
  ENRICHMENT_BUREAU_TOKEN: z.string().min(1).optional().describe('bearer token for the bureau; required with ENRICHMENT_BUREAU_URL'),
  ENRICHMENT_BUREAU_TIMEOUT_MS: ms(2_000).describe('per attempt'),
  ENRICHMENT_BUREAU_RETRIES: z.coerce.number().int().min(0).max(10).default(2).describe('attempts after the first, for network errors, timeouts, 5xx and 429 with Retry-After'),
  ENRICHMENT_BUREAU_BACKOFF_MS: ms(200).describe('first backoff, doubled per attempt, full jitter'),
  ENRICHMENT_BUREAU_BACKOFF_MAX_MS: ms(5_000).describe('cap of a backoff and of a Retry-After (a longer one gives up)'),
  ENRICHMENT_BUREAU_BREAKER_FAILURES: z.coerce.number().int().positive().default(5).describe('failed attempts within the window that open the circuit'),
  ENRICHMENT_BUREAU_BREAKER_RESET_MS: ms(30_000).describe('how long the circuit stays open before a trial request'),
  ENRICHMENT_BUREAU_BREAKER_WINDOW_MS: ms(60_000).describe('rolling window the failures are counted in'),
  ENRICHMENT_BUREAU_CACHE_TTL_DAYS: z.coerce.number().int().positive().max(365).default(30).describe('how long an answer is reused instead of paid for again'),
  ENRICHMENT_BUREAU_DAILY_BUDGET: z.coerce.number().int().min(0).default(1_000).describe('lookups per tenant per day (America/Sao_Paulo); beyond it debtors are enriched from the creditor alone'),
  ENRICHMENT_BUREAU_CONCURRENCY: z.coerce.number().int().positive().max(64).default(8).describe('bureau requests in flight at once'),
}).superRefine((env, ctx) => {
  if (env.ENRICHMENT_BUREAU_URL && !env.ENRICHMENT_BUREAU_TOKEN) ctx.addIssue({ code: 'custom', path: ['ENRICHMENT_BUREAU_TOKEN'], message: 'required when ENRICHMENT_BUREAU_URL is set' });
});

export type EnrichmentEnv = z.output<typeof EnrichmentEnvSchema>;
