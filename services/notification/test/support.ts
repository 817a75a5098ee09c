import type { CaseDoc } from '../src/store/cases.ts';

/** A case as onDebtorScored opens it: one open invoice, on the standard cadence, a debtor in São Paulo. */
export function testCase(overrides: Partial<CaseDoc> & Pick<CaseDoc, '_id' | 'tenant'>, at: Date, dueDate = '2026-11-20'): CaseDoc {
  return {
    debtorId: `debtor-${overrides._id}`,
    creditor: { name: 'Banco Exemplo S.A.', cnpj: '11222333000181' },
    status: 'open',
    openedAt: at,
    version: 0,
    strategy: 'standard',
    arm: 'champion',
    cadenceId: 'standard',
    cadenceVersion: 0,
    invoices: [{ invoiceId: `${overrides.tenant}:INV-${overrides._id}`, amountCents: 123456, dueDate, status: 'open', segment: 'medium_risk', strategy: 'standard', joinedAt: at }],
    profile: { debtorName: 'Maria da Silva', uf: 'SP', timeZone: 'America/Sao_Paulo', contacts: { emails: ['maria.silva@example.com'], mobilePhones: ['+5511987654321'], landlines: [] } },
    settledSteps: [],
    paused: null,
    timeline: [{ at, what: 'case opened' }],
    ...overrides,
  };
}
