import { formatTaxId, maskEmail, maskPhone, maskTaxId } from './masking.ts';
import { can, creditorsIn } from './access.ts';

describe('masking personal data', () => {
  test('a CPF keeps only its middle six digits, formatted or not', () => {
    expect(maskTaxId('52998224725')).toBe('***.982.247-**');
    expect(maskTaxId('529.982.247-25')).toBe('***.982.247-**');
    expect(formatTaxId('52998224725')).toBe('529.982.247-25');
  });
  test('a CNPJ keeps its root, the company, not the branch and check digits', () => {
    expect(maskTaxId('11222333000181')).toBe('11.222.333/****-**');
  });
  test('e-mails keep the first letter and the domain; phones the last four digits', () => {
    expect(maskEmail('maria.silva@example.com')).toBe('m***@example.com');
    expect(maskPhone('+5511987654321')).toBe('•••••••••4321');
    expect(maskPhone('12')).toBe('***');
  });
});

describe('roles and scopes', () => {
  const principal = { id: 'ana', name: 'Ana', roles: ['manager' as const], scopes: [{ tenant: 'a', creditors: ['11222333000181'] }, { tenant: 'b', creditors: '*' as const }] };
  test('a scope limits a user to its tenants and creditors', () => {
    expect(creditorsIn(principal, 'a')).toEqual(['11222333000181']);
    expect(creditorsIn(principal, 'b')).toBe('*');
    expect(creditorsIn(principal, 'c')).toBeNull();
  });
  test('managers act and read the audit log but see personal data masked; operators see it', () => {
    expect(can(principal, 'cases:act')).toBe(true);
    expect(can(principal, 'pii:tax-id')).toBe(false);
    expect(can({ ...principal, roles: ['operator'] }, 'pii:tax-id')).toBe(true);
    expect(can({ ...principal, roles: ['auditor'] }, 'cases:act')).toBe(false);
  });
});
