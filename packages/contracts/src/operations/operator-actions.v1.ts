import { z } from 'zod';
import { defineEvent } from '../envelope.ts';

/** Free text an operator typed: bounded, and without U+0000 (PostgreSQL under FerretDB refuses it). */
const note = z.string().max(1000).regex(/^[^\u0000]*$/, 'must not contain the NUL character (U+0000)');

/** What an operator did, one of a closed set; each kind carries what the services acting on it need. */
export const OperatorActionSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('call-logged'),
      outcome: z.enum(['no-answer', 'wrong-number', 'promised-to-pay', 'refused', 'already-paid', 'callback-requested', 'other']),
      note: note.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('promise-registered'),
      amountCents: z.number().int().positive().describe('integer centavos the debtor promised'),
      promisedFor: z.iso.date().describe('the day the debtor promised to pay by'),
      note: note.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('collection-paused'),
      reason: z.enum(['dispute', 'over-indebtedness', 'legal-hold', 'operator']).describe("notification's pause reasons: nothing is sent while a case is paused"),
      note: note.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('collection-resumed'), note: note.optional() }).strict(),
  z
    .object({
      kind: z.literal('dispute-marked'),
      disputeId: z.string().min(1).describe('the CaseDisputed v1 event published with it (source `dashboard`)'),
      reason: z.enum(['already-paid', 'not-mine', 'wrong-amount', 'fraud', 'other']),
      note: note.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('score-reviewed'),
      decision: z.enum(['confirmed', 'overridden']).describe('LGPD art. 20: a person reviewed the automated decision at the debtor\'s request'),
      note: note.min(3),
    })
    .strict(),
]);

export type OperatorAction = z.infer<typeof OperatorActionSchema>;

/**
 * An operator acted on a case from the dashboard's work queue. Published by the dashboard, keyed by the debtor like
 * every case event; notification pauses or resumes the case's collection on `collection-paused`/`collection-resumed`.
 */
export const CaseOperatorActionV1 = defineEvent({
  type: 'CaseOperatorAction',
  version: 1,
  topic: 'collections.case.operator-action.v1',
  data: z
    .object({
      actionId: z.string().min(1),
      caseId: z.string().min(1),
      debtorId: z.string().min(1),
      invoiceIds: z.array(z.string().min(1)),
      operator: z.object({ id: z.string().min(1), role: z.string().min(1) }).strict().describe('who acted: the dashboard user (never a debtor)'),
      action: OperatorActionSchema,
    })
    .strict(),
});
