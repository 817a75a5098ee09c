import { z } from 'zod';
import { defineEvent } from '../envelope.ts';
import { InvoiceRevisionSchema } from './invoice-registered.v1.ts';

/** The creditor itself says the invoice needs no more collection: paid at its own counter, or cancelled. */
export const InvoiceSettledByCreditorV1 = defineEvent({
  type: 'InvoiceSettledByCreditor',
  version: 1,
  topic: 'collections.invoice.settled-by-creditor.v1',
  data: z
    .object({
      invoiceId: z.string().min(1),
      debtorId: z.string().min(1),
      status: z.enum(['paid', 'cancelled']),
      revision: InvoiceRevisionSchema,
    })
    .strict(),
});
