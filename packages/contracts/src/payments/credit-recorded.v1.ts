import { z } from 'zod';
import { defineEvent } from '../envelope.ts';

/**
 * Money a debtor paid beyond what an invoice owed, kept as the debtor's credit balance: the excess of an overpayment,
 * or the whole of a payment of an invoice already settled (also queued for an operator, who refunds or applies it).
 * Never reopens or re-settles an invoice.
 */
export const CreditRecordedV1 = defineEvent({
  type: 'CreditRecorded',
  version: 1,
  topic: 'collections.payment.credit-recorded.v1',
  data: z
    .object({
      paymentId: z.string().min(1),
      invoiceId: z.string().min(1),
      debtorId: z.string().min(1),
      reason: z.enum(['overpayment', 'late-payment']).describe('overpayment: the excess over what was outstanding; late-payment: the invoice was settled already'),
      creditCents: z.number().int().positive(),
      balanceCents: z.number().int().nonnegative().describe("the debtor's credit balance with this creditor after this credit"),
      paidAt: z.iso.datetime({ offset: true }),
    })
    .strict(),
});
