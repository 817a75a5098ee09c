import { z } from 'zod';
import { CalendarDateSchema, CentavosSchema, CepSchema, CnpjSchema, TaxIdSchema, UfSchema } from '../br/schemas.ts';

export const InvoiceStatusSchema = z.enum(['open', 'paid', 'cancelled', 'renegotiated']);
export const ProductTypeSchema = z.enum(['credit_card', 'loan', 'telecom', 'utility', 'subscription', 'retail', 'other']);

export const PostalAddressSchema = z
  .object({
    street: z.string().min(1).max(200),
    number: z.string().min(1).max(20),
    complement: z.string().max(100).optional(),
    district: z.string().min(1).max(100),
    city: z.string().min(1).max(100),
    uf: UfSchema,
    cep: CepSchema,
  })
  .strict();

export const DebtorSchema = z
  .object({
    externalId: z.string().min(1).max(100),
    name: z.string().min(1).max(200),
    taxId: TaxIdSchema,
    emails: z.array(z.email()).max(10).default([]),
    phones: z.array(z.string().regex(/^\+?[\d\s()-]{8,20}$/, 'phone must hold 8 to 20 digits')).max(10).default([]),
    address: PostalAddressSchema.optional(),
    birthDate: CalendarDateSchema.optional(),
  })
  .strict();

export const CreditorSchema = z
  .object({
    name: z.string().min(1).max(200),
    cnpj: CnpjSchema,
  })
  .strict();

export const PaymentInstrumentsSchema = z
  .object({
    boleto: z
      .object({
        barcode: z.string().regex(/^\d{44}$/, 'boleto barcode has 44 digits').optional(),
        digitableLine: z.string().regex(/^\d{47}$/, 'linha digitável has 47 digits').optional(),
        ourNumber: z.string().min(1).max(20).optional(),
      })
      .strict()
      .optional(),
    pix: z
      .object({
        txid: z.string().regex(/^[a-zA-Z0-9]{26,35}$/, 'Pix txid has 26 to 35 letters or digits').optional(),
        copyPaste: z.string().min(20).max(512).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** An overdue (or soon due) invoice as a creditor sends it. */
export const InvoiceSchema = z
  .object({
    externalId: z.string().min(1).max(100),
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
