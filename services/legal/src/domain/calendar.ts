import { calendarDay } from '@regua/contracts';
import Holidays from 'date-holidays';

/**
 * Calendar dates in Brazil (São Paulo time: bureaus and the courts count days by Brasília's calendar), business days
 * over the national public holidays, and the five-year limit of CDC art. 43 §1. Dates are `YYYY-MM-DD` strings.
 */
export const LEGAL_ZONE = 'America/Sao_Paulo';

const DAY_MS = 86_400_000;

/** The calendar date of an instant in Brasília. */
export function localDate(at: Date): string {
  return calendarDay(at, LEGAL_ZONE);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** `date` plus whole years; 29 February becomes 1 March in a common year (the day after 28 February). */
export function addYears(date: string, years: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const shifted = new Date(Date.UTC(year + years, month - 1, day));
  return shifted.toISOString().slice(0, 10);
}

/** The instant a Brasília calendar date starts (Brazil has had no daylight saving since 2019: UTC−3). */
export function startOfLocalDay(date: string): Date {
  return new Date(`${date}T00:00:00-03:00`);
}

/**
 * National public holidays from date-holidays (its `public` type only; `bank` and `optional` entries are not
 * holidays by law), plus 20 November from 2024 (Lei 14.759/2023), which the library's data misses for some states.
 */
const national = new Holidays('BR');
const holidaysByYear = new Map<number, ReadonlySet<string>>();

function nationalHolidays(year: number): ReadonlySet<string> {
  let found = holidaysByYear.get(year);
  if (!found) {
    const dates = new Set(national.getHolidays(year).filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)));
    if (year >= 2024) dates.add(`${year}-11-20`);
    found = dates;
    holidaysByYear.set(year, found);
  }
  return found;
}

export function isBusinessDay(date: string): boolean {
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !nationalHolidays(Number(date.slice(0, 4))).has(date);
}

/**
 * The last day of a period of `count` business days that starts the day after `from` (the trigger's day does not
 * count): STJ Súmula 548's five business days after full payment.
 */
export function businessDaysAfter(from: string, count: number): string {
  let date = from;
  for (let left = count; left > 0; ) {
    date = addDays(date, 1);
    if (isBusinessDay(date)) left--;
  }
  return date;
}

/**
 * The day a debt reaches five years past due, counted from the day after its due date (CDC art. 43 §1 as the STJ
 * reads it): from that day on it may not be registered, and a registration must be gone.
 */
export function fiveYearLimit(dueDate: string): string {
  return addYears(addDays(dueDate, 1), 5);
}
