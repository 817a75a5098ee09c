import { ServiceEnvSchema, z } from '@regua/config';
import { ChannelCostsSchema, DEFAULT_CHANNEL_COSTS } from './domain/costs.ts';
import { SeedUsersSchema } from './domain/access.ts';

/** A JSON-valued variable: parsed, then checked by `schema`; problems name the path, never the value. */
const json = <S extends z.ZodType>(schema: S) =>
  z
    .string()
    .transform((value, ctx) => {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

export const DashboardEnvSchema = ServiceEnvSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8089),
  /**
   * The local user store's seed: a JSON array of `{id, name?, password, roles, scopes:[{tenant, creditors}]}`, written
   * (password hashed with scrypt) at start-up. Roles: manager, operator, auditor. `creditors` is `"*"` or a list of
   * CNPJs. Demo credentials only; production passes hashes (`scrypt$…`) or manages users elsewhere.
   */
  DASHBOARD_USERS: json(SeedUsersSchema).optional().describe('JSON array of users to seed (see the README)'),
  /** ES256 private key (PKCS#8 PEM) that signs session tokens; required in production, generated per start elsewhere. */
  DASHBOARD_SIGNING_KEY: z.string().min(1).optional().describe('PKCS#8 PEM, ES256'),
  /** The issuer named in tokens and in `/.well-known/openid-configuration` (the URL users reach the dashboard at). */
  DASHBOARD_ISSUER: z.url().default('http://127.0.0.1:8089'),
  DASHBOARD_SESSION_MINUTES: z.coerce.number().int().positive().max(24 * 60).default(480),
  /** Cost of one message per channel, integer centavos, per tenant (`*`: every tenant's default). */
  DASHBOARD_CHANNEL_COSTS: json(ChannelCostsSchema).default(DEFAULT_CHANNEL_COSTS).describe('JSON {"*":{"email":1,"sms":8,…},"<tenant>":{…}}'),
  /** The day boundary for daily figures and aging. */
  DASHBOARD_TIME_ZONE: z.string().min(1).default('America/Sao_Paulo'),
  /**
   * The projection's cache of invoices, cases and contacts (as JSON, about a million characters per MB), which spares
   * a store read for each event of a document it holds; 0 turns it off.
   */
  DASHBOARD_DOCUMENT_CACHE_MB: z.coerce.number().min(0).max(1024).default(8),
  /**
   * How long the broker may hold the projection's fetches to gather more events: the pages may lag by this much, and
   * in exchange a run's claims and counter writes are shared by a second's events, not paid by each; 0: at once.
   */
  DASHBOARD_FETCH_WAIT_MS: z.coerce.number().int().min(0).max(10_000).default(1000),
}).superRefine((env, ctx) => {
  if (env.NODE_ENV !== 'production') return;
  if (!env.DASHBOARD_SIGNING_KEY) ctx.addIssue({ code: 'custom', path: ['DASHBOARD_SIGNING_KEY'], message: 'required in production (sessions must survive restarts and replicas)' });
  for (const [index, user] of (env.DASHBOARD_USERS ?? []).entries()) {
    if (!user.password.startsWith('scrypt$')) ctx.addIssue({ code: 'custom', path: ['DASHBOARD_USERS', index, 'password'], message: 'must be a scrypt hash in production, never a clear-text password' });
  }
});

export type DashboardEnv = z.output<typeof DashboardEnvSchema>;
