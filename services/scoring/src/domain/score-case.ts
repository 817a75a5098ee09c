import { buildFeatures, type DebtorHistory, type Features, type InvoiceFacts } from './features.ts';
import type { Reason, ScoringModel } from './model-port.ts';
import { evaluateRules, type Decision, type RuleSet } from './rules.ts';

export interface ScoredCase extends Decision {
  features: Features;
  probability: number;
  score: number;
  reasons: Reason[];
  modelVersion: string;
}

/** Scores one invoice: its features, the model's prediction, then the tenant's rules. Pure given the model. */
export function scoreCase(input: { facts: InvoiceFacts; history: DebtorHistory; today: Date; model: ScoringModel; rules: RuleSet }): ScoredCase {
  const features = buildFeatures(input.facts, input.history, input.today);
  const prediction = input.model.predict(features);
  const decision = evaluateRules(input.rules, { score: prediction.score, daysPastDue: features.daysPastDue, amountCents: features.amountCents, productType: features.productType, contactability: features.contactability });
  return { ...decision, features, probability: prediction.probability, score: prediction.score, reasons: prediction.reasons, modelVersion: input.model.version };
}
