import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Parses "tenant:secret,tenant:secret" (API keys or signing secrets). Errors name the tenant or the entry's
 * position, never a secret: they end up in start-up logs.
 */
export function parseTenantSecrets(spec: string, what: string): Map<string, string> {
  const byTenant = new Map<string, string>();
  const entries = spec.split(',').map((e) => e.trim()).filter(Boolean);
  entries.forEach((entry, index) => {
    const separator = entry.indexOf(':');
    const tenant = entry.slice(0, separator);
    const secret = entry.slice(separator + 1);
    if (separator <= 0 || !/^[\w.-]{1,64}$/.test(tenant)) throw new Error(`entry ${index + 1} must be tenant:${what} with a tenant of letters, digits, . _ -`);
    if (secret.length < 12) throw new Error(`the ${what} for tenant ${tenant} must have at least 12 characters`);
    byTenant.set(tenant, secret);
  });
  return byTenant;
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
