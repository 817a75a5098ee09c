import type { RequestHandler } from 'express';
import { UnauthorizedError } from '@regua/errors';
import { tenantForKey } from './api-keys.ts';

/**
 * Who is calling, from `x-api-key`: the tenant it belongs to is put in `res.locals.tenant`. Routes scope every
 * read and write to it, and answer 404 for another tenant's resources (so ids cannot be probed).
 */
export function requireApiKey(keys: Map<string, Buffer>): RequestHandler {
  return (req, res, next) => {
    const presented = req.header('x-api-key');
    if (presented === undefined) return next(new UnauthorizedError('send x-api-key'));
    const tenant = tenantForKey(keys, presented);
    if (!tenant) return next(new UnauthorizedError('invalid x-api-key'));
    res.locals.tenant = tenant;
    next();
  };
}

export const tenantOf = (res: { locals: Record<string, unknown> }): string => res.locals.tenant as string;
