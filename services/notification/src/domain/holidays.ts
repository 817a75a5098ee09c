import Holidays from 'date-holidays';
import { z } from 'zod';
import { parseUf, UfSchema, type Uf } from './contact-rules.ts';

/**
 * Holidays in the debtor's place: national and state ones from date-holidays (only its `public` type: it also
 * returns `bank` for Carnival and Corpus Christi where they are not holidays by law, `optional` for Christmas
 * and New Year's Eve afternoons and `observance` for Mother's Day and the like), a built-in supplement for
 * national holidays the library misses, and tenant calendars for municipal holidays and anything else.
 */

function isCalendarDate(value: string): boolean {
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** `YYYY-MM-DD` for a single year, or `MM-DD` for every year (29 February then only in leap years). */
const HolidayDateSchema = z.union([
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine(isCalendarDate, { message: 'not a calendar date' }),
  z.string().regex(/^\d{2}-\d{2}$/).refine((monthDay) => isCalendarDate(`2024-${monthDay}`), { message: 'not a month and day' }),
]);

const entryFields = { date: HolidayDateSchema, name: z.string().min(1) };

export const HolidayEntrySchema = z.discriminatedUnion('scope', [
  z.object({ scope: z.literal('national'), ...entryFields }),
  z.object({ scope: z.literal('uf'), uf: UfSchema, ...entryFields }),
  z
    .object({
      scope: z.literal('municipality'),
      /** IBGE municipality code, 7 digits (3550308 = São Paulo). */
      ibge: z.string().regex(/^\d{7}$/).optional(),
      city: z.string().min(1).optional(),
      uf: UfSchema.optional(),
      ...entryFields,
    })
    .refine((entry) => entry.ibge !== undefined || (entry.city !== undefined && entry.uf !== undefined), { message: 'a municipal holiday needs the IBGE code, or the city name and its uf' }),
]);
export type HolidayEntry = z.infer<typeof HolidayEntrySchema>;

export const HolidayCalendarSchema = z.object({ name: z.string().min(1), holidays: z.array(HolidayEntrySchema) });
export type HolidayCalendar = z.infer<typeof HolidayCalendarSchema>;

/** Where the debtor lives, as far as enrichment knows: IBGE code and/or city name (with its uf). */
export interface Municipality {
  ibge?: string | undefined;
  name?: string | undefined;
  uf?: string | undefined;
}

export interface HolidayPlace {
  uf?: string | undefined;
  municipality?: Municipality | undefined;
  calendars?: readonly HolidayCalendar[] | undefined;
}

/** National holidays date-holidays 3.37.0 does not give for every state. */
const NATIONAL_SUPPLEMENT: ReadonlyArray<{ monthDay: string; name: string; fromYear: number }> = [
  // Lei 14.759/2023 (DOU 22/12/2023): 20 November, Dia Nacional de Zumbi e da Consciência Negra, national holiday
  // from 2024. The library has it for BR, but its SP, RJ, AM and MT data end their former state holiday on
  // 2023-12-21, which drops the national one for those states.
  { monthDay: '11-20', name: 'Dia Nacional de Zumbi e da Consciência Negra', fromYear: 2024 },
];

const NATIONAL = 'BR';
const calendarsByPlace = new Map<Uf | typeof NATIONAL, Holidays>();
const holidaysByPlaceAndYear = new Map<string, ReadonlyMap<string, string>>();

/** Public holidays for the state (or national only), one map per (place, year): this is called in hot loops. */
function publicHolidays(place: Uf | typeof NATIONAL, year: number): ReadonlyMap<string, string> {
  const key = `${place}:${year}`;
  const cached = holidaysByPlaceAndYear.get(key);
  if (cached) return cached;
  let calendar = calendarsByPlace.get(place);
  if (!calendar) {
    calendar = place === NATIONAL ? new Holidays('BR') : new Holidays('BR', place);
    calendarsByPlace.set(place, calendar);
  }
  const byDate = new Map<string, string>();
  for (const holiday of calendar.getHolidays(year)) {
    if (holiday.type === 'public' && !byDate.has(holiday.date.slice(0, 10))) byDate.set(holiday.date.slice(0, 10), holiday.name);
  }
  for (const extra of NATIONAL_SUPPLEMENT) {
    const date = `${year}-${extra.monthDay}`;
    if (year >= extra.fromYear && !byDate.has(date)) byDate.set(date, extra.name);
  }
  holidaysByPlaceAndYear.set(key, byDate);
  return byDate;
}

const normaliseCity = (city: string) => city.normalize('NFD').replace(/\p{Diacritic}/gu, '').trim().replace(/\s+/g, ' ').toLowerCase();

type CompiledCalendar = ReadonlyMap<string, readonly HolidayEntry[]>;
const compiledCalendars = new WeakMap<HolidayCalendar, CompiledCalendar>();

/** Entries indexed by their date key (`YYYY-MM-DD` or `MM-DD`), once per calendar object. */
function compile(calendar: HolidayCalendar): CompiledCalendar {
  const cached = compiledCalendars.get(calendar);
  if (cached) return cached;
  const byKey = new Map<string, HolidayEntry[]>();
  for (const entry of calendar.holidays) {
    const normalised = entry.scope === 'municipality' && entry.city !== undefined ? { ...entry, city: normaliseCity(entry.city) } : entry;
    byKey.set(entry.date, [...(byKey.get(entry.date) ?? []), normalised]);
  }
  compiledCalendars.set(calendar, byKey);
  return byKey;
}

function appliesTo(entry: HolidayEntry, uf: Uf | undefined, municipality: Municipality | undefined): boolean {
  switch (entry.scope) {
    case 'national':
      return true;
    case 'uf':
      return entry.uf === uf;
    case 'municipality': {
      if (!municipality) return false;
      if (entry.ibge !== undefined && entry.ibge === municipality.ibge) return true;
      const municipalityUf = parseUf(municipality.uf) ?? uf;
      return entry.city !== undefined && municipality.name !== undefined && entry.uf === municipalityUf && entry.city === normaliseCity(municipality.name);
    }
  }
}

/**
 * The name of the holiday on `localDate` (the debtor's own calendar date, `YYYY-MM-DD`) where they live, or
 * undefined. When the state is unknown only national holidays count (library, supplement and tenant national
 * entries): the debtor may be in any state, and closing on every state's and city's holidays would close a
 * working day somewhere in Brazil nearly every week; the strictest contact window already applies to them.
 */
export function isHoliday(localDate: string, { uf, municipality, calendars = [] }: HolidayPlace = {}): string | undefined {
  const year = Number(localDate.slice(0, 4));
  if (!Number.isInteger(year) || localDate.length !== 10) throw new RangeError(`expected a YYYY-MM-DD date, got ${localDate}`);
  const state = parseUf(uf ?? municipality?.uf);
  const fromLibrary = publicHolidays(state ?? NATIONAL, year).get(localDate);
  if (fromLibrary) return fromLibrary;
  const monthDay = localDate.slice(5);
  for (const calendar of calendars) {
    const compiled = compile(calendar);
    const entries = [...(compiled.get(localDate) ?? []), ...(compiled.get(monthDay) ?? [])];
    const found = entries.find((entry) => (state === undefined ? entry.scope === 'national' : appliesTo(entry, state, municipality)));
    if (found) return found.name;
  }
  return undefined;
}
