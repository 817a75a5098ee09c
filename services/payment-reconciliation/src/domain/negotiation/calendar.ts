// Calendar dates as 'YYYY-MM-DD', read as dates in America/Sao_Paulo: the caller turns its clock into the local date
// before calling (the negotiation never reads an instant), so day counts are plain calendar-day differences.
import { ValidationError } from '@regua/errors';

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a real calendar date; `path` names the input in the error. */
export function dayNumber(date: string, path: string): number {
  const match = DATE.exec(date);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (!match || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new ValidationError(`${path}: must be a calendar date as YYYY-MM-DD`, [{ path, message: 'must be a calendar date as YYYY-MM-DD' }]);
  }
  return ms / DAY_MS;
}

function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Calendar days from `from` to `to` (negative when `to` comes first). */
export function daysBetween(from: string, to: string, paths: [string, string] = ['from', 'to']): number {
  return dayNumber(to, paths[1]) - dayNumber(from, paths[0]);
}

export function addDays(date: string, days: number): string {
  return fromDayNumber(dayNumber(date, 'date') + days);
}

/** The same day `months` months later, clamped to the month's end: 2027-01-31 + 1 → 2027-02-28, + 2 → 2027-03-31. */
export function addMonths(date: string, months: number): string {
  dayNumber(date, 'date');
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = index - targetYear * 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  return fromDayNumber(Date.UTC(targetYear, targetMonth, Math.min(day, lastDay)) / DAY_MS);
}

/** Whole months from `from` to `to`: how many monthly anniversaries of `from` (clamped to month ends) fall on or before `to`. */
export function wholeMonthsBetween(from: string, to: string): number {
  if (to <= from) return 0;
  let months = Math.max(0, (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7)) - 1);
  while (addMonths(from, months + 1) <= to) months += 1;
  return months;
}

/** 'YYYY-MM' of the month `months` after the month of `date`. */
export function monthKey(date: string, months = 0): string {
  return addMonths(`${date.slice(0, 7)}-01`, months).slice(0, 7);
}

/** '2026-01-10' → '10/01/2026'. */
export function formatDateBr(date: string): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}
