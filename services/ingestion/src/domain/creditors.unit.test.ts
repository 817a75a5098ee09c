import { exampleInvoice, exampleSubmission } from '@regua/contracts';
import { bindCreditor, parseTenantCreditors } from './creditors.ts';

const sent = (cnpj: string, name = 'Whatever Name S.A.') => exampleSubmission('8d6e3f7a-1c2b-4d5e-9f00-000000000001', '2026-11-20T12:00:00-03:00', exampleInvoice({ creditor: { name, cnpj } }));

describe('the tenant → creditors registry', () => {
  const registry = parseTenantCreditors('bank-a:11.222.333/0001-81:Banco Exemplo S.A.; bank-a:11444777000161 ; bank-b:45.997.418/0001-53:Loja: Filial Centro, Ltda');

  test('Given entries with formatted or bare CNPJs and names holding ":" and ",", then each tenant has its creditors by digits', () => {
    expect([...registry.get('bank-a')!.values()]).toEqual([{ cnpj: '11222333000181', name: 'Banco Exemplo S.A.' }, { cnpj: '11444777000161' }]);
    expect([...registry.get('bank-b')!.values()]).toEqual([{ cnpj: '45997418000153', name: 'Loja: Filial Centro, Ltda' }]);
  });

  test('Given an alphanumeric CNPJ (IN RFB 2.229/2024) in lower case and formatted, then it is registered upper-case and bound whatever its case', () => {
    const alnum = parseTenantCreditors('fintech:12.abc.345/01de-35:Fintech Nova Ltda');
    expect([...alnum.get('fintech')!.values()]).toEqual([{ cnpj: '12ABC34501DE35', name: 'Fintech Nova Ltda' }]);
    expect(bindCreditor(alnum, 'fintech', sent('12ABC34501DE35')).ok).toBe(true);
    expect(bindCreditor(alnum, 'fintech', sent('12.ABC.345/01DE-35')).ok).toBe(true);
  });

  test.each([
    ['fintech:12.ABC.345/01DE-36', 'entry 1 (tenant fintech) has no valid CNPJ'],
    ['bank-a:11.222.333/0001-80', 'entry 1 (tenant bank-a) has no valid CNPJ'],
    ['bank a:11222333000181', 'entry 1 must be tenant:cnpj[:name]'],
    [' ; ', 'needs at least one tenant:cnpj entry'],
  ])('Given %j, then it is refused: %s', (spec, message) => {
    expect(() => parseTenantCreditors(spec)).toThrow(message);
  });

  test("Given a CNPJ registered for the tenant, then the submission goes on with the registered name in place of the one sent", () => {
    const bound = bindCreditor(registry, 'bank-a', sent('11222333000181', 'Some Other Bank'));
    expect(bound).toMatchObject({ ok: true, submission: { invoice: { creditor: { cnpj: '11222333000181', name: 'Banco Exemplo S.A.' } } } });
  });

  test('Given a CNPJ registered without a name, then the name sent is kept', () => {
    expect(bindCreditor(registry, 'bank-a', sent('11444777000161', 'Loja Sem Nome Registrado'))).toMatchObject({ ok: true, submission: { invoice: { creditor: { name: 'Loja Sem Nome Registrado' } } } });
  });

  test("Given another tenant's CNPJ, or a tenant with no entry, then it is refused at invoice.creditor.cnpj", () => {
    expect(bindCreditor(registry, 'bank-b', sent('11222333000181'))).toEqual({ ok: false, path: 'invoice.creditor.cnpj', message: expect.stringContaining('CNPJ 11222333000181 is not registered for tenant bank-b') });
    expect(bindCreditor(registry, 'bank-z', sent('11222333000181')).ok).toBe(false);
  });

  test('Given no registry (development), then any CNPJ passes untouched', () => {
    const submission = sent('45997418000153', 'Free Name');
    expect(bindCreditor(undefined, 'bank-z', submission)).toEqual({ ok: true, submission });
  });
});
