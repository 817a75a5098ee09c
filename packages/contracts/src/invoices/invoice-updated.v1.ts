import { z } from 'zod';
import { defineEvent } from '../envelope.ts';
import { InvoiceSchema } from './invoice.ts';
import { InvoiceRevisionSchema } from './invoice-registered.v1.ts';

/** A creditor changed an invoice it had sent before (amount, due date, status, contacts…). */
export const InvoiceUpdatedV1 = defineEvent({
  type: 'InvoiceUpdated',
  version: 1,
  topic: 'collections.invoice.updated.v1',
  data: z
    .object({
      invoiceId: z.string().min(1),
      invoice: InvoiceSchema,
      changedFields: z.array(z.string()).min(1),
      revision: InvoiceRevisionSchema,
    })
    .strict(),
});
