import type { Express } from 'express';
import { requireApiKey, tenantOf } from '@regua/auth';
import { NotFoundError, toFieldIssues, ValidationError } from '@regua/errors';
import { jsonBody, refuseLargerThan } from '@regua/http';
import type { Clock } from '@regua/service-kit';
import { DEFAULT_RULE_SET, RuleSetSchema } from '../../domain/rules.ts';
import type { RulesDoc, RulesStore } from '../../store/rules.ts';

const MAX_BODY_BYTES = 256 * 1024;

const view = (tenant: string, doc: RulesDoc | null) =>
  doc
    ? { tenant, version: doc.version, isDefault: false, updatedAt: doc.updatedAt, rules: doc.rules, previousVersions: doc.previous.map(({ version, updatedAt }) => ({ version, updatedAt })) }
    : { tenant, version: 0, isDefault: true, updatedAt: null, rules: DEFAULT_RULE_SET, previousVersions: [] };

/**
 * A tenant's segmentation rules: read, replace (a new version; earlier ones kept and readable), each with the
 * tenant's own key and only its own rules.
 */
export function scoringRulesRoutes(deps: { store: RulesStore; keys: Map<string, Buffer>; clock: Clock }) {
  const authenticate = requireApiKey(deps.keys);
  return (app: Express) => {
    app.get('/v1/scoring-rules', authenticate, async (_req, res) => {
      const tenant = tenantOf(res);
      res.json(view(tenant, await deps.store.get(tenant)));
    });
    app.get('/v1/scoring-rules/versions/:version', authenticate, async (req, res) => {
      const tenant = tenantOf(res);
      const version = Number(req.params.version);
      const doc = await deps.store.get(tenant);
      const found = doc && (doc.version === version ? doc : doc.previous.find((p) => p.version === version));
      if (!found) throw new NotFoundError(`no version ${req.params.version} of this creditor's rules`);
      res.json({ tenant, version: found.version, updatedAt: found.updatedAt, rules: found.rules });
    });
    app.put('/v1/scoring-rules', refuseLargerThan(MAX_BODY_BYTES), authenticate, jsonBody(MAX_BODY_BYTES), async (req, res) => {
      const parsed = RuleSetSchema.safeParse(req.body);
      if (!parsed.success) throw new ValidationError('invalid scoring rules', toFieldIssues(parsed.error.issues));
      const tenant = tenantOf(res);
      res.json(view(tenant, await deps.store.replace(tenant, parsed.data, deps.clock.now())));
    });
  };
}
