import { z } from 'zod';
import { CalendarDateSchema, CentavosSchema, CepSchema, CnpjSchema, TaxIdSchema, UfSchema } from '../br/schemas.ts';

export const InvoiceStatusSchema = z.enum(['open', 'paid', 'cancelled', 'renegotiated']);
export const ProductTypeSchema = z.enum(['credit_card', 'loan', 'telecom', 'utility', 'subscription', 'retail', 'other']);

/**
 * Free text of at most `max` characters, without U+0000: PostgreSQL (under FerretDB) refuses it in a document, so an
 * accepted invoice carrying one could never be stored by ingestion nor by any consumer downstream.
 */
const text = (min: number, max: number) => z.string().min(min).max(max).regex(/^[^\u0000]*$/, 'must not contain the NUL character (U+0000)');

export const PostalAddressSchema = z
  .object({
    street: text(1, 200),
    number: text(1, 20),
    complement: text(0, 100).optional(),
    district: text(1, 100),
    city: text(1, 100),
    uf: UfSchema,
    cep: CepSchema,
  })
  .strict();

export const DebtorSchema = z
  .object({
    externalId: text(1, 100),
    name: text(1, 200),
    taxId: TaxIdSchema,
    emails: z.array(z.email().meta({ example: 'maria@example.com' })).max(10).default([]),
    phones: z.array(z.string().regex(/^\+?[\d\s()-]{8,20}$/, 'phone must hold 8 to 20 digits').meta({ example: '(11) 98765-4321' })).max(10).default([]),
    address: PostalAddressSchema.optional(),
    birthDate: CalendarDateSchema.optional(),
  })
  .strict();

export const CreditorSchema = z
  .object({
    name: text(1, 200),
    cnpj: CnpjSchema,
  })
  .strict();

export const PaymentInstrumentsSchema = z
  .object({
    boleto: z
      .object({
        barcode: z.string().regex(/^\d{44}$/, 'boleto barcode has 44 digits').optional(),
        digitableLine: z.string().regex(/^\d{47}$/, 'linha digitável has 47 digits').optional(),
        ourNumber: text(1, 20).optional(),
      })
      .strict()
      .optional(),
    pix: z
      .object({
        txid: z.string().regex(/^[a-zA-Z0-9]{26,35}$/, 'Pix txid has 26 to 35 letters or digits').optional(),
        copyPaste: text(20, 512).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** An overdue (or soon due) invoice as a creditor sends it. */
export const InvoiceSchema = z
  .object({
    externalId: text(1, 100),
    creditor: CreditorSchema,
    amountCents: CentavosSchema,
    currency: z.literal('BRL'),
    issueDate: CalendarDateSchema,
    dueDate: CalendarDateSchema,
    status: InvoiceStatusSchema,
    productType: ProductTypeSchema,
    installment: z
      .object({ number: z.number().int().positive(), total: z.number().int().positive() })
      .strict()
      .refine((i) => i.number <= i.total, { message: 'installment number cannot exceed total', path: ['number'] })
      .optional(),
    paymentInstruments: PaymentInstrumentsSchema.optional(),
    debtor: DebtorSchema,
  })
  .strict()
  .refine((invoice) => invoice.dueDate >= invoice.issueDate, {
    message: 'dueDate cannot be before issueDate',
    path: ['dueDate'],
  });

export type Invoice = z.infer<typeof InvoiceSchema>;
export type Debtor = z.infer<typeof DebtorSchema>;
export type InvoiceStatus = z.infer<typeof InvoiceStatusSchema>;
