import { z } from 'zod';
import { defineEvent } from '../envelope.ts';

/** One installment of an agreement, with the instruments the debtor pays it with. */
export const AgreementInstallmentSchema = z
  .object({
    number: z.number().int().positive(),
    dueDate: z.iso.date(),
    amountCents: z.number().int().positive(),
    pixCopyPaste: z.string().min(1).optional().describe('the installment\'s Pix "copia e cola" (BR Code)'),
    boletoDigitableLine: z.string().regex(/^\d{47}$/).optional(),
  })
  .strict();

/**
 * A debtor accepted an offer: the case's invoices are renegotiated into an agreement. Collection of those invoices
 * stops; the cadence switches to reminders of each installment.
 */
export const AgreementCreatedV1 = defineEvent({
  type: 'AgreementCreated',
  version: 1,
  topic: 'collections.agreement.created.v1',
  data: z
    .object({
      agreementId: z.string().min(1),
      caseId: z.string().min(1),
      debtorId: z.string().min(1),
      invoiceIds: z.array(z.string().min(1)).min(1),
      offerKind: z.enum(['full', 'installments']),
      totalCents: z.number().int().positive(),
      discountCents: z.number().int().nonnegative(),
      installments: z.array(AgreementInstallmentSchema).min(1).max(120),
      acceptedAt: z.iso.datetime(),
    })
    .strict(),
});

/** An installment went unpaid past the grace period: the agreement is broken, collection of the debt resumes. */
export const AgreementBrokenV1 = defineEvent({
  type: 'AgreementBroken',
  version: 1,
  topic: 'collections.agreement.broken.v1',
  data: z
    .object({
      agreementId: z.string().min(1),
      caseId: z.string().min(1),
      debtorId: z.string().min(1),
      invoiceIds: z.array(z.string().min(1)).min(1),
      missedInstallment: z.number().int().positive(),
      outstandingCents: z.number().int().nonnegative(),
      reason: z.string().min(1),
    })
    .strict(),
});

/** Every installment of an agreement is paid: its invoices are settled. */
export const AgreementSettledV1 = defineEvent({
  type: 'AgreementSettled',
  version: 1,
  topic: 'collections.agreement.settled.v1',
  data: z.object({ agreementId: z.string().min(1), caseId: z.string().min(1), debtorId: z.string().min(1), invoiceIds: z.array(z.string().min(1)).min(1), paidCents: z.number().int().nonnegative() }).strict(),
});

/** An installment of an agreement was paid (its reminders stop). */
export const AgreementInstallmentPaidV1 = defineEvent({
  type: 'AgreementInstallmentPaid',
  version: 1,
  topic: 'collections.agreement.installment-paid.v1',
  data: z.object({ agreementId: z.string().min(1), caseId: z.string().min(1), debtorId: z.string().min(1), number: z.number().int().positive(), paidCents: z.number().int().nonnegative() }).strict(),
});
