import { caseDebt, saoPauloDate, agreementIdFor } from './case-debt.ts';
import { updatedDebt } from './charges.ts';

describe('a case\'s debt', () => {
  test('given two open invoices, the case owes the sum of each updated from its own due date', () => {
    const today = '2026-12-14';
    const debt = caseDebt(
      [
        { invoiceId: 't:B', principalCents: 50_000, dueDate: '2026-12-01' },
        { invoiceId: 't:A', principalCents: 123_456, dueDate: '2026-11-05' },
        { invoiceId: 't:paid', principalCents: 0, dueDate: '2026-10-01' },
      ],
      today,
      {},
    );
    const a = updatedDebt({ principalCents: 123_456, dueDate: '2026-11-05', today, rules: {} });
    const b = updatedDebt({ principalCents: 50_000, dueDate: '2026-12-01', today, rules: {} });
    expect(debt.invoices.map((i) => i.invoiceId)).toEqual(['t:A', 't:B']);
    expect(debt.total).toMatchObject({ dueDate: '2026-11-05', daysOverdue: a.daysOverdue, principalCents: 173_456, fineCents: a.fineCents + b.fineCents, interestCents: a.interestCents + b.interestCents, totalCents: a.totalCents + b.totalCents });
  });

  test('no open invoice: nothing owed', () => {
    expect(caseDebt([], '2026-12-14', {}).total).toMatchObject({ totalCents: 0, dueDate: '2026-12-14' });
  });

  test('today is the date in São Paulo (UTC−3), and an agreement id depends on tenant, case and offer only', () => {
    expect(saoPauloDate(new Date('2026-12-15T02:59:00Z'))).toBe('2026-12-14');
    expect(saoPauloDate(new Date('2026-12-15T03:00:00Z'))).toBe('2026-12-15');
    expect(agreementIdFor('t', 'c', 'o')).toBe(agreementIdFor('t', 'c', 'o'));
    expect(agreementIdFor('t', 'c', 'o')).not.toBe(agreementIdFor('t', 'c', 'p'));
  });
});
