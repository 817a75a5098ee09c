import { z } from 'zod';
import { defineEvent } from '../envelope.ts';

export const ChannelSchema = z.enum(['email', 'sms', 'whatsapp', 'voice']);

/** Which arm of a strategy's experiment a case is on: `champion`, a challenger's name, or `holdout` (no automated contact). */
const ArmSchema = z.string().min(1);

/** What every contact event says about the contact it concerns. */
const ContactFields = {
  contactId: z.string().min(1).describe('`caseId:step:channel`; the idempotency key sent to the provider'),
  caseId: z.string().min(1).describe("The debtor's case with one creditor (one conversation for all of its open invoices)"),
  debtorId: z.string().min(1),
  channel: ChannelSchema,
};

/**
 * Notification sent one step of a case's cadence on one channel: one message that covers every open invoice of
 * the case (`invoiceIds`). A step on several channels is one event per channel.
 */
export const NotificationSentV1 = defineEvent({
  type: 'NotificationSent',
  version: 1,
  topic: 'collections.notification.sent.v1',
  data: z
    .object({
      ...ContactFields,
      invoiceIds: z.array(z.string().min(1)).min(1),
      step: z.number().int().nonnegative().describe("The step's index in its cadence version"),
      stepId: z.string().min(1),
      template: z.string().min(1),
      strategy: z.string().min(1),
      cadenceId: z.string().min(1),
      cadenceVersion: z.number().int().nonnegative(),
      arm: ArmSchema,
      fallbackFor: ChannelSchema.optional().describe('The channel this one replaced (no address, opted out or provider down)'),
      amountCents: z.number().int().nonnegative().describe('The open amount the message quoted'),
    })
    .strict(),
});

/** A provider's receipt, verified: the message reached the debtor's device or inbox. */
export const NotificationDeliveredV1 = defineEvent({
  type: 'NotificationDelivered',
  version: 1,
  topic: 'collections.notification.delivered.v1',
  data: z.object({ ...ContactFields, providerMessageId: z.string().optional(), at: z.iso.datetime() }).strict(),
});

/** A provider's receipt, verified: the debtor opened or read the message (e-mail open, WhatsApp read, call answered). */
export const NotificationReadV1 = defineEvent({
  type: 'NotificationRead',
  version: 1,
  topic: 'collections.notification.read.v1',
  data: z.object({ ...ContactFields, providerMessageId: z.string().optional(), at: z.iso.datetime() }).strict(),
});

/** The provider could not deliver the message (after taking it), or no provider would take it. */
export const NotificationFailedV1 = defineEvent({
  type: 'NotificationFailed',
  version: 1,
  topic: 'collections.notification.failed.v1',
  data: z.object({ ...ContactFields, reason: z.string().min(1), at: z.iso.datetime() }).strict(),
});

/** A case was put in the human work queue: its cadence ran out, no channel reaches the debtor, or a rule said so. */
export const CaseEscalatedV1 = defineEvent({
  type: 'CaseEscalated',
  version: 1,
  topic: 'collections.case.escalated.v1',
  data: z
    .object({
      caseId: z.string().min(1),
      debtorId: z.string().min(1),
      invoiceIds: z.array(z.string().min(1)),
      reason: z.enum(['cadence-exhausted', 'unreachable', 'opted-out-everywhere', 'rule']),
      detail: z.string().min(1),
      openAmountCents: z.number().int().nonnegative(),
    })
    .strict(),
});

/**
 * Invoices joined a case (opening it or not), and the case's next contact as planned now: where an invoice's
 * collection is first planned. `nextContact` is null when nothing is planned (holdout, cadence finished, case closed).
 */
export const CasePlannedV1 = defineEvent({
  type: 'CasePlanned',
  version: 1,
  topic: 'collections.case.planned.v1',
  data: z
    .object({
      caseId: z.string().min(1),
      debtorId: z.string().min(1),
      joinedInvoiceIds: z.array(z.string().min(1)).min(1),
      openInvoiceIds: z.array(z.string().min(1)),
      strategy: z.string().min(1),
      segment: z.string().min(1).optional().describe("the anchor invoice's segment (negotiation offers follow it)"),
      arm: ArmSchema,
      cadenceId: z.string().min(1).nullable(),
      cadenceVersion: z.number().int().nonnegative(),
      nextContact: z.object({ step: z.number().int().nonnegative(), stepId: z.string(), dueAt: z.iso.datetime(), channels: z.array(ChannelSchema).min(1) }).strict().nullable(),
    })
    .strict(),
});

/**
 * A case's later plan: some of its open invoices joined it before this one, so the case most likely exists already
 * (a consumer writing it need not offer it to an insert of new cases). A first plan lists only invoices that just joined.
 */
export function isLaterPlan(data: Pick<z.infer<typeof CasePlannedV1.data>, 'joinedInvoiceIds' | 'openInvoiceIds'>): boolean {
  return data.openInvoiceIds.some((id) => !data.joinedInvoiceIds.includes(id));
}
