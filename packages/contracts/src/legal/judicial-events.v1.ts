import { z } from 'zod';
import { defineEvent } from '../envelope.ts';

/** CNJ unified process number as written (Res. CNJ 65/2008); services check its digits (ISO 7064 mod 97-10). */
export const CnjNumberSchema = z.string().regex(/^\d{7}-\d{2}\.\d{4}\.\d\.\d{2}\.\d{4}$/, 'CNJ number is NNNNNNN-DD.AAAA.J.TR.OOOO');

/**
 * A case moved to a judicial track. `amicableContact` is the creditor's rule: `stop` asks the cadence engine to pause
 * the case's amicable contact while in court, `continue` leaves it running.
 */
export const JudicialCaseOpenedV1 = defineEvent({
  type: 'JudicialCaseOpened',
  version: 1,
  topic: 'collections.judicial.case-opened.v1',
  data: z
    .object({
      caseId: z.string().min(1),
      debtorId: z.string().min(1),
      invoiceIds: z.array(z.string().min(1)),
      processNumber: CnjNumberSchema,
      court: z.string().min(1),
      lawFirm: z.string().min(1),
      claimAmountCents: z.number().int().positive().describe('integer centavos'),
      amicableContact: z.enum(['stop', 'continue']),
      openedAt: z.iso.datetime({ offset: true }),
    })
    .strict(),
});

export const JudicialMovementKindSchema = z.enum(['hearing-scheduled', 'sentence', 'agreement-in-court', 'archived']);

/** A movement of a judicial case, recorded by an operator or imported from the law firm's file. */
export const JudicialMovementRecordedV1 = defineEvent({
  type: 'JudicialMovementRecorded',
  version: 1,
  topic: 'collections.judicial.movement-recorded.v1',
  data: z
    .object({
      caseId: z.string().min(1),
      debtorId: z.string().min(1),
      processNumber: CnjNumberSchema,
      movementId: z.string().min(1),
      kind: JudicialMovementKindSchema,
      date: z.iso.date(),
      hearingAt: z.iso.datetime({ offset: true }).optional(),
      sentence: z.enum(['favourable', 'unfavourable', 'partial']).optional(),
      amountCents: z.number().int().positive().optional().describe('the amount agreed in court or awarded, integer centavos'),
      description: z.string().max(2000).optional(),
    })
    .strict(),
});

/**
 * A judicial settlement closed the case like a payment: collection of its invoices stops, any bureau registration is
 * withdrawn. (`collections.case.settled.v1` says "settled by reconciled payments" and carries money received; a court
 * agreement is a promise the court enforces, so it has its own event.)
 */
export const JudicialCaseClosedV1 = defineEvent({
  type: 'JudicialCaseClosed',
  version: 1,
  topic: 'collections.judicial.case-closed.v1',
  data: z
    .object({
      caseId: z.string().min(1),
      debtorId: z.string().min(1),
      invoiceIds: z.array(z.string().min(1)),
      processNumber: CnjNumberSchema,
      outcome: z.enum(['agreement-in-court']),
      agreedCents: z.number().int().positive().optional(),
      closedOn: z.iso.date(),
    })
    .strict(),
});
