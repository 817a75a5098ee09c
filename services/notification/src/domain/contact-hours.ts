/**
 * When a debtor may be contacted, in their own local time. State laws differ: São Paulo (Lei
 * 15.426/2014) and Alagoas (Lei 7.782/2016) allow Mon–Fri 08–20 and Sat 08–14; Rio de Janeiro (Lei
 * 7.868/2018) only Mon–Fri 09–19; no state allows Sundays. Stricter rules can be set per tenant.
 */
export interface ContactWindow {
  /** Index 0 = Sunday; [startHour, endHour) in local time, or null for no contact that day. */
  byWeekday: ReadonlyArray<readonly [number, number] | null>;
}

const SAO_PAULO_RULE: ContactWindow = { byWeekday: [null, [8, 20], [8, 20], [8, 20], [8, 20], [8, 20], [8, 14]] };
const RIO_RULE: ContactWindow = { byWeekday: [null, [9, 19], [9, 19], [9, 19], [9, 19], [9, 19], null] };

/** The strictest rule we know of applies where a state has none of its own. */
export function contactWindowFor(uf: string | undefined): ContactWindow {
  return uf === 'RJ' ? RIO_RULE : SAO_PAULO_RULE;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * One zone per UTC offset Brazil uses (no daylight saving since 2019): Fernando de Noronha −2, Brasília −3,
 * Amazonas −4, Acre −5. A debtor whose zone is unknown may be anywhere among them.
 */
export const BRAZILIAN_OFFSET_ZONES = ['America/Noronha', 'America/Sao_Paulo', 'America/Manaus', 'America/Rio_Branco'] as const;

function localParts(instant: Date, timeZone: string): { weekday: number; hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { weekday: WEEKDAYS.indexOf(get('weekday')), hour: Number(get('hour')), minute: Number(get('minute')) };
}

function isWithinZone(instant: Date, timeZone: string, window: ContactWindow): boolean {
  const { weekday, hour } = localParts(instant, timeZone);
  const hours = window.byWeekday[weekday];
  return hours != null && hour >= hours[0] && hour < hours[1];
}

/** Whether the instant is inside the window in the debtor's zone, or, when the zone is unknown, in every Brazilian zone. */
export function isWithinContactHours(instant: Date, timeZone: string | undefined, window: ContactWindow): boolean {
  return timeZone ? isWithinZone(instant, timeZone, window) : BRAZILIAN_OFFSET_ZONES.every((zone) => isWithinZone(instant, zone, window));
}

/** The first allowed instant at or after `instant` (to the minute), searching at most eight days ahead. */
export function nextContactTime(instant: Date, timeZone: string | undefined, window: ContactWindow): Date {
  if (isWithinContactHours(instant, timeZone, window)) return instant;
  // Step to the top of each following hour: windows open on whole hours, and every Brazilian offset is whole hours.
  const { minute } = localParts(instant, timeZone ?? 'America/Sao_Paulo');
  let candidate = new Date(instant.getTime() + (60 - minute) * 60_000 - (instant.getTime() % 60_000));
  for (let i = 0; i < 8 * 24; i++) {
    if (isWithinContactHours(candidate, timeZone, window)) return candidate;
    candidate = new Date(candidate.getTime() + 3_600_000);
  }
  throw new Error(`no contact window within eight days in ${timeZone ?? 'every Brazilian time zone'}`);
}
