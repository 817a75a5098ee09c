import { z } from 'zod';
import { defineEvent } from '../envelope.ts';
import { DebtorEnrichedV1 } from './debtor-enriched.v1.ts';

export const SegmentSchema = z.enum(['low_risk', 'medium_risk', 'high_risk']);

/** Scoring estimated the debtor's propensity to pay for one invoice. */
export const DebtorScoredV1 = defineEvent({
  type: 'DebtorScored',
  version: 1,
  topic: 'collections.debtor.scored.v1',
  data: z
    .object({
      invoiceId: z.string().min(1),
      debtorId: z.string().min(1),
      score: z.number().int().min(0).max(1000).describe('Higher means more likely to pay'),
      segment: SegmentSchema,
      strategy: z.string().min(1).optional().describe("Strategy id the tenant's rules assign (notification's cadence); absent in events from before strategies"),
      modelVersion: z.string().min(1),
      profile: DebtorEnrichedV1.data,
    })
    .strict(),
});
