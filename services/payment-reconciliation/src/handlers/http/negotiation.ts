import type { Express, RequestHandler, Response } from 'express';
import { requireApiKey, tenantOf, type LinkClaims } from '@regua/auth';
import { toFieldIssues, ValidationError } from '@regua/errors';
import { jsonBody, refuseLargerThan } from '@regua/http';
import type { Clock } from '@regua/service-kit';
import { z } from 'zod';
import type { Negotiation } from '../../negotiation.ts';
import { checkLink } from './self-service-link.ts';

const MAX_BODY_BYTES = 16 * 1024;

export const AcceptOfferSchema = z.object({ offerId: z.string().min(1).max(200) }).strict();
export const DisputeSchema = z.object({ reason: z.enum(['already-paid', 'not-mine', 'wrong-amount', 'fraud', 'other']), details: z.string().max(2000).optional() }).strict();
export const DisputeResolutionSchema = z.object({ outcome: z.enum(['upheld', 'rejected']), note: z.string().max(2000).optional() }).strict();

function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ValidationError('invalid request body', toFieldIssues(parsed.error.issues));
  return parsed.data;
}

export interface NegotiationRoutesDeps {
  negotiation: Negotiation;
  secret: string;
  apiKeys: Map<string, Buffer>;
  clock: Clock;
}

/**
 * The self-service API the debtor's page calls, authenticated by the link's token in the path (401 not ours, 410
 * expired), and the operators' dispute resolution (x-api-key). Answers are never cached: they hold a person's debt.
 */
export function negotiationRoutes(deps: NegotiationRoutesDeps) {
  // The link is checked before any body is read; its claims go to `res.locals.link`.
  const link: RequestHandler = (req, res, next) => {
    res.setHeader('cache-control', 'no-store');
    const checked = checkLink(req.params.token as string, deps.secret, deps.clock.now());
    if (checked.ok) {
      res.locals.link = checked.claims;
      next();
      return;
    }
    res.status(checked.status).json({ error: { code: 'unauthorized', message: checked.message, requestId: res.locals.requestId as string | undefined } });
  };
  const claimsOf = (res: Response) => res.locals.link as LinkClaims;
  const limit = refuseLargerThan(MAX_BODY_BYTES);
  const body = jsonBody(MAX_BODY_BYTES);
  return (app: Express) => {
    app.get('/v1/negotiation/:token', link, async (_req, res) => {
      res.status(200).json(await deps.negotiation.view(claimsOf(res)));
    });
    app.post('/v1/negotiation/:token/agreements', limit, link, body, async (req, res) => {
      const { created, agreement } = await deps.negotiation.accept(claimsOf(res), parse(AcceptOfferSchema, req.body).offerId);
      res.status(201).json({ created, agreement });
    });
    app.post('/v1/negotiation/:token/disputes', limit, link, body, async (req, res) => {
      res.status(201).json(await deps.negotiation.dispute(claimsOf(res), parse(DisputeSchema, req.body)));
    });
    app.post('/v1/disputes/:disputeId/resolution', limit, requireApiKey(deps.apiKeys), body, async (req, res) => {
      res.status(200).json(await deps.negotiation.resolveDispute(tenantOf(res), req.params.disputeId as string, parse(DisputeResolutionSchema, req.body)));
    });
  };
}
