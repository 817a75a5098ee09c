import { z } from 'zod';
import { defineEvent } from '../envelope.ts';
import { InvoiceSchema } from './invoice.ts';

/**
 * Where an event stands in its invoice's history: 1 = the registration, +1 per change ingestion accepted
 * (updated or settled-by-creditor). Registrations and updates travel on two topics, and a retried publish can
 * overtake a newer one, so a consumer keeping the latest figures applies an event only over an older revision.
 * Optional for events published before revisions existed: absent means unknown (revision 0).
 */
export const InvoiceRevisionSchema = z.number().int().positive().optional();

/** Ingestion accepted an invoice it had not seen before. */
export const InvoiceRegisteredV1 = defineEvent({
  type: 'InvoiceRegistered',
  version: 1,
  topic: 'collections.invoice.registered.v1',
  data: z.object({ invoiceId: z.string().min(1), invoice: InvoiceSchema, revision: InvoiceRevisionSchema }).strict(),
});
