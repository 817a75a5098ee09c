import { z } from 'zod';
import { defineEvent } from '../envelope.ts';
import { InvoiceStatusSchema, PaymentInstrumentsSchema, ProductTypeSchema } from '../invoices/invoice.ts';
import { CnpjSchema } from '../br/schemas.ts';

export const ContactSourceSchema = z.enum(['creditor', 'bureau']);

/** One source's word on a contact point: what it sent, as it sent it, how sure it is and when it last saw it. */
export const ContactSourceRecordSchema = z
  .object({
    source: ContactSourceSchema,
    raw: z.string().describe('the value exactly as this source gave it (the creditor\'s original, never lost)'),
    confidence: z.number().min(0).max(1),
    lastVerifiedAt: z.iso.datetime().optional().describe('when this source last saw the value in use (the creditor: when it sent the invoice)'),
  })
  .strict();

/** A phone or e-mail address the debtor may be reached at, merged over every source that gave it. */
export const ContactPointSchema = z
  .object({
    value: z.string().min(1).describe('normalised: E.164 for phones, lower case for e-mails'),
    kind: z.enum(['mobile', 'landline', 'email']),
    confidence: z.number().min(0).max(1).describe('the sources combined: 1 − Π(1 − confidence of each)'),
    lastVerifiedAt: z.iso.datetime().optional().describe('the most recent of the sources\''),
    sources: z.array(ContactSourceRecordSchema).min(1),
  })
  .strict();

/** A value a source gave that failed validation: kept, raw, so nothing the creditor sent is lost; never contacted. */
export const RejectedContactSchema = z.object({ source: ContactSourceSchema, kind: z.enum(['phone', 'email']), raw: z.string() }).strict();

/** The contact points per channel, best first (validity, then confidence weighted by recency, then recency). */
export const RankedContactPointsSchema = z
  .object({
    whatsapp: z.array(ContactPointSchema).describe('mobiles'),
    sms: z.array(ContactPointSchema).describe('mobiles'),
    voice: z.array(ContactPointSchema).describe('any phone'),
    email: z.array(ContactPointSchema),
    rejected: z.array(RejectedContactSchema),
  })
  .strict();

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
      creditorCnpj: CnpjSchema.optional().describe("the creditor's CNPJ: with the debtor, it names the debtor's case (one conversation per debtor and creditor), and every message quotes it (CDC art. 42-A)"),
      paymentInstruments: PaymentInstrumentsSchema.optional().describe("the creditor's own boleto and Pix for the invoice, quoted in messages"),
      contacts: z
        .object({
          emails: z.array(z.string()).describe('valid e-mails, best first (the `email` ranking\'s values)'),
          mobilePhones: z.array(z.string().describe('E.164, e.g. +5511987654321')).describe('valid mobiles, best first (the `whatsapp` ranking\'s values)'),
          landlines: z.array(z.string()).describe('valid landlines, best first (in the `voice` ranking\'s order)'),
        })
        .strict(),
      contactPoints: RankedContactPointsSchema.optional().describe('every source\'s contact points, ranked per channel; absent in events from before the data bureau'),
      uf: z.string().length(2).optional(),
      city: z.string().min(1).max(100).optional().describe("the debtor's municipality, for municipal holidays in contact rules"),
      timeZone: z
        .string()
        .optional()
        .describe('IANA zone of the debtor, from the address (UF, and the municipality where the UF spans two zones); absent when unknown (no address, or a municipality whose zone is disputed): contact windows must then hold in every Brazilian zone'),
    })
    .strict(),
});
