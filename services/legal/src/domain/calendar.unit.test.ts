import { addYears, businessDaysAfter, fiveYearLimit, isBusinessDay, localDate, startOfLocalDay } from './calendar.ts';

describe('legal calendar', () => {
  test('the local date is Brasília\'s: 01:00 UTC is still the day before', () => {
    expect(localDate(new Date('2026-03-10T01:00:00Z'))).toBe('2026-03-09');
    expect(startOfLocalDay('2026-03-10').toISOString()).toBe('2026-03-10T03:00:00.000Z');
  });

  test('weekends and national holidays are not business days; 20 November is one since 2024', () => {
    expect(isBusinessDay('2026-11-13')).toBe(true); // Friday
    expect(isBusinessDay('2026-11-14')).toBe(false); // Saturday
    expect(isBusinessDay('2026-11-15')).toBe(false); // Sunday, Proclamação da República
    expect(isBusinessDay('2026-11-20')).toBe(false); // Friday, Consciência Negra (Lei 14.759/2023)
    expect(isBusinessDay('2023-11-20')).toBe(true); // not yet national
    expect(isBusinessDay('2026-04-21')).toBe(false); // Tiradentes
    expect(isBusinessDay('2026-12-25')).toBe(false);
  });

  describe('five business days after payment (Súmula 548)', () => {
    test('a payment on a Monday: the following Monday', () => {
      expect(businessDaysAfter('2026-03-02', 5)).toBe('2026-03-09');
    });
    test('a payment on a Friday skips the weekend: the next Friday', () => {
      expect(businessDaysAfter('2026-03-06', 5)).toBe('2026-03-13');
    });
    test('holidays in the period push the deadline: paid Wednesday 2026-11-18, with 20 November (Friday) in between', () => {
      // 19 (Thu), 23 (Mon), 24, 25, 26 — Friday the 20th is a holiday and the weekend does not count.
      expect(businessDaysAfter('2026-11-18', 5)).toBe('2026-11-26');
    });
    test('Christmas and New Year: paid on 2026-12-23', () => {
      // 24 (Thu), [25 holiday], 28 (Mon), 29, 30, 31 — the fifth is the 31st.
      expect(businessDaysAfter('2026-12-23', 5)).toBe('2026-12-31');
    });
  });

  describe('five years counted from the day after the due date (CDC art. 43 §1)', () => {
    test('due 2021-03-10: five years from 2021-03-11, so the limit is 2026-03-11', () => {
      expect(fiveYearLimit('2021-03-10')).toBe('2026-03-11');
    });
    test('due on the last day of February in a leap year', () => {
      // The day after 2024-02-28 is 2024-02-29; five years on, that day does not exist: 1 March.
      expect(fiveYearLimit('2024-02-28')).toBe('2029-03-01');
      expect(addYears('2024-02-29', 1)).toBe('2025-03-01');
    });
    test('due on New Year\'s Eve: the count starts in the next year', () => {
      expect(fiveYearLimit('2020-12-31')).toBe('2026-01-01');
    });
  });
});
