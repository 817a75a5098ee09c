import type { Express } from 'express';
import { NotFoundError } from '@regua/errors';
import type { CaseStore } from '../store/cases.ts';

/** Read-only case view for operators (authentication arrives with the operator console). */
export function caseRoutes(store: CaseStore) {
  return (app: Express) => {
    app.get('/v1/cases/:caseId', async (req, res) => {
      const found = await store.find(req.params.caseId as string);
      if (!found) throw new NotFoundError(`no case ${req.params.caseId}`);
      const deliveries = await store.deliveriesFor(found._id);
      res.json({ case: { ...found, dispatch: undefined }, deliveries: deliveries.map(({ address: _address, ...rest }) => rest) });
    });
  };
}
