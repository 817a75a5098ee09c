import { z } from 'zod';

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Parses the environment once at start-up. Each problem names the variable, so a bad deploy fails fast
 * with a message an operator can act on. This is the only place that reads environment variables.
 *
 * Values are never repeated in the message: it ends up in logs and CI output, and variables carry keys,
 * signing secrets and credentials inside URLs. The variable's name and the rule it broke are enough to act on.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const variable = issue.path.map(String).join('.') || '(environment)';
      return `${variable}: ${issue.message}`;
    }),
  );
}

const csv = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean))
  .pipe(z.array(z.string()).min(1, 'needs at least one entry'));

/** Variables every service reads. Each service extends it with its own. */
export const ServiceEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535),
  HTTP_HOST: z.union([z.ipv4(), z.ipv6(), z.literal('localhost')]).default('127.0.0.1').describe('interface to listen on: loopback unless a container or a proxy needs 0.0.0.0'),
  KAFKA_BROKERS: csv.describe('comma-separated host:port list, e.g. 127.0.0.1:19092'),
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().positive().optional(),
  KAFKA_NAMESPACE: z.string().regex(/^[a-zA-Z0-9._-]*$/).default('').describe('prefix for topics and consumer groups'),
  MONGO_URL: z.url({ protocol: /^mongodb(\+srv)?$/, message: 'must be a mongodb:// URL' }),
  MONGO_DB: z.string().regex(/^[a-zA-Z0-9_-]{1,63}$/).optional(),
  MONGO_BULK_READS: z.enum(['by-id', 'in']).default('by-id').describe('by-id: concurrent reads by _id (MongoDB, FerretDB on PostgreSQL); in: one $in (FerretDB on SQLite)'),
  MONGO_SLOW_COMMAND_MS: z.coerce.number().int().min(0).default(1000).describe('log database commands slower than this (0: off)'),
  MONGO_POOL_SIZE: z.coerce.number().int().positive().max(500).default(32).describe('database connections per service: operations in flight at once (FerretDB on PostgreSQL hangs when the services together exceed its pool)'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional().describe('OTLP/HTTP endpoint of an OpenTelemetry collector (e.g. http://otel-collector:4318): traces and metrics are pushed there; unset: none are pushed, /metrics still serves Prometheus'),
  KAFKA_LAG_INTERVAL_MS: z.coerce.number().int().positive().default(15_000).describe('how often consumer lag is read from the broker for /metrics (one offsets request per group and per topic)'),
  DLQ_ENCRYPTION_KEY: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64 (openssl rand -base64 32)').optional().describe('AES-256-GCM key for dead letters\' keys and values; required when NODE_ENV=production'),
});

export type ServiceEnv = z.output<typeof ServiceEnvSchema>;
export { z };
