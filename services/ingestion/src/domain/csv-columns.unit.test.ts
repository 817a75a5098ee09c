import { InvoiceSubmissionV1Schema } from '@regua/contracts';
import { checkHeader, columnFor, CSV_COLUMNS, rowToCandidate } from './csv-columns.ts';

const required = [...CSV_COLUMNS].filter(([, spec]) => spec.required).map(([name]) => name);

const validRow: Record<string, string> = {
  event_id: '8d6e3f7a-1c2b-4d5e-9f00-000000000001',
  occurred_at: '2026-11-20T09:00:00-03:00',
  external_id: 'CSV-1',
  creditor_name: 'Loja Exemplo Ltda',
  creditor_cnpj: '11.222.333/0001-81',
  amount_cents: '19990',
  currency: 'BRL',
  issue_date: '2026-10-05',
  due_date: '2026-11-05',
  status: 'open',
  product_type: 'retail',
  installment_number: '',
  installment_total: '',
  debtor_external_id: 'CLI-1',
  debtor_name: 'Maria da Silva',
  debtor_tax_id_type: 'cpf',
  debtor_tax_id: '529.982.247-25',
  debtor_emails: 'a@example.com; b@example.com',
  debtor_phones: '',
  debtor_street: '',
  debtor_uf: '',
};

describe('the CSV layout', () => {
  test('a header with every required column and no unknown one has no problems', () => {
    expect(checkHeader(required)).toEqual([]);
    expect(checkHeader([...CSV_COLUMNS.keys()])).toEqual([]);
  });

  test('unknown columns are refused rather than ignored, and missing required ones are named', () => {
    expect(checkHeader([...required.filter((c) => c !== 'due_date'), 'vencimento'])).toEqual(['unknown column "vencimento"', 'missing column "due_date"']);
  });

  test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('a column named %s, a name every object has, is an unknown column like any other', (name) => {
    expect(checkHeader([...required, name])).toEqual([`unknown column "${name}"`]);
    expect(rowToCandidate({ [name]: 'x' })).toEqual({});
  });

  test('a line maps onto the v1 contract, with lists split on ";" and empty optional groups left out', () => {
    const candidate = rowToCandidate(validRow) as { invoice: Record<string, unknown> & { debtor: Record<string, unknown> } };
    expect(candidate.invoice.amountCents).toBe(19990);
    expect(candidate.invoice.debtor.emails).toEqual(['a@example.com', 'b@example.com']);
    expect(candidate.invoice).not.toHaveProperty('installment');
    expect(candidate.invoice.debtor).not.toHaveProperty('address');
    expect(InvoiceSubmissionV1Schema.safeParse(candidate).success).toBe(true);
  });

  test('a non-integer amount is passed on as text so the contract reports it', () => {
    const candidate = rowToCandidate({ ...validRow, amount_cents: '199.90' }) as { invoice: { amountCents: unknown } };
    expect(candidate.invoice.amountCents).toBe('199.90');
    expect(InvoiceSubmissionV1Schema.safeParse(candidate).success).toBe(false);
  });

  test('contract paths map back to the column a creditor can fix', () => {
    expect(columnFor('invoice.debtor.taxId.number')).toBe('debtor_tax_id');
    expect(columnFor('invoice.debtor.phones[1]')).toBe('debtor_phones');
    expect(columnFor('invoice.debtor.address.uf')).toBe('debtor_uf');
    expect(columnFor('invoice.installment')).toBeUndefined();
  });
});
