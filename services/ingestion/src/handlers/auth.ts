import type { Request, RequestHandler } from 'express';
import { UnauthorizedError } from '@regua/errors';
import { readRawJsonBody, type RequestWithRawBody } from '@regua/http';
import type { Clock } from '@regua/service-kit';
import { tenantForKey } from '@regua/auth';
import { verifySignature } from '../domain/signature.ts';

export interface AuthOptions {
  apiKeys: Map<string, Buffer>;
  hmacSecrets: Map<string, string>;
  toleranceSeconds: number;
  clock: Clock;
  /** Largest body read to check a signature. */
  maxSignedBodyBytes: number;
}

/**
 * Who is calling: an API key (`x-api-key`), or an HMAC signature over the raw body
 * (`x-regua-tenant`, `x-regua-timestamp`, `x-regua-signature`). The tenant comes from here, never from
 * the body, so one creditor's credentials can only touch its own invoices.
 *
 * Headers are checked before any body is read. A signed request's body is read as bytes (not parsed) for its
 * signature, and only for a tenant that has a signing secret; an API-key request's body is not read here at all.
 */
export function createAuthenticator(options: AuthOptions) {
  const readSigned = readRawJsonBody(options.maxSignedBodyBytes);

  const fromHeaders = (req: Request): { tenant: string } | { signedBy: string; secret: string } => {
    const apiKey = req.header('x-api-key');
    if (apiKey !== undefined) {
      const tenant = tenantForKey(options.apiKeys, apiKey);
      if (!tenant) throw new UnauthorizedError('invalid x-api-key');
      return { tenant };
    }
    const signedTenant = req.header('x-regua-tenant');
    if (signedTenant !== undefined) {
      const secret = options.hmacSecrets.get(signedTenant);
      if (!secret) throw new UnauthorizedError('unknown x-regua-tenant or no signing secret for it');
      if (!req.is('application/json')) throw new UnauthorizedError('signed requests must carry a JSON body');
      return { signedBy: signedTenant, secret };
    }
    throw new UnauthorizedError('send x-api-key, or a signature (x-regua-tenant, x-regua-timestamp, x-regua-signature)');
  };

  const checkSignature = (req: Request, tenant: string, secret: string): string => {
    const rawBody = (req as unknown as RequestWithRawBody).rawBody;
    if (!rawBody) throw new UnauthorizedError('signed requests must carry a JSON body');
    const check = verifySignature({ secret, rawBody, timestampHeader: req.header('x-regua-timestamp'), signatureHeader: req.header('x-regua-signature'), nowSeconds: Math.floor(options.clock.now().getTime() / 1000), toleranceSeconds: options.toleranceSeconds });
    if (!check.ok) throw new UnauthorizedError(`invalid signature: ${check.reason}`);
    return tenant;
  };

  const middleware: RequestHandler = (req, res, next) => {
    const caller = fromHeaders(req);
    if ('tenant' in caller) {
      res.locals.tenant = caller.tenant;
      res.locals.credential = 'api-key';
      return next();
    }
    readSigned(req, res, (error?: unknown) => {
      if (error) return next(error);
      try {
        res.locals.tenant = checkSignature(req, caller.signedBy, caller.secret);
        res.locals.credential = 'signature';
        next();
      } catch (refused) {
        next(refused);
      }
    });
  };
  return { middleware };
}

export const tenantOf = (res: { locals: Record<string, unknown> }): string => res.locals.tenant as string;

/** Which credentials authenticated the request (for the audit log). */
export const credentialOf = (res: { locals: Record<string, unknown> }): 'api-key' | 'signature' => res.locals.credential as 'api-key' | 'signature';
