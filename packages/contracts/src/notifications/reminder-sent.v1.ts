import { z } from 'zod';
import { defineEvent } from '../envelope.ts';

export const ChannelSchema = z.enum(['email', 'sms', 'whatsapp']);

/** Notification sent one step of the collection cadence to a debtor. */
export const ReminderSentV1 = defineEvent({
  type: 'ReminderSent',
  version: 1,
  topic: 'collections.reminder.sent.v1',
  data: z
    .object({
      caseId: z.string().min(1),
      invoiceId: z.string().min(1),
      debtorId: z.string().min(1),
      step: z.number().int().nonnegative(),
      channel: ChannelSchema,
      template: z.string().min(1),
    })
    .strict(),
});
