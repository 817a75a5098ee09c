import { z } from 'zod';
import { defineEvent } from '../envelope.ts';
import { InvoiceStatusSchema, ProductTypeSchema } from '../invoices/invoice.ts';

/** Enrichment cleaned the debtor's contacts for one invoice. */
export const DebtorEnrichedV1 = defineEvent({
  type: 'DebtorEnriched',
  version: 1,
  topic: 'collections.debtor.enriched.v1',
  data: z
    .object({
      invoiceId: z.string().min(1),
      debtorId: z.string().min(1),
      debtorName: z.string().min(1),
      amountCents: z.number().int().positive(),
      dueDate: z.iso.date(),
      status: InvoiceStatusSchema,
      productType: ProductTypeSchema,
      creditorName: z.string().min(1),
      contacts: z
        .object({
          emails: z.array(z.string()),
          mobilePhones: z.array(z.string().describe('E.164, e.g. +5511987654321')),
          landlines: z.array(z.string()),
        })
        .strict(),
      uf: z.string().length(2).optional(),
      timeZone: z.string().describe('IANA zone of the debtor, derived from the UF'),
    })
    .strict(),
});
