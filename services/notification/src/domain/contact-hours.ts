import { windowFor, windowForAnyChannel, type ContactChannel, type ContactRuleTable, type ContactWindow } from './contact-rules.ts';
import { isHoliday, type HolidayCalendar, type Municipality } from './holidays.ts';

/**
 * When a debtor may be contacted, in their own local time: the window of their state's law for the channel
 * (contact-rules.ts), closed on the holidays of their place (holidays.ts).
 */
export type { ContactWindow } from './contact-rules.ts';

/**
 * One zone per UTC offset Brazil uses (no daylight saving since 2019): Fernando de Noronha −2, Brasília −3,
 * Amazonas −4, Acre −5. A debtor whose zone is unknown may be anywhere among them.
 */
export const BRAZILIAN_OFFSET_ZONES = ['America/Noronha', 'America/Sao_Paulo', 'America/Manaus', 'America/Rio_Branco'] as const;

/** Carnival (Saturday to Ash Wednesday) next to other holidays can close a week and more. */
export const SEARCH_HORIZON_DAYS = 15;

export interface ContactContext {
  uf?: string | undefined;
  /** IANA zone of the debtor; undefined when unknown: the window must then hold in every Brazilian zone. */
  timeZone?: string | undefined;
  channel: ContactChannel;
  /** The tenant's merged rules (`mergeContactRules`); the built-in laws when absent. */
  tenantRules?: ContactRuleTable | undefined;
  calendars?: readonly HolidayCalendar[] | undefined;
  municipality?: Municipality | undefined;
}

export type ContactCheck = { allowed: true; source: string } | { allowed: false; reason: string; source: string };

export type NextAllowed =
  | { kind: 'now'; at: Date; source: string }
  /** `reason` says why the asked instant was not allowed ("domingo (…)", "feriado: Natal (…)", "fora do horário 09–19 (…)"). */
  | { kind: 'deferred'; at: Date; reason: string; source: string }
  /** Nothing allowed within SEARCH_HORIZON_DAYS (a tenant rule that closes the channel, say). */
  | { kind: 'none'; reason: string; source: string };

interface Schedule {
  window: ContactWindow;
  source: string;
  zones: readonly string[];
  holidayOn: (localDate: string) => string | undefined;
}

interface LocalDay {
  year: number;
  month: number;
  day: number;
}

const WEEKDAY_NAMES = ['domingo', 'segunda-feira', 'terça-feira', 'quarta-feira', 'quinta-feira', 'sexta-feira', 'sábado'] as const;
const DAY_MS = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');

const formatters = new Map<string, Intl.DateTimeFormat>();

function localTime(instant: Date, timeZone: string): LocalDay & { hour: number; minute: number; second: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(instant)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts.year ?? NaN, month: parts.month ?? NaN, day: parts.day ?? NaN, hour: parts.hour ?? NaN, minute: parts.minute ?? NaN, second: parts.second ?? NaN };
}

/** The instant at which the zone's clock shows `hour`:00 on `day`. */
function atLocalHour(day: LocalDay, hour: number, timeZone: string): Date {
  const wall = Date.UTC(day.year, day.month - 1, day.day, hour);
  const offsetAt = (instant: number) => {
    const local = localTime(new Date(instant), timeZone);
    return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second) - instant;
  };
  const guess = wall - offsetAt(wall);
  return new Date(wall - offsetAt(guess));
}

function addDays(day: LocalDay, days: number): LocalDay {
  const date = new Date(Date.UTC(day.year, day.month - 1, day.day + days));
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

const isoDate = (day: LocalDay) => `${day.year}-${pad(day.month)}-${pad(day.day)}`;

/** The debtor's calendar date (`YYYY-MM-DD`) at `instant` in their zone. */
export function localDateIn(instant: Date, timeZone: string): string {
  return isoDate(localTime(instant, timeZone));
}

/** The instant the debtor's day `localDate` (`YYYY-MM-DD`) begins in their zone. */
export function startOfLocalDay(localDate: string, timeZone: string): Date {
  const [year, month, day] = localDate.split('-').map(Number) as [number, number, number];
  return atLocalHour({ year, month, day }, 0, timeZone);
}

/** That day's hours, or why there are none. */
function hoursOn(day: LocalDay, schedule: Schedule): { hours: readonly [number, number] } | { closed: string } {
  if (schedule.window.closedOnHolidays) {
    const holiday = schedule.holidayOn(isoDate(day));
    if (holiday) return { closed: `feriado: ${holiday} (${schedule.source})` };
  }
  const weekday = new Date(Date.UTC(day.year, day.month - 1, day.day)).getUTCDay();
  const hours = schedule.window.byWeekday[weekday];
  return hours ? { hours } : { closed: `${WEEKDAY_NAMES[weekday]} (${schedule.source})` };
}

const formatHours = ([start, end]: readonly [number, number]) => `${pad(start)}–${pad(end)}`;

/** Why the instant is outside the schedule in this zone, or undefined when it is inside. */
function refusalIn(instant: Date, timeZone: string, schedule: Schedule): string | undefined {
  const local = localTime(instant, timeZone);
  const today = hoursOn(local, schedule);
  if ('closed' in today) return today.closed;
  const [start, end] = today.hours;
  return local.hour >= start && local.hour < end ? undefined : `fora do horário ${formatHours(today.hours)} (${schedule.source})`;
}

/** The first instant at or after `instant` inside the schedule in this zone, or undefined past `horizon`. */
function nextOpeningIn(instant: Date, timeZone: string, schedule: Schedule, horizon: number): Date | undefined {
  const local = localTime(instant, timeZone);
  for (let offset = 0; offset <= SEARCH_HORIZON_DAYS + 1; offset++) {
    const day = addDays(local, offset);
    const today = hoursOn(day, schedule);
    if ('closed' in today) continue;
    const [start, end] = today.hours;
    if (offset === 0 && local.hour >= end) continue;
    const opening = offset === 0 && local.hour >= start ? instant : atLocalHour(day, start, timeZone);
    return opening.getTime() <= horizon ? opening : undefined;
  }
  return undefined;
}

function check(instant: Date, schedule: Schedule): ContactCheck {
  for (const zone of schedule.zones) {
    const refusal = refusalIn(instant, zone, schedule);
    if (refusal) return { allowed: false, reason: schedule.zones.length > 1 ? `${refusal} em ${zone}` : refusal, source: schedule.source };
  }
  return { allowed: true, source: schedule.source };
}

/**
 * Each zone gives its next opening from the candidate; the candidate moves to the latest of them until every
 * zone agrees. Nothing between the candidate and a zone's next opening is open in that zone, so no instant
 * open in all zones is skipped, and the loop jumps from opening to opening rather than testing every hour.
 */
function next(instant: Date, schedule: Schedule): NextAllowed {
  const first = check(instant, schedule);
  if (first.allowed) return { kind: 'now', at: instant, source: schedule.source };
  const horizon = instant.getTime() + SEARCH_HORIZON_DAYS * DAY_MS;
  let candidate = instant;
  for (let round = 0; round < 4 * (SEARCH_HORIZON_DAYS + 2) * schedule.zones.length; round++) {
    let latest = candidate;
    for (const zone of schedule.zones) {
      const opening = nextOpeningIn(candidate, zone, schedule, horizon);
      if (!opening) return { kind: 'none', reason: `${first.reason}; nothing open within ${SEARCH_HORIZON_DAYS} days`, source: schedule.source };
      if (opening.getTime() > latest.getTime()) latest = opening;
    }
    if (latest.getTime() === candidate.getTime()) return { kind: 'deferred', at: candidate, reason: first.reason, source: schedule.source };
    candidate = latest;
  }
  return { kind: 'none', reason: `${first.reason}; nothing open within ${SEARCH_HORIZON_DAYS} days`, source: schedule.source };
}

function scheduleFor(ctx: ContactContext): Schedule {
  const { window, source } = windowFor({ uf: ctx.uf, channel: ctx.channel, tenantRules: ctx.tenantRules });
  const place = { uf: ctx.uf, municipality: ctx.municipality, calendars: ctx.calendars };
  // An unknown zone usually means an unknown place, and then isHoliday keeps to national holidays; a known
  // state's holidays still count in every zone tried.
  return { window, source, zones: ctx.timeZone ? [ctx.timeZone] : BRAZILIAN_OFFSET_ZONES, holidayOn: (date) => isHoliday(date, place) };
}

/** Whether the debtor may be contacted on the channel at `instant`, and if not, why. */
export function isContactAllowed(instant: Date, ctx: ContactContext): ContactCheck {
  return check(instant, scheduleFor(ctx));
}

/** The first instant at or after `instant` the debtor may be contacted on the channel, searching 15 days ahead. */
export function nextAllowedTime(instant: Date, ctx: ContactContext): NextAllowed {
  return next(instant, scheduleFor(ctx));
}

/**
 * The window for the debtor's state on a channel; without a channel, one lawful for every channel (the
 * intersection). States without a law of their own get the strictest known window, never São Paulo's.
 */
export function contactWindowFor(uf: string | undefined, channel?: ContactChannel): ContactWindow {
  return channel ? windowFor({ uf, channel }).window : windowForAnyChannel(uf);
}

/** For callers that hold only a window: national holidays close it when the window closes on holidays (the place is unknown). */
function windowSchedule(timeZone: string | undefined, window: ContactWindow): Schedule {
  return { window, source: 'contact window', zones: timeZone ? [timeZone] : BRAZILIAN_OFFSET_ZONES, holidayOn: (date) => isHoliday(date) };
}

/** Whether the instant is inside the window in the debtor's zone, or, when the zone is unknown, in every Brazilian zone. */
export function isWithinContactHours(instant: Date, timeZone: string | undefined, window: ContactWindow): boolean {
  return check(instant, windowSchedule(timeZone, window)).allowed;
}

/** The first allowed instant at or after `instant`, searching at most 15 days ahead. */
export function nextContactTime(instant: Date, timeZone: string | undefined, window: ContactWindow): Date {
  const found = next(instant, windowSchedule(timeZone, window));
  if (found.kind === 'none') throw new Error(`no contact window within ${SEARCH_HORIZON_DAYS} days in ${timeZone ?? 'every Brazilian time zone'}`);
  return found.at;
}
