import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The debtor's self-service link carries a signed, expiring token instead of a login: who (tenant and case), until
 * when, and an HMAC-SHA256 over both under a secret notification (which writes the links) and payment-reconciliation
 * (which serves the page) share. `<payload>.<signature>`, both base64url; the payload is JSON `{ t, c, e }` (tenant,
 * case id, expiry in seconds since the epoch). It names no person: a leaked link shows one case's debt, until it expires.
 */
export interface LinkClaims {
  tenant: string;
  caseId: string;
  expiresAt: Date;
}

const sign = (payload: string, secret: string) => createHmac('sha256', secret).update(payload).digest('base64url');

export function signLinkToken(claims: LinkClaims, secret: string): string {
  const payload = Buffer.from(JSON.stringify({ t: claims.tenant, c: claims.caseId, e: Math.floor(claims.expiresAt.getTime() / 1000) })).toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

export type LinkVerification = { valid: true; claims: LinkClaims } | { valid: false; reason: 'malformed' | 'bad-signature' | 'expired' };

export function verifyLinkToken(token: string, secret: string, now: Date): LinkVerification {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { valid: false, reason: 'malformed' };
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { valid: false, reason: 'bad-signature' };
  let parsed: { t?: unknown; c?: unknown; e?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof parsed;
  } catch {
    return { valid: false, reason: 'malformed' };
  }
  if (typeof parsed.t !== 'string' || typeof parsed.c !== 'string' || typeof parsed.e !== 'number') return { valid: false, reason: 'malformed' };
  const expiresAt = new Date(parsed.e * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { valid: false, reason: 'expired' };
  return { valid: true, claims: { tenant: parsed.t, caseId: parsed.c, expiresAt } };
}
