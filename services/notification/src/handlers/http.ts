import type { Express } from 'express';
import { apiKeyIndex, requireApiKey, tenantOf } from '@regua/auth';
import { NotFoundError } from '@regua/errors';
import { openApiDocument } from '../openapi.ts';
import type { CaseStore } from '../store/cases.ts';

/**
 * Read-only case view for a creditor's systems and operators: a key sees its own tenant's cases only, and
 * another tenant's case answers 404 like a case that does not exist, so case ids cannot be probed.
 */
export function caseRoutes(store: CaseStore, apiKeys: Map<string, string>) {
  const authenticate = requireApiKey(apiKeyIndex(apiKeys));
  const document = openApiDocument();
  return (app: Express) => {
    app.get('/openapi.json', (_req, res) => {
      res.json(document);
    });
    app.get('/v1/cases/:caseId', authenticate, async (req, res) => {
      const caseId = req.params.caseId as string;
      const found = await store.find(caseId);
      if (!found || found.tenant !== tenantOf(res)) throw new NotFoundError(`no case ${caseId} for this creditor`);
      const deliveries = await store.deliveriesFor(found._id);
      res.json({ case: { ...found, dispatch: undefined }, deliveries: deliveries.map(({ address: _address, ...rest }) => rest) });
    });
  };
}
