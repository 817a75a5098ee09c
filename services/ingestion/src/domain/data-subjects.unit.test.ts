import { exampleInvoice, DataSubjectRequestV1Schema } from '@regua/contracts';
import { toFieldIssues } from '@regua/errors';
import { anonymiseInvoice, ERASED, erasureParts } from './data-subjects.ts';

describe('anonymising an invoice for an erasure request', () => {
  const invoice = exampleInvoice({ installment: { number: 2, total: 3 }, paymentInstruments: { pix: { txid: 'A'.repeat(26) } } });
  const withBirthDate = { ...invoice, debtor: { ...invoice.debtor, birthDate: '1980-01-31' } };

  test('Given an invoice with its debtor, then name, tax id, e-mails, phones, address and birth date are gone', () => {
    const anonymised = anonymiseInvoice(withBirthDate);
    expect(anonymised.debtor).toEqual({ externalId: 'CUST-42', name: ERASED, taxId: { type: 'cpf', number: ERASED }, emails: [], phones: [] });
    const text = JSON.stringify(anonymised);
    for (const personal of ['Maria', '52998224725', 'example.com', '98765', 'Rua das Flores', '01001000', '1980-01-31']) expect(text).not.toContain(personal);
  });

  test('Given an invoice, then its ids, amounts, dates, status, creditor and payment instruments are kept for the creditor', () => {
    const { debtor: _debtor, ...kept } = anonymiseInvoice(invoice);
    const { debtor: _original, ...expected } = invoice;
    expect(kept).toEqual(expected);
  });

  test('Given an invoice, then the original is not changed', () => {
    const copy = structuredClone(withBirthDate);
    anonymiseInvoice(withBirthDate);
    expect(withBirthDate).toEqual(copy);
  });

  test('Given an anonymised invoice, then anonymising it again changes nothing (a repeated request is harmless)', () => {
    const once = anonymiseInvoice(invoice);
    expect(anonymiseInvoice(once)).toEqual(once);
  });

  test('Given 1,201 invoices and parts of 500, then three parts in order, none empty', () => {
    const targets = Array.from({ length: 1201 }, (_, i) => ({ invoiceId: `t:${i}`, debtorId: 'D' }));
    const parts = erasureParts(targets, 500);
    expect(parts.map((p) => p.length)).toEqual([500, 500, 201]);
    expect(parts.flat()).toEqual(targets);
    expect(erasureParts([], 500)).toEqual([]);
  });
});

describe('validating a data-subject request', () => {
  const issues = (body: unknown) => {
    const parsed = DataSubjectRequestV1Schema.safeParse(body);
    return parsed.success ? [] : toFieldIssues(parsed.error.issues);
  };

  test('Given a formatted CPF, then it is read as a CPF of digits', () => {
    expect(DataSubjectRequestV1Schema.parse({ taxId: '529.982.247-25', reason: 'titular pediu acesso (art. 18 II)' })).toEqual({ taxId: { type: 'cpf', number: '52998224725' }, reason: 'titular pediu acesso (art. 18 II)' });
  });

  test('Given a formatted CNPJ, then it is read as a CNPJ of digits', () => {
    expect(DataSubjectRequestV1Schema.parse({ taxId: '11.222.333/0001-81', reason: 'pedido de eliminação' }).taxId).toEqual({ type: 'cnpj', number: '11222333000181' });
  });

  test('Given an alphanumeric CNPJ (IN RFB 2.229/2024) typed in lower case, then it is read as a CNPJ, upper-case', () => {
    expect(DataSubjectRequestV1Schema.parse({ taxId: '12.abc.345/01de-35', reason: 'pedido de eliminação' }).taxId).toEqual({ type: 'cnpj', number: '12ABC34501DE35' });
  });

  test('Given a CPF with a wrong check digit, then the error names the field', () => {
    expect(issues({ taxId: '529.982.247-24', reason: 'pedido do titular' })).toEqual([{ path: 'taxId', message: expect.stringMatching(/invalid CPF/) }]);
  });

  test('Given a CNPJ with a wrong check digit, then the error names the field', () => {
    expect(issues({ taxId: '11.222.333/0001-82', reason: 'pedido do titular' })).toEqual([{ path: 'taxId', message: expect.stringMatching(/invalid CNPJ/) }]);
  });

  test('Given no reason, a number for a tax id and an unknown field, then each is named by its path', () => {
    const paths = issues({ taxId: 52998224725, extra: true }).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['taxId', 'reason', '']));
  });

  test('Given a blank reason, then it is refused', () => {
    expect(issues({ taxId: '52998224725', reason: '   ' }).map((i) => i.path)).toEqual(['reason']);
  });
});
