import { z } from 'zod';
import { InvoiceSchema } from './invoice.ts';

/**
 * What a creditor sends through any door (HTTP, Kafka, CSV). The tenant comes from the credentials,
 * never from the body. `eventId` is the idempotency key; `occurredAt` orders updates of one invoice.
 */
export const InvoiceSubmissionV1Schema = z
  .object({
    eventId: z.uuid({ message: 'eventId must be a UUID' }),
    occurredAt: z.iso.datetime({ offset: true, message: 'occurredAt must be an ISO 8601 date-time with offset' }),
    invoice: InvoiceSchema,
  })
  .strict();

export type InvoiceSubmissionV1 = z.infer<typeof InvoiceSubmissionV1Schema>;

/**
 * The same submission on the inbound Kafka topic (`bank.invoices.overdue.v1`). Kafka has no request
 * credentials, so the creditor is named in the message; topic ACLs decide who may write it.
 */
export const BankInvoiceMessageV1Schema = InvoiceSubmissionV1Schema.extend({
  tenant: z.string().regex(/^[\w.-]{1,64}$/, 'tenant must be the creditor id Régua gave you'),
}).strict();

export type BankInvoiceMessageV1 = z.infer<typeof BankInvoiceMessageV1Schema>;
