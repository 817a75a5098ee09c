import type { Connection } from 'mongoose';
import { ConflictError } from '@regua/errors';
import { isDuplicateKeyError } from '@regua/mongo';
import type { RuleSet } from '../domain/rules.ts';

export interface RuleSetVersion {
  version: number;
  rules: RuleSet;
  updatedAt: Date;
}

/** `scoring_rules`: one document per tenant (`_id` = tenant), its rule set and the versions before it. */
export interface RulesDoc extends RuleSetVersion {
  _id: string;
  previous: RuleSetVersion[];
}

/** How many earlier versions a tenant's document keeps (so it stays one small document). */
export const KEPT_RULE_VERSIONS = 20;

export function createRulesStore(db: Connection) {
  const rules = db.collection<RulesDoc>('scoring_rules');
  return {
    async get(tenant: string): Promise<RulesDoc | null> {
      return rules.findOne({ _id: tenant });
    },
    /**
     * Replaces a tenant's rules with a new version, keeping the previous ones. Optimistic: a concurrent replace of
     * the same version loses with a ConflictError (409), never silently overwrites.
     */
    async replace(tenant: string, ruleSet: RuleSet, at: Date): Promise<RulesDoc> {
      const current = await rules.findOne({ _id: tenant });
      if (!current) {
        const doc: RulesDoc = { _id: tenant, version: 1, rules: ruleSet, updatedAt: at, previous: [] };
        try {
          await rules.insertOne(doc);
        } catch (error) {
          if (isDuplicateKeyError(error)) throw new ConflictError('the rules changed meanwhile: read them again');
          throw error;
        }
        return doc;
      }
      const previous = [{ version: current.version, rules: current.rules, updatedAt: current.updatedAt }, ...current.previous].slice(0, KEPT_RULE_VERSIONS);
      const next: RulesDoc = { _id: tenant, version: current.version + 1, rules: ruleSet, updatedAt: at, previous };
      const { matchedCount } = await rules.replaceOne({ _id: tenant, version: current.version }, next);
      if (matchedCount !== 1) throw new ConflictError('the rules changed meanwhile: read them again');
      return next;
    },
  };
}

export type RulesStore = ReturnType<typeof createRulesStore>;
