import type { Express, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { invoiceId as toInvoiceId, InvoiceSubmissionV1Schema } from '@regua/contracts';
import { AppError, NotFoundError, toFieldIssues, ValidationError, type FieldIssue } from '@regua/errors';
import { jsonBody, refuseLargerThan, UnprocessableError } from '@regua/http';
import { bindCreditor, type CreditorRegistry } from '../domain/creditors.ts';
import type { IngestResult, IngestService } from '../ingest-service.ts';
import type { InvoiceStore } from '../store/invoice-store.ts';
import { tenantOf } from './auth.ts';

export interface InvoiceRoutesDeps {
  ingest: IngestService;
  store: InvoiceStore;
  authenticate: RequestHandler;
  batchLimit: number;
  ratePerMinute: number;
  jsonMaxBytes: number;
  /** Undefined: any CNPJ (development without a registry). */
  creditors: CreditorRegistry | undefined;
}

export type BatchItemResult = ({ index: number; status: 'accepted' } & IngestResult) | { index: number; status: 'rejected'; errors: FieldIssue[] };

/** Per tenant, per instance; behind a load balancer, give each instance its share of the tenant's budget. */
function tenantRateLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (_req, res) => tenantOf(res),
    handler: (_req, _res, next) => next(new AppError('rate_limited', `more than ${perMinute} requests a minute for this creditor; retry after the RateLimit-Reset header`)),
  });
}

export function invoiceRoutes(deps: InvoiceRoutesDeps) {
  const guard = [deps.authenticate, tenantRateLimit(deps.ratePerMinute)];
  // Size by Content-Length first, then who is calling and their budget; only then is the body parsed.
  const withJsonBody = [refuseLargerThan(deps.jsonMaxBytes), ...guard, jsonBody(deps.jsonMaxBytes)];
  const BatchSchema = z.object({ invoices: z.array(z.unknown()).min(1, 'send at least one invoice').max(deps.batchLimit, `at most ${deps.batchLimit} invoices per batch`) }).strict();

  const register = (app: Express) => {
    app.post('/v1/invoices', ...withJsonBody, async (req, res) => {
      const parsed = InvoiceSubmissionV1Schema.safeParse(req.body);
      if (!parsed.success) throw new ValidationError('invoice submission is invalid', toFieldIssues(parsed.error.issues));
      const tenant = tenantOf(res);
      const bound = bindCreditor(deps.creditors, tenant, parsed.data);
      if (!bound.ok) throw new UnprocessableError('the creditor is not registered for this tenant', [{ path: bound.path, message: bound.message }]);
      res.status(202).json(await deps.ingest.ingest(tenant, bound.submission, 'http'));
    });

    // Each item is validated and answered on its own: one bad invoice does not hold back the others.
    app.post('/v1/invoices\\:batch', ...withJsonBody, async (req, res) => {
      const batch = BatchSchema.safeParse(req.body);
      if (!batch.success) throw new ValidationError('batch is invalid', toFieldIssues(batch.error.issues));
      const tenant = tenantOf(res);
      const results: BatchItemResult[] = [];
      const valid: Array<{ index: number; submission: z.output<typeof InvoiceSubmissionV1Schema> }> = [];
      batch.data.invoices.forEach((item, index) => {
        const parsed = InvoiceSubmissionV1Schema.safeParse(item);
        if (!parsed.success) return results.push({ index, status: 'rejected', errors: toFieldIssues(parsed.error.issues) });
        const bound = bindCreditor(deps.creditors, tenant, parsed.data);
        if (!bound.ok) return results.push({ index, status: 'rejected', errors: [{ path: bound.path, message: bound.message }] });
        valid.push({ index, submission: bound.submission });
      });
      const ingested = await deps.ingest.ingestBatch(tenant, valid.map((v) => v.submission), 'http');
      ingested.forEach((result, i) => results.push({ index: valid[i]!.index, status: 'accepted', ...result }));
      results.sort((a, b) => a.index - b.index);
      res.status(202).json({ accepted: valid.length, rejected: results.length - valid.length, results });
    });

    app.get('/v1/invoices/:externalId', ...guard, async (req, res) => {
      const tenant = tenantOf(res);
      const invoice = await deps.store.findInvoice(toInvoiceId(tenant, req.params.externalId as string));
      if (!invoice) throw new NotFoundError(`no invoice ${req.params.externalId} for this creditor`);
      res.json({
        invoiceId: invoice._id,
        invoice: invoice.invoice,
        lastEventId: invoice.lastEventId,
        lastOccurredAt: invoice.lastOccurredAt,
        history: (invoice.history ?? []).map(({ eventId, door, outcome, occurredAt, receivedAt }) => ({ eventId, door, outcome, occurredAt, receivedAt })),
      });
    });
  };
  return { guard, register };
}
