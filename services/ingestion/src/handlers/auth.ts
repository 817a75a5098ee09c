import type { Request, RequestHandler } from 'express';
import { UnauthorizedError } from '@regua/errors';
import type { RequestWithRawBody } from '@regua/http';
import type { Clock } from '@regua/service-kit';
import { tenantForKey } from '../domain/api-keys.ts';
import { verifySignature } from '../domain/signature.ts';

export interface AuthOptions {
  apiKeys: Map<string, Buffer>;
  hmacSecrets: Map<string, string>;
  toleranceSeconds: number;
  clock: Clock;
}

/**
 * Who is calling: an API key (`x-api-key`), or an HMAC signature over the raw body
 * (`x-regua-tenant`, `x-regua-timestamp`, `x-regua-signature`). The tenant comes from here, never from
 * the body, so one creditor's credentials can only touch its own invoices.
 */
export function createAuthenticator(options: AuthOptions) {
  const authenticate = (req: Request): string => {
    const apiKey = req.header('x-api-key');
    if (apiKey !== undefined) {
      const tenant = tenantForKey(options.apiKeys, apiKey);
      if (!tenant) throw new UnauthorizedError('invalid x-api-key');
      return tenant;
    }
    const signedTenant = req.header('x-regua-tenant');
    if (signedTenant !== undefined) {
      const secret = options.hmacSecrets.get(signedTenant);
      const rawBody = (req as unknown as RequestWithRawBody).rawBody;
      if (!secret) throw new UnauthorizedError('unknown x-regua-tenant or no signing secret for it');
      if (!rawBody) throw new UnauthorizedError('signed requests must carry a JSON body');
      const check = verifySignature({ secret, rawBody, timestampHeader: req.header('x-regua-timestamp'), signatureHeader: req.header('x-regua-signature'), nowSeconds: Math.floor(options.clock.now().getTime() / 1000), toleranceSeconds: options.toleranceSeconds });
      if (!check.ok) throw new UnauthorizedError(`invalid signature: ${check.reason}`);
      return signedTenant;
    }
    throw new UnauthorizedError('send x-api-key, or a signature (x-regua-tenant, x-regua-timestamp, x-regua-signature)');
  };

  const middleware: RequestHandler = (req, res, next) => {
    res.locals.tenant = authenticate(req);
    next();
  };
  return { authenticate, middleware };
}

export const tenantOf = (res: { locals: Record<string, unknown> }): string => res.locals.tenant as string;
