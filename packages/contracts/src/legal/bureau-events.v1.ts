import { z } from 'zod';
import { defineEvent } from '../envelope.ts';

/**
 * Credit-bureau registration ("negativação") of a case's debt, in the order the law sets: the bureau notifies the
 * debtor in writing (CDC art. 43 §2; STJ Súmula 359 puts the notice on the bureau), the debt is registered only after
 * the waiting period, with the same debts, amounts and due dates as the notice, and it is withdrawn within 5 business
 * days of payment (STJ Súmula 548) or when it reaches five years (CDC art. 43 §1).
 */

/** One debt (an invoice of the case) as the notice and the registration state it. */
export const BureauDebtSchema = z
  .object({
    invoiceId: z.string().min(1),
    amountCents: z.number().int().positive().describe('integer centavos'),
    dueDate: z.iso.date(),
  })
  .strict();

const CaseFields = {
  caseId: z.string().min(1),
  debtorId: z.string().min(1),
  invoiceIds: z.array(z.string().min(1)).min(1),
  bureau: z.string().min(1).describe('which bureau (the adapter\'s configured name)'),
};

const DebtFields = {
  debts: z.array(BureauDebtSchema).min(1),
  amountCents: z.number().int().positive().describe('the debts\' sum, integer centavos'),
  oldestDueDate: z.iso.date(),
};

/** The bureau sent the debtor the written notice and returned its proof; registration waits until `registerNotBefore`. */
export const BureauNoticeSentV1 = defineEvent({
  type: 'BureauNoticeSent',
  version: 1,
  topic: 'collections.bureau.notice-sent.v1',
  data: z
    .object({
      ...CaseFields,
      ...DebtFields,
      noticeProtocol: z.string().min(1).describe("the bureau's protocol of the notice"),
      proof: z
        .object({
          kind: z.enum(['letter', 'email', 'sms']).describe('how the bureau sent it (a letter suffices, STJ Súmula 404)'),
          reference: z.string().min(1).describe("the bureau's proof reference: a postal tracking code or a delivery receipt id"),
          sentAt: z.iso.datetime({ offset: true }),
        })
        .strict(),
      registerNotBefore: z.iso.datetime({ offset: true }).describe('the end of the waiting period (never less than 10 days after the notice)'),
      requestedBy: z.enum(['operator', 'cadence-exhausted']),
    })
    .strict(),
});

/** The debt is registered at the bureau, exactly as the notice stated it. */
export const BureauRegisteredV1 = defineEvent({
  type: 'BureauRegistered',
  version: 1,
  topic: 'collections.bureau.registered.v1',
  data: z
    .object({
      ...CaseFields,
      ...DebtFields,
      noticeProtocol: z.string().min(1),
      registrationProtocol: z.string().min(1),
      registeredAt: z.iso.datetime({ offset: true }),
      expiresOn: z.iso.date().describe('the day the oldest debt reaches five years past due (counted from the day after the due date): withdrawn then at the latest'),
    })
    .strict(),
});

/** The bureau confirmed the withdrawal ("baixa") of a registration. */
export const BureauWithdrawnV1 = defineEvent({
  type: 'BureauWithdrawn',
  version: 1,
  topic: 'collections.bureau.withdrawn.v1',
  data: z
    .object({
      ...CaseFields,
      registrationProtocol: z.string().min(1),
      amountCents: z.number().int().positive(),
      reason: z.enum(['paid', 'agreement', 'dispute', 'court-agreement', 'five-years', 'cancelled']),
      triggeredAt: z.iso.datetime({ offset: true }).describe('when what obliges the withdrawal happened (the payment, the agreement, …)'),
      deadline: z.iso.date().describe('the last day allowed: 5 business days after the trigger (Súmula 548), or the five-year limit'),
      withdrawnAt: z.iso.datetime({ offset: true }),
      withinDeadline: z.boolean(),
      attempts: z.number().int().positive().describe('requests to the bureau it took'),
    })
    .strict(),
});
