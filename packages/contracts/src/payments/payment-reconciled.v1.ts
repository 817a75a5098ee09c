import { z } from 'zod';
import { defineEvent } from '../envelope.ts';

/** A payment was matched to an invoice; `settled` says whether the invoice is now fully paid. */
export const PaymentReconciledV1 = defineEvent({
  type: 'PaymentReconciled',
  version: 1,
  topic: 'collections.payment.reconciled.v1',
  data: z
    .object({
      paymentId: z.string().min(1),
      invoiceId: z.string().min(1),
      debtorId: z.string().min(1),
      amountCents: z.number().int().positive(),
      paidTotalCents: z.number().int().nonnegative(),
      outstandingCents: z.number().int().nonnegative(),
      settled: z.boolean(),
      paidAt: z.iso.datetime({ offset: true }),
    })
    .strict(),
});
