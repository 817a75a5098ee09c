import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Parses "tenant:secret,tenant:secret" (API keys or signing secrets). Problems name the entry by position
 * and the tenant at most: an entry's text may be a key, and configuration errors end up in logs.
 */
export function parseTenantSecrets(spec: string, what: string): Map<string, string> {
  const byTenant = new Map<string, string>();
  spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .forEach((entry, index) => {
      const separator = entry.indexOf(':');
      const tenant = entry.slice(0, separator);
      const secret = entry.slice(separator + 1);
      if (separator <= 0 || !/^[\w.-]{1,64}$/.test(tenant)) throw new Error(`entry ${index + 1} must be tenant:${what} with a tenant of letters, digits, . _ -`);
      if (secret.length < 12) throw new Error(`the ${what} for tenant ${tenant} must have at least 12 characters`);
      byTenant.set(tenant, secret);
    });
  return byTenant;
}

/** Shortest key or signing secret accepted in production: 32 characters, e.g. 16 random bytes in hex. */
export const PRODUCTION_SECRET_MIN_LENGTH = 32;

/** Values the demo, docker-compose and README use: public, so never valid in production. */
const PUBLIC_DEMO_SECRETS = new Set(['demo-key-change-me']);
const LOOKS_LIKE_A_PLACEHOLDER = /change[-_ ]?me|demo|example|placeholder/i;

/** Why these keys or secrets must not guard a production deployment; empty when they may. Names tenants, never values. */
export function productionSecretProblems(byTenant: ReadonlyMap<string, string>, what: string): string[] {
  return [...byTenant].flatMap(([tenant, secret]) => {
    if (PUBLIC_DEMO_SECRETS.has(secret) || LOOKS_LIKE_A_PLACEHOLDER.test(secret)) return [`the ${what} for tenant ${tenant} is a demo or placeholder value: generate a random one (openssl rand -hex 32)`];
    if (secret.length < PRODUCTION_SECRET_MIN_LENGTH) return [`the ${what} for tenant ${tenant} must have at least ${PRODUCTION_SECRET_MIN_LENGTH} characters in production`];
    return [];
  });
}

/** Keys are kept only as SHA-256 digests. */
export function apiKeyIndex(keys: Map<string, string>): Map<string, Buffer> {
  return new Map([...keys].map(([tenant, key]) => [tenant, digest(key)]));
}

/** The tenant a key belongs to; compares in constant time so timing leaks nothing about keys. */
export function tenantForKey(keys: Map<string, Buffer>, presented: string | undefined): string | undefined {
  if (!presented) return undefined;
  const presentedDigest = digest(presented);
  let match: string | undefined;
  for (const [tenant, keyDigest] of keys) {
    if (timingSafeEqual(keyDigest, presentedDigest)) match = tenant;
  }
  return match;
}

const digest = (value: string) => createHash('sha256').update(value).digest();
