import { DebtorEnrichedV1, exampleInvoice, InvoiceSchema, type Debtor } from '@regua/contracts';
import { enrichInvoiceDebtor } from './enrich.ts';

const withDebtor = (debtor: Partial<Debtor>) => {
  const invoice = exampleInvoice();
  return InvoiceSchema.parse({ ...invoice, debtor: { ...invoice.debtor, ...debtor } });
};

describe('enrichInvoiceDebtor', () => {
  test('Given the example invoice, then the profile carries the usable contacts and the zone of a São Paulo address, and is a valid event payload', () => {
    const { profile, discardedContacts, taxId, address, timeZone } = enrichInvoiceDebtor('inv-1', exampleInvoice());

    expect(profile).toEqual({
      invoiceId: 'inv-1',
      debtorId: 'CUST-42',
      debtorName: 'Maria da Silva',
      amountCents: 123456,
      dueDate: '2026-11-05',
      status: 'open',
      productType: 'credit_card',
      creditorName: 'Banco Exemplo S.A.',
      creditorCnpj: exampleInvoice().creditor.cnpj,
      city: exampleInvoice().debtor.address!.city,
      contacts: { emails: ['maria.silva@example.com'], mobilePhones: ['+5511987654321'], landlines: ['+551134567890'] },
      uf: 'SP',
      timeZone: 'America/Sao_Paulo',
    });
    expect(DebtorEnrichedV1.data.safeParse(profile).success).toBe(true);
    expect(discardedContacts).toBe(0);
    expect(taxId).toEqual({ type: 'cpf', number: '52998224725', valid: true });
    expect(address).toEqual({ cep: '01001000', cepUf: 'SP', consistent: true, reasons: [], explanations: [] });
    expect(timeZone).toEqual({ known: true, timeZone: 'America/Sao_Paulo', basis: 'uf' });
  });

  test('Given no address, then the profile has no UF and no time zone (unknown, not São Paulo), and is still a valid event payload', () => {
    const { profile, address, timeZone } = enrichInvoiceDebtor('inv-2', withDebtor({ address: undefined }));

    expect(profile).not.toHaveProperty('timeZone');
    expect(profile).not.toHaveProperty('uf');
    expect(address).toBeUndefined();
    expect(timeZone).toMatchObject({ known: false, reason: 'no_address' });
    expect(DebtorEnrichedV1.data.safeParse(profile).success).toBe(true);
  });

  test('Given a debtor in Eirunepé (AM), then the zone is UTC−5, not Manaus', () => {
    const address = { street: 'Rua Dr. Rui', number: '12', district: 'Centro', city: 'Eirunepé', uf: 'AM' as const, cep: '69880-000' };
    expect(enrichInvoiceDebtor('inv-3', withDebtor({ address })).profile.timeZone).toBe('America/Eirunepe');
  });

  test('Given a CEP of another state, then the address is flagged with its reason and the zone still follows the UF given', () => {
    const address = { street: 'Rua A', number: '1', district: 'Centro', city: 'Belo Horizonte', uf: 'MG' as const, cep: '01001-000' };
    const enriched = enrichInvoiceDebtor('inv-4', withDebtor({ address }));
    expect(enriched.address).toMatchObject({ consistent: false, reasons: ['cep_uf_mismatch'] });
    expect(enriched.profile.timeZone).toBe('America/Sao_Paulo');
  });

  test('Given contacts with a typo, a disposable box, an old mobile and a landline, then each original is assessed and kept, and only the usable ones reach the profile', () => {
    const enriched = enrichInvoiceDebtor('inv-5', withDebtor({ emails: ['maria@gmial.com', 'maria@mailinator.com'], phones: ['(11) 9456-7890', '(11) 3456-7890'] }));

    expect(enriched.profile.contacts).toEqual({ emails: [], mobilePhones: [], landlines: ['+551134567890'] });
    expect(enriched.discardedContacts).toBe(3);
    expect(enriched.contacts.emails.map((e) => [e.original, e.suggestion, e.reasons])).toEqual([
      ['maria@gmial.com', 'maria@gmail.com', ['suspected_typo']],
      ['maria@mailinator.com', undefined, ['disposable_domain']],
    ]);
    expect(enriched.contacts.phones).toEqual([
      { valid: false, original: '(11) 9456-7890', reasons: ['missing_ninth_digit'], suggestion: '+5511994567890' },
      { valid: true, original: '(11) 3456-7890', e164: '+551134567890', ddd: '11', type: 'landline', channels: ['voice'], reasons: ['landline_voice_only'] },
    ]);
  });

  test('Given a company debtor with an alphanumeric CNPJ in lower case, then it is read upper-case and valid', () => {
    const enriched = enrichInvoiceDebtor('inv-6', withDebtor({ taxId: { type: 'cnpj', number: '12.abc.345/01de-35' } }));
    expect(enriched.taxId).toEqual({ type: 'cnpj', number: '12ABC34501DE35', valid: true });
  });
});
