import type { Express } from 'express';
import { z } from 'zod';
import { requireApiKey } from '@regua/auth';
import { NotFoundError, toFieldIssues, ValidationError } from '@regua/errors';
import { jsonBody, refuseLargerThan } from '@regua/http';
import type { Clock } from '@regua/service-kit';
import type { ScoringModel } from '../../domain/model-port.ts';
import type { ModelStore } from '../../store/models.ts';

const ActivateSchema = z.object({ version: z.string().min(1).max(200) }).strict();

/**
 * The model is shared by every tenant, so it answers to operators' keys (`SCORING_ADMIN_KEYS`), not creditors':
 * which version is active, any version's document, and pointing at another version (a rollback).
 */
export function modelRoutes(deps: { store: ModelStore; keys: Map<string, Buffer>; clock: Clock; fallback: ScoringModel }) {
  const authenticate = requireApiKey(deps.keys);
  return (app: Express) => {
    app.get('/v1/model', authenticate, async (_req, res) => {
      const active = await deps.store.active();
      res.json(active ? { version: active.version, previous: active.previous, changedAt: active.changedAt, model: await deps.store.version(active.version) } : { version: deps.fallback.version, previous: null, changedAt: null, model: null });
    });
    app.get('/v1/model/versions/:version', authenticate, async (req, res) => {
      const doc = await deps.store.version(req.params.version as string);
      if (!doc) throw new NotFoundError(`no model version ${req.params.version}`);
      res.json(doc);
    });
    app.put('/v1/model/active', refuseLargerThan(4096), authenticate, jsonBody(4096), async (req, res) => {
      const parsed = ActivateSchema.safeParse(req.body);
      if (!parsed.success) throw new ValidationError('invalid body', toFieldIssues(parsed.error.issues));
      if (!(await deps.store.version(parsed.data.version))) throw new NotFoundError(`no model version ${parsed.data.version}`);
      const active = await deps.store.activate(parsed.data.version, deps.clock.now(), deps.fallback.version);
      res.json({ version: active.version, previous: active.previous, changedAt: active.changedAt });
    });
  };
}
