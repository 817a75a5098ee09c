/**
 * The calendar day (YYYY-MM-DD) of an instant in an IANA time zone: due dates, daily counters and billing days
 * follow the debtor's or creditor's day, not UTC's.
 *
 * One formatter per zone, kept: building an `Intl.DateTimeFormat` (which `toLocaleDateString` with options does on
 * every call) costs tens of microseconds, and the projections ask once per event. An unknown zone throws a
 * RangeError, as `toLocaleDateString` does.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

export function calendarDay(at: Date, timeZone: string): string {
  let format = formatters.get(timeZone);
  if (!format) {
    // en-CA formats as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    // Bounded: only zones Intl accepts get here, and IANA names a few hundred.
    formatters.set(timeZone, format);
  }
  return format.format(at);
}
