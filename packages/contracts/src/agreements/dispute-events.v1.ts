import { z } from 'zod';
import { defineEvent } from '../envelope.ts';

/** The debtor contested a debt from the self-service page: collection of the case pauses until an operator decides. */
export const CaseDisputedV1 = defineEvent({
  type: 'CaseDisputed',
  version: 1,
  topic: 'collections.case.disputed.v1',
  data: z
    .object({
      disputeId: z.string().min(1),
      caseId: z.string().min(1),
      debtorId: z.string().min(1),
      invoiceIds: z.array(z.string().min(1)).min(1),
      reason: z.enum(['already-paid', 'not-mine', 'wrong-amount', 'fraud', 'other']),
      details: z.string().max(2000).optional().describe("the debtor's own words; free text, may hold personal data"),
    })
    .strict(),
});

/** An operator decided a dispute: upheld (the debt is cancelled) or rejected (collection resumes). */
export const CaseDisputeResolvedV1 = defineEvent({
  type: 'CaseDisputeResolved',
  version: 1,
  topic: 'collections.case.dispute-resolved.v1',
  data: z
    .object({
      disputeId: z.string().min(1),
      caseId: z.string().min(1),
      debtorId: z.string().min(1),
      invoiceIds: z.array(z.string().min(1)).min(1),
      outcome: z.enum(['upheld', 'rejected']),
      note: z.string().max(2000).optional(),
    })
    .strict(),
});
