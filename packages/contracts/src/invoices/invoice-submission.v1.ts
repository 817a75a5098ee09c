import { z } from 'zod';
import { InvoiceSchema } from './invoice.ts';

/**
 * What a creditor sends through any door (HTTP, Kafka, CSV). The tenant comes from the credentials,
 * never from the body. `eventId` is the idempotency key; `occurredAt` orders updates of one invoice.
 */
export const InvoiceSubmissionV1Schema = z
  .object({
    eventId: z.uuid({ message: 'eventId must be a UUID' }).meta({ example: '6f1c2f0e-5d43-4a53-9a56-0a8f5e1d2c01', description: 'idempotency key, per creditor' }),
    occurredAt: z.iso.datetime({ offset: true, message: 'occurredAt must be an ISO 8601 date-time with offset' }).meta({ example: '2026-11-20T12:00:00-03:00', description: 'orders the events of one invoice' }),
    invoice: InvoiceSchema,
  })
  .strict();

export type InvoiceSubmissionV1 = z.infer<typeof InvoiceSubmissionV1Schema>;

/**
 * The same submission on the creditor's own Kafka topic (`bank.<tenant>.invoices.overdue.v1`), which broker ACLs
 * let only that creditor's principal write. `tenant` must name that creditor: ingestion takes the tenant from the
 * topic and dead-letters a message that names another.
 */
export const BankInvoiceMessageV1Schema = InvoiceSubmissionV1Schema.extend({
  tenant: z.string().regex(/^[\w.-]{1,64}$/, 'tenant must be the creditor id Régua gave you'),
}).strict();

export type BankInvoiceMessageV1 = z.infer<typeof BankInvoiceMessageV1Schema>;
