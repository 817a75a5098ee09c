import { z } from 'zod';
import { defineEvent } from '../envelope.ts';

/**
 * Every invoice of a case is settled by reconciled payments: collection of the case stops (notification) and the
 * outcome is a paid case (scoring). Published once per case: its id is derived from the case id.
 */
export const CaseSettledV1 = defineEvent({
  type: 'CaseSettled',
  version: 1,
  topic: 'collections.case.settled.v1',
  data: z
    .object({
      caseId: z.string().min(1),
      debtorId: z.string().min(1),
      invoiceIds: z.array(z.string().min(1)).min(1),
      paidCents: z.number().int().nonnegative().describe('every payment matched to the invoices, overpayments included'),
      settledAt: z.iso.datetime({ offset: true }).describe('when the payment that settled the last invoice was made'),
    })
    .strict(),
});
