import { ValidationError } from '@regua/errors';
import { addDays, addMonths, daysBetween, formatDateBr, monthKey, wholeMonthsBetween } from './calendar.ts';

describe('calendar dates', () => {
  test.each([
    ['2027-01-31', 1, '2027-02-28'],
    ['2028-01-31', 1, '2028-02-29'], // leap year
    ['2027-01-31', 2, '2027-03-31'], // from the original day, not from Feb 28
    ['2027-11-30', 3, '2028-02-29'],
    ['2027-03-15', -3, '2026-12-15'],
  ])('Given %s plus %i months, then the same day clamped to the month end: %s', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });

  test.each([
    ['2026-01-10', '2026-02-09', 0],
    ['2026-01-10', '2026-02-10', 1],
    ['2026-01-31', '2026-02-28', 1], // the anniversary clamps to Feb 28
    ['2026-01-31', '2026-03-30', 1], // Mar 31 not reached yet
    ['2026-01-15', '2026-04-20', 3],
    ['2026-01-15', '2026-01-01', 0],
  ])('Given %s to %s, then %i whole months', (from, to, months) => {
    expect(wholeMonthsBetween(from, to)).toBe(months);
  });

  test('Given dates across a month end and a leap day, then days are calendar days', () => {
    expect(daysBetween('2026-01-10', '2026-02-24')).toBe(45);
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
    expect(addDays('2026-12-29', 5)).toBe('2027-01-03');
    expect(monthKey('2026-11-15', 2)).toBe('2027-01');
    expect(formatDateBr('2026-01-10')).toBe('10/01/2026');
  });

  test('Given a date that is not on the calendar, then it is refused', () => {
    expect(() => daysBetween('2026-02-29', '2026-03-01', ['dueDate', 'today'])).toThrow(ValidationError);
    expect(() => daysBetween('2026-1-10', '2026-03-01')).toThrow('from: must be a calendar date as YYYY-MM-DD');
  });
});
