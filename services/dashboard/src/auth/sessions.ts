import { createPrivateKey, createPublicKey } from 'node:crypto';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from 'jose';
import { z } from 'zod';
import { ROLES, ScopeSchema, type Principal } from '../domain/access.ts';

const ALG = 'ES256';
export const AUDIENCE = 'regua-dashboard';

const ClaimsSchema = z.object({ sub: z.string().min(1), name: z.string(), roles: z.array(z.enum(ROLES)).min(1), scopes: z.array(ScopeSchema).min(1) });

export interface SessionIssuer {
  issuer: string;
  ttlSeconds: number;
  issue(principal: Principal, now: Date, audience?: string): Promise<string>;
  /** The principal a token names, or null for a token that is forged, expired, or from another issuer. */
  verify(token: string, now: Date): Promise<Principal | null>;
  jwks(): { keys: JWK[] };
}

/**
 * Signed session tokens (JWT, ES256) with the user's roles and scopes: any OIDC client can check them against
 * `/oauth/jwks`. The key comes from configuration; without one (development) a key is made per start, so sessions
 * end with the process.
 */
export async function createSessionIssuer(options: { issuer: string; privateKeyPem?: string; ttlMinutes: number }): Promise<SessionIssuer> {
  const { privateKey, publicKey } = options.privateKeyPem
    ? { privateKey: createPrivateKey(options.privateKeyPem), publicKey: createPublicKey(options.privateKeyPem) }
    : await generateKeyPair(ALG, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), alg: ALG, use: 'sig', kid: 'dashboard-1' };
  const ttlSeconds = options.ttlMinutes * 60;
  return {
    issuer: options.issuer,
    ttlSeconds,
    async issue(principal, now, audience = AUDIENCE) {
      const iat = Math.floor(now.getTime() / 1000);
      return new SignJWT({ name: principal.name, roles: principal.roles, scopes: principal.scopes })
        .setProtectedHeader({ alg: ALG, kid: jwk.kid, typ: 'JWT' })
        .setSubject(principal.id)
        .setIssuer(options.issuer)
        .setAudience(audience)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .sign(privateKey);
    },
    async verify(token, now) {
      try {
        const { payload } = await jwtVerify(token, publicKey, { issuer: options.issuer, audience: AUDIENCE, algorithms: [ALG], currentDate: now });
        const claims = ClaimsSchema.safeParse(payload);
        return claims.success ? { id: claims.data.sub, name: claims.data.name, roles: claims.data.roles, scopes: claims.data.scopes } : null;
      } catch {
        return null;
      }
    },
    jwks: () => ({ keys: [jwk] }),
  };
}
