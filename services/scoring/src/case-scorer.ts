import { buildEnvelope, causedBy, CaseScoredV1, debtorKey, type EnvelopeHeader, type EventOf } from '@regua/contracts';
import type { OutgoingMessage } from '@regua/kafka-bus';
import { derivedEventId } from '@regua/service-kit';
import type { DebtorHistory, InvoiceFacts } from './domain/features.ts';
import type { ScoringModel } from './domain/model-port.ts';
import { DEFAULT_RULE_SET, type RuleSet } from './domain/rules.ts';
import { scoreCase, type ScoredCase } from './domain/score-case.ts';
import type { ModelRegistry } from './model-registry.ts';
import type { RulesStore } from './store/rules.ts';

export interface TenantRules {
  version: number;
  rules: RuleSet;
}

/** What one run scores with: the active model, and each tenant's rules (the default set, version 0, if it has none). */
export interface ScoringContext {
  model: ScoringModel;
  rulesOf(tenant: string): TenantRules;
  score(tenant: string, facts: InvoiceFacts, history: DebtorHistory, today: Date): ScoredCase & { rulesVersion: number };
}

export function createCaseScorer(deps: { registry: ModelRegistry; rules: RulesStore }) {
  return {
    /** Reads, by `_id`, the active model pointer and the rules of each tenant of the run. */
    async context(tenants: Iterable<string>): Promise<ScoringContext> {
      const model = await deps.registry.active();
      const rules = new Map<string, TenantRules>();
      await Promise.all(
        [...new Set(tenants)].map(async (tenant) => {
          const doc = await deps.rules.get(tenant);
          rules.set(tenant, doc ? { version: doc.version, rules: doc.rules } : { version: 0, rules: DEFAULT_RULE_SET });
        }),
      );
      const rulesOf = (tenant: string) => rules.get(tenant) ?? { version: 0, rules: DEFAULT_RULE_SET };
      return {
        model,
        rulesOf,
        score: (tenant, facts, history, today) => {
          const tenantRules = rulesOf(tenant);
          return { ...scoreCase({ facts, history, today, model, rules: tenantRules.rules }), rulesVersion: tenantRules.version };
        },
      };
    },
  };
}

export type CaseScorer = ReturnType<typeof createCaseScorer>;

/** The fact that caused a score: a new invoice, or a new fact about its debtor. */
export type ScoreTrigger = EventOf<typeof CaseScoredV1>['data']['trigger'];

/** The `case.scored` event of one scored invoice, its id derived from the cause's and the invoice's. */
export function caseScoredMessage(cause: EnvelopeHeader, scored: ScoredCase & { rulesVersion: number }, ids: { invoiceId: string; debtorId: string }, trigger: ScoreTrigger, now: Date, source: string): OutgoingMessage {
  return {
    topic: CaseScoredV1.topic,
    key: debtorKey(cause.tenant, ids.debtorId),
    envelope: buildEnvelope(CaseScoredV1, causedBy(cause, { id: derivedEventId(cause.id, `${CaseScoredV1.type}:${ids.invoiceId}`), occurredAt: now, source }), {
      caseId: ids.invoiceId,
      invoiceId: ids.invoiceId,
      debtorId: ids.debtorId,
      score: scored.score,
      probability: scored.probability,
      band: scored.band,
      segment: scored.segment,
      strategy: scored.strategy,
      rule: scored.rule,
      rulesVersion: scored.rulesVersion,
      reasons: scored.reasons,
      modelVersion: scored.modelVersion,
      trigger,
    }),
  };
}

/** The reasons' effects by feature, kept in a score document as its factors. */
export const factorsOf = (scored: ScoredCase): Record<string, number> => Object.fromEntries(scored.reasons.map((r) => [r.feature, r.effect]));

/** What a score document keeps of a scoring, first score or re-score alike. */
export const scoreFieldsOf = (scored: ScoredCase & { rulesVersion: number }) => ({
  score: scored.score,
  segment: scored.segment,
  factors: factorsOf(scored),
  modelVersion: scored.modelVersion,
  probability: scored.probability,
  band: scored.band,
  strategy: scored.strategy,
  rule: scored.rule,
  rulesVersion: scored.rulesVersion,
  reasons: scored.reasons,
});
