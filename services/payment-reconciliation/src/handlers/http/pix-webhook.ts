import type { Express, RequestHandler } from 'express';
import { toFieldIssues, UnauthorizedError, ValidationError } from '@regua/errors';
import { readRawJsonBody, refuseLargerThan, type RequestWithRawBody } from '@regua/http';
import type { Clock } from '@regua/service-kit';
import type { DocumentMatching } from '../../document-matching.ts';
import { PIX_SIGNATURE_HEADER, PixWebhookSchema, verifyPixSignature } from '../../domain/pix-webhook.ts';
import { receivePixReceipt } from '../../pix/receive-receipt.ts';
import type { ReceiveResult } from '../../reconciliation.ts';

/** A thousand receipts of a few hundred bytes each, with room for the fields PSPs add. */
export const PIX_WEBHOOK_MAX_BYTES = 1024 * 1024;

export interface PixWebhookDeps {
  /** Matches like every door; a receipt without a txid on its payer's document when the PSP sent it. */
  matching: Pick<DocumentMatching, 'receive'>;
  /** Per tenant: the secret its webhook calls are signed with. */
  secrets: ReadonlyMap<string, string>;
  clock: Clock;
  source: string;
}

/**
 * The Pix webhook, `POST /v1/webhooks/pix/:tenant/pix` (the tenant's registered URL is `/v1/webhooks/pix/:tenant`;
 * the PSP appends `/pix`). PSPs authenticate with mutual TLS, which ends at the ingress; past it, a call must carry
 * `X-Regua-Signature: sha256=<HMAC-SHA256 of the raw body under the tenant's secret>`, checked on the exact bytes
 * before anything is parsed. An unknown tenant answers the same 401 as a bad signature, so tenants cannot be probed.
 * A replayed call changes nothing: each receipt is a payment keyed by its endToEndId, which counts once.
 *
 * Each receipt goes through the same matching as a payment from Kafka, before the answer: 200 means every receipt
 * of the call is recorded (matched, parked, or in the operators' queue). A failure answers 5xx and the PSP retries
 * the whole call, which repeats nothing.
 */
export function pixWebhookRoutes(deps: PixWebhookDeps) {
  const refused = () => new UnauthorizedError(`Pix webhook call refused: send a JSON body signed in ${PIX_SIGNATURE_HEADER} (sha256=<hex>)`);
  // No body is read for a tenant without a secret, nor for a call without a signature.
  const knownTenant: RequestHandler = (req, _res, next) => next(deps.secrets.has(req.params.tenant as string) && req.header(PIX_SIGNATURE_HEADER) ? undefined : refused());
  return (app: Express) => {
    app.post('/v1/webhooks/pix/:tenant/pix', refuseLargerThan(PIX_WEBHOOK_MAX_BYTES, 'Pix webhook call'), knownTenant, readRawJsonBody(PIX_WEBHOOK_MAX_BYTES), async (req, res) => {
      const tenant = req.params.tenant as string;
      const secret = deps.secrets.get(tenant);
      const raw = (req as RequestWithRawBody).rawBody;
      if (!secret || !raw || !verifyPixSignature(raw, req.header(PIX_SIGNATURE_HEADER), secret)) throw refused();
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (error) {
        throw new ValidationError(`request body is not valid JSON: ${(error as Error).message}`, [{ path: '', message: 'not JSON' }]);
      }
      const parsed = PixWebhookSchema.safeParse(body);
      if (!parsed.success) throw new ValidationError('invalid Pix webhook call', toFieldIssues(parsed.error.issues));

      const occurredAt = deps.clock.now();
      const results: Array<{ endToEndId: string } & ReceiveResult> = [];
      // One at a time, in the PSP's order: receipts of one call are few, and often for the same charge.
      for (const receipt of parsed.data.pix) {
        results.push({ endToEndId: receipt.endToEndId, ...(await receivePixReceipt(deps.matching, tenant, receipt, { source: deps.source, occurredAt })) });
      }
      res.status(200).json({ received: results.length, results });
    });
  };
}
