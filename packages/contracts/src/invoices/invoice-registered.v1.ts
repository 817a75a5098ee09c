import { z } from 'zod';
import { defineEvent } from '../envelope.ts';
import { InvoiceSchema } from './invoice.ts';

/** Ingestion accepted an invoice it had not seen before. */
export const InvoiceRegisteredV1 = defineEvent({
  type: 'InvoiceRegistered',
  version: 1,
  topic: 'collections.invoice.registered.v1',
  data: z.object({ invoiceId: z.string().min(1), invoice: InvoiceSchema }).strict(),
});
