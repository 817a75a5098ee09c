import type { Express, Request } from 'express';
import { InvoiceSubmissionV1Schema } from '@regua/contracts';
import { NotFoundError, toFieldIssues, UnauthorizedError, ValidationError } from '@regua/errors';
import { tenantForKey } from '../domain/api-keys.ts';
import type { IngestService } from '../ingest-service.ts';
import type { InvoiceStore } from '../store/invoice-store.ts';

export function invoiceRoutes(deps: { ingest: IngestService; store: InvoiceStore; apiKeys: Map<string, Buffer> }) {
  const authenticate = (req: Request): string => {
    const tenant = tenantForKey(deps.apiKeys, req.header('x-api-key'));
    if (!tenant) throw new UnauthorizedError('missing or invalid x-api-key');
    return tenant;
  };

  return (app: Express) => {
    app.post('/v1/invoices', async (req, res) => {
      const tenant = authenticate(req);
      const parsed = InvoiceSubmissionV1Schema.safeParse(req.body);
      if (!parsed.success) throw new ValidationError('invoice submission is invalid', toFieldIssues(parsed.error.issues));
      const result = await deps.ingest.ingest(tenant, parsed.data, 'http');
      res.status(202).json(result);
    });

    app.get('/v1/invoices/:externalId', async (req, res) => {
      const tenant = authenticate(req);
      const invoice = await deps.store.findInvoice(tenant, req.params.externalId as string);
      if (!invoice) throw new NotFoundError(`no invoice ${req.params.externalId} for this creditor`);
      const history = await deps.store.receiptsFor(invoice._id);
      res.json({
        invoiceId: invoice._id,
        invoice: invoice.invoice,
        lastEventId: invoice.lastEventId,
        lastOccurredAt: invoice.lastOccurredAt,
        history: history.map((r) => ({ eventId: r._id.slice(tenant.length + 1), door: r.door, outcome: r.outcome, occurredAt: r.occurredAt, receivedAt: r.receivedAt })),
      });
    });
  };
}
