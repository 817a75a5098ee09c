import type { Express, RequestHandler } from 'express';
import { toFieldIssues, UnauthorizedError, ValidationError } from '@regua/errors';
import { readRawJsonBody, refuseLargerThan, type RequestWithRawBody } from '@regua/http';
import type { Clock } from '@regua/service-kit';
import { GatewayWebhookSchema } from '../../domain/gateway-webhook.ts';
import { PIX_SIGNATURE_HEADER as SIGNATURE_HEADER, verifyPixSignature as verifySignature } from '../../domain/pix-webhook.ts';
import type { GatewayPayments, GatewayResult } from '../../gateway-payments.ts';

/** Five hundred events of a few hundred bytes each, with room for the fields gateways add. */
export const GATEWAY_WEBHOOK_MAX_BYTES = 512 * 1024;

export interface GatewayWebhookDeps {
  gateway: GatewayPayments;
  /** Per tenant: the secret its gateway signs calls with. */
  secrets: ReadonlyMap<string, string>;
  clock: Clock;
}

/**
 * The generic card/gateway webhook, `POST /v1/webhooks/gateway/:tenant`, signed like the Pix webhook:
 * `X-Regua-Signature: sha256=<HMAC-SHA256 of the raw body under the tenant's secret>`, checked on the exact bytes
 * before anything is parsed; an unknown tenant answers the same 401 as a bad signature. Each event is handled before
 * the answer, in order: 200 means every event is recorded; a failure answers 5xx and the gateway's retry repeats nothing.
 */
export function gatewayWebhookRoutes(deps: GatewayWebhookDeps) {
  const refused = () => new UnauthorizedError(`gateway webhook call refused: send a JSON body signed in ${SIGNATURE_HEADER} (sha256=<hex>)`);
  const knownTenant: RequestHandler = (req, _res, next) => next(deps.secrets.has(req.params.tenant as string) && req.header(SIGNATURE_HEADER) ? undefined : refused());
  return (app: Express) => {
    app.post('/v1/webhooks/gateway/:tenant', refuseLargerThan(GATEWAY_WEBHOOK_MAX_BYTES, 'gateway webhook call'), knownTenant, readRawJsonBody(GATEWAY_WEBHOOK_MAX_BYTES), async (req, res) => {
      const tenant = req.params.tenant as string;
      const secret = deps.secrets.get(tenant);
      const raw = (req as RequestWithRawBody).rawBody;
      if (!secret || !raw || !verifySignature(raw, req.header(SIGNATURE_HEADER), secret)) throw refused();
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (error) {
        throw new ValidationError(`request body is not valid JSON: ${(error as Error).message}`, [{ path: '', message: 'not JSON' }]);
      }
      const parsed = GatewayWebhookSchema.safeParse(body);
      if (!parsed.success) throw new ValidationError('invalid gateway webhook call', toFieldIssues(parsed.error.issues));

      const occurredAt = deps.clock.now();
      const results: GatewayResult[] = [];
      for (const event of parsed.data.events) results.push(await deps.gateway.receive(tenant, event, occurredAt));
      res.status(200).json({ received: results.length, results });
    });
  };
}
