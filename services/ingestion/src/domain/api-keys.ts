import { createHash, timingSafeEqual } from 'node:crypto';

/** Parses "tenant:key,tenant:key". Keys are kept only as SHA-256 digests. */
export function parseApiKeys(spec: string): Map<string, Buffer> {
  const byTenant = new Map<string, Buffer>();
  for (const entry of spec.split(',').map((e) => e.trim()).filter(Boolean)) {
    const separator = entry.indexOf(':');
    const tenant = entry.slice(0, separator);
    const key = entry.slice(separator + 1);
    if (separator <= 0 || key.length < 8) throw new Error(`API key entry for "${tenant || entry}" must be tenant:key with a key of 8+ characters`);
    byTenant.set(tenant, digest(key));
  }
  return byTenant;
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
