import { z } from 'zod';
import { defineEvent } from '../envelope.ts';
import { SegmentSchema } from './debtor-scored.v1.ts';

/** Why a score is what it is, in words an operator understands; `effect` is signed (positive: likelier to pay). */
export const ScoreReasonSchema = z
  .object({
    feature: z.string().min(1),
    text: z.string().min(1),
    effect: z.number(),
  })
  .strict();

/**
 * Scoring scored (or re-scored) one collection case, an invoice, with the tenant's segment and strategy. Carries ids
 * and figures only, never the debtor's name or contacts (`DebtorScored` v1 still carries the profile notification
 * needs to open a case). A re-score after a new fact (a payment, a broken agreement) is a new event with a new id.
 */
export const CaseScoredV1 = defineEvent({
  type: 'CaseScored',
  version: 1,
  topic: 'collections.case.scored.v1',
  data: z
    .object({
      caseId: z.string().min(1).describe("The collection case's id, the invoice id"),
      invoiceId: z.string().min(1),
      debtorId: z.string().min(1),
      score: z.number().int().min(0).max(1000).describe('Higher means more likely to pay'),
      probability: z.number().min(0).max(1).describe('Estimated probability of payment'),
      band: z.string().min(1).describe("Score band of the tenant's rule set"),
      segment: SegmentSchema,
      strategy: z.string().min(1).describe('Strategy id the matching rule assigns'),
      rule: z.string().min(1).nullable().describe('Name of the rule that matched; null when the fallback applied'),
      rulesVersion: z.number().int().nonnegative().describe("Version of the tenant's rule set; 0 is the default set"),
      reasons: z.array(ScoreReasonSchema).max(10),
      modelVersion: z.string().min(1),
      trigger: z.enum(['debtor-enriched', 'payment-reconciled', 'agreement-broken']).describe('The fact that caused this score'),
    })
    .strict(),
});
