import type { Invoice } from './invoices/invoice.ts';
import type { InvoiceSubmissionV1 } from './invoices/invoice-submission.v1.ts';

/** A complete, valid invoice (document numbers are check-digit-valid test values, not real people). */
export function exampleInvoice(overrides: Partial<Invoice> = {}): Invoice {
  return {
    externalId: 'INV-2026-0001',
    creditor: { name: 'Banco Exemplo S.A.', cnpj: '11222333000181' },
    amountCents: 123456,
    currency: 'BRL',
    issueDate: '2026-10-01',
    dueDate: '2026-11-05',
    status: 'open',
    productType: 'credit_card',
    debtor: {
      externalId: 'CUST-42',
      name: 'Maria da Silva',
      taxId: { type: 'cpf', number: '52998224725' },
      emails: ['Maria.Silva@example.com'],
      phones: ['(11) 98765-4321', '11 3456-7890'],
      address: { street: 'Rua das Flores', number: '100', district: 'Centro', city: 'São Paulo', uf: 'SP', cep: '01001000' },
    },
    ...overrides,
  };
}

export function exampleSubmission(eventId: string, occurredAt: string, invoice: Invoice = exampleInvoice()): InvoiceSubmissionV1 {
  return { eventId, occurredAt, invoice };
}
