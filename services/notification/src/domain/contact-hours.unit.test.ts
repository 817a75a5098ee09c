import { contactWindowFor, isContactAllowed, isWithinContactHours, nextAllowedTime, nextContactTime } from './contact-hours.ts';
import { mergeContactRules, STRICTEST_KNOWN_WINDOW } from './contact-rules.ts';
import { HolidayCalendarSchema } from './holidays.ts';

// Brazil has had no daylight saving time since 2019: São Paulo is UTC-3 and Manaus UTC-4 all year.
// 2026-11-24 is a Tuesday, 2026-11-28 a Saturday, 2026-11-29 a Sunday, 2026-11-30 a Monday.
const SP = 'America/Sao_Paulo';
const MANAUS = 'America/Manaus';
/** An instant given as São Paulo wall-clock time (UTC-3). */
const spTime = (date: string, time: string) => new Date(`${date}T${time}:00-03:00`);

// Both laws cover collection calls: these are the voice windows.
const SP_RULE = contactWindowFor('SP', 'voice');
const RJ_RULE = contactWindowFor('RJ', 'voice');

describe('isWithinContactHours for a debtor in São Paulo (Mon–Fri 08–20, Sat 08–14)', () => {
  test.each([
    ['07:59', false],
    ['08:00', true],
    ['12:30', true],
    ['19:59', true],
    ['20:00', false],
    ['23:30', false],
  ])('Given Tuesday %s local time, then contact allowed is %p', (time, allowed) => {
    expect(isWithinContactHours(spTime('2026-11-24', time), SP, SP_RULE)).toBe(allowed);
  });

  test('Given Tuesday 08:00 local is 11:00 UTC, then the UTC instant is judged by local time', () => {
    expect(isWithinContactHours(new Date('2026-11-24T11:00:00Z'), SP, SP_RULE)).toBe(true);
    expect(isWithinContactHours(new Date('2026-11-24T10:59:00Z'), SP, SP_RULE)).toBe(false);
  });

  test.each([
    ['07:59', false],
    ['08:00', true],
    ['13:59', true],
    ['14:00', false],
  ])('Given Saturday %s local time, then contact allowed is %p', (time, allowed) => {
    expect(isWithinContactHours(spTime('2026-11-28', time), SP, SP_RULE)).toBe(allowed);
  });

  test('Given any hour of a Sunday, then contact is never allowed', () => {
    for (let hour = 0; hour < 24; hour++) {
      const time = `${String(hour).padStart(2, '0')}:30`;
      expect(isWithinContactHours(spTime('2026-11-29', time), SP, SP_RULE)).toBe(false);
    }
  });

  test("Given a state with no law of its own (or none known), then the strictest known window applies, not São Paulo's", () => {
    expect(contactWindowFor('MG', 'voice')).toEqual(STRICTEST_KNOWN_WINDOW);
    expect(contactWindowFor(undefined, 'voice')).toEqual(STRICTEST_KNOWN_WINDOW);
    expect(contactWindowFor('MG', 'voice')).not.toEqual(SP_RULE);
  });

  test("Given no channel, then the window is one lawful for every channel: São Paulo's call law does not cover texts, so the strictest window", () => {
    expect(contactWindowFor('SP')).toEqual(STRICTEST_KNOWN_WINDOW);
  });
});

describe('isWithinContactHours for a debtor in Rio de Janeiro (Mon–Fri 09–19, no Saturday)', () => {
  test.each([
    ['08:59', false],
    ['09:00', true],
    ['18:59', true],
    ['19:00', false],
  ])('Given Tuesday %s local time, then contact allowed is %p', (time, allowed) => {
    expect(isWithinContactHours(spTime('2026-11-24', time), SP, RJ_RULE)).toBe(allowed);
  });

  test('Given a Saturday morning that São Paulo would allow, then Rio does not', () => {
    const saturdayTen = spTime('2026-11-28', '10:00');
    expect(isWithinContactHours(saturdayTen, SP, SP_RULE)).toBe(true);
    expect(isWithinContactHours(saturdayTen, SP, RJ_RULE)).toBe(false);
  });
});

describe('nextContactTime', () => {
  test('Given an instant inside the window, then it is returned unchanged', () => {
    const tuesdayTen = spTime('2026-11-24', '10:17');
    expect(nextContactTime(tuesdayTen, SP, SP_RULE)).toEqual(tuesdayTen);
  });

  test('Given Saturday 15:00 in São Paulo, then the next allowed time is Monday 08:00 local (11:00 UTC)', () => {
    expect(nextContactTime(spTime('2026-11-28', '15:00'), SP, SP_RULE)).toEqual(new Date('2026-11-30T11:00:00Z'));
  });

  test('Given Saturday 15:37 with seconds, then the next allowed time is still exactly Monday 08:00 local', () => {
    expect(nextContactTime(new Date('2026-11-28T18:37:42.500Z'), SP, SP_RULE)).toEqual(spTime('2026-11-30', '08:00'));
  });

  test('Given Tuesday 20:00 in Rio, then the next allowed time is Wednesday 09:00 local', () => {
    expect(nextContactTime(spTime('2026-11-24', '20:00'), SP, RJ_RULE)).toEqual(spTime('2026-11-25', '09:00'));
  });

  test('Given Friday 19:30 in Rio, then the weekend is skipped to Monday 09:00 local', () => {
    expect(nextContactTime(spTime('2026-11-27', '19:30'), SP, RJ_RULE)).toEqual(spTime('2026-11-30', '09:00'));
  });

  test('Given 11:30 UTC on a Tuesday for a debtor in Manaus (07:30 local, UTC-4), then contact waits until 08:00 local, 12:00 UTC', () => {
    const instant = new Date('2026-11-24T11:30:00Z');

    // The same instant is 08:30 in São Paulo, inside that window: the debtor's own zone decides.
    expect(isWithinContactHours(instant, SP, SP_RULE)).toBe(true);
    expect(isWithinContactHours(instant, MANAUS, SP_RULE)).toBe(false);
    expect(nextContactTime(instant, MANAUS, SP_RULE)).toEqual(new Date('2026-11-24T12:00:00Z'));
  });

  test('Given a rule that never allows contact, then it gives up after 15 days', () => {
    expect(() => nextContactTime(spTime('2026-11-24', '10:00'), SP, { byWeekday: [null, null, null, null, null, null, null] })).toThrow(/15 days/);
  });

  test('Given Christmas Day (a Friday) under a window closed on holidays, then the next allowed time is Saturday 08:00 local', () => {
    expect(isWithinContactHours(spTime('2026-12-25', '10:00'), SP, SP_RULE)).toBe(false);
    expect(nextContactTime(spTime('2026-12-25', '10:00'), SP, SP_RULE)).toEqual(spTime('2026-12-26', '08:00'));
  });
});

describe('contact hours for a debtor whose time zone is unknown (no address): inside the window in every Brazilian zone, UTC−2 to UTC−5', () => {
  // Mon–Fri 08–20 everywhere: from 08:00 at UTC−5 (13:00 UTC) to 20:00 at UTC−2 (22:00 UTC), i.e. 10:00–19:00 in Brasília.
  test.each([
    ['2026-11-24T12:59:00Z', false, '07:59 in Acre'],
    ['2026-11-24T13:00:00Z', true, '08:00 in Acre, 11:00 in Noronha'],
    ['2026-11-24T21:59:00Z', true, '19:59 in Noronha'],
    ['2026-11-24T22:00:00Z', false, '20:00 in Noronha, 17:00 in Acre'],
  ])('Given Tuesday %s, then contact allowed is %p (%s)', (instant, allowed) => {
    expect(isWithinContactHours(new Date(instant), undefined, SP_RULE)).toBe(allowed);
  });

  test('Given 09:00 in São Paulo on a Tuesday, allowed where the zone is known, then not for an unknown zone (07:00 in Acre)', () => {
    const nineInSaoPaulo = spTime('2026-11-24', '09:00');
    expect(isWithinContactHours(nineInSaoPaulo, SP, SP_RULE)).toBe(true);
    expect(isWithinContactHours(nineInSaoPaulo, undefined, SP_RULE)).toBe(false);
    expect(nextContactTime(nineInSaoPaulo, undefined, SP_RULE)).toEqual(new Date('2026-11-24T13:00:00Z'));
  });

  test('Given Saturday, then the window shrinks to 08:00 in Acre through 14:00 in Noronha (13:00–16:00 UTC)', () => {
    expect(isWithinContactHours(new Date('2026-11-28T12:59:00Z'), undefined, SP_RULE)).toBe(false);
    expect(isWithinContactHours(new Date('2026-11-28T13:00:00Z'), undefined, SP_RULE)).toBe(true);
    expect(isWithinContactHours(new Date('2026-11-28T15:59:00Z'), undefined, SP_RULE)).toBe(true);
    expect(isWithinContactHours(new Date('2026-11-28T16:00:00Z'), undefined, SP_RULE)).toBe(false);
  });

  test("Given Friday 21:30 UTC under Rio's rule (09–19), then the next instant allowed everywhere is Monday 14:00 UTC (09:00 in Acre)", () => {
    expect(nextContactTime(new Date('2026-11-27T21:30:00Z'), undefined, RJ_RULE)).toEqual(new Date('2026-11-30T14:00:00Z'));
  });
});

describe('isContactAllowed / nextAllowedTime: the law of the debtor\'s state for the channel, closed on holidays', () => {
  // 2026-12-25 (Natal) and 2026-11-20 (Consciência Negra) are Fridays; 2026-12-08 a Tuesday; 2026-07-09 a Thursday.
  const saturdayTen = spTime('2026-11-28', '10:00');
  const inSaoPaulo = { uf: 'SP', timeZone: SP } as const;
  const inRio = { uf: 'RJ', timeZone: SP } as const;

  test("Given Saturday 10:00 on voice, then São Paulo's law allows the call and Rio's does not, and Rio's waits until Monday 09:00", () => {
    expect(isContactAllowed(saturdayTen, { ...inSaoPaulo, channel: 'voice' })).toEqual({ allowed: true, source: 'SP Lei 15.426/2014' });
    expect(isContactAllowed(saturdayTen, { ...inRio, channel: 'voice' })).toEqual({ allowed: false, reason: 'sábado (RJ Lei 7.868/2018)', source: 'RJ Lei 7.868/2018' });
    expect(nextAllowedTime(saturdayTen, { ...inRio, channel: 'voice' })).toEqual({ kind: 'deferred', at: spTime('2026-11-30', '09:00'), reason: 'sábado (RJ Lei 7.868/2018)', source: 'RJ Lei 7.868/2018' });
  });

  test("Given an e-mail to a debtor in São Paulo, then the call law does not cover it and the strictest known window applies (no Saturday, 09–19)", () => {
    expect(isContactAllowed(saturdayTen, { ...inSaoPaulo, channel: 'email' })).toMatchObject({ allowed: false, reason: 'sábado (strictest known rule (no state law for this channel))' });
    expect(isContactAllowed(spTime('2026-11-24', '08:30'), { ...inSaoPaulo, channel: 'email' })).toMatchObject({ allowed: false, reason: expect.stringMatching(/^fora do horário 09–19/) });
    expect(isContactAllowed(spTime('2026-11-24', '08:30'), { ...inSaoPaulo, channel: 'voice' })).toMatchObject({ allowed: true });
  });

  test("Given an SMS on Saturday in Alagoas, whose law covers text messages too, then Alagoas' hours apply; an e-mail there gets the strictest window", () => {
    expect(isContactAllowed(saturdayTen, { uf: 'AL', timeZone: 'America/Maceio', channel: 'sms' })).toEqual({ allowed: true, source: 'AL Lei 7.782/2016' });
    expect(isContactAllowed(saturdayTen, { uf: 'AL', timeZone: 'America/Maceio', channel: 'email' })).toMatchObject({ allowed: false });
  });

  test("Given a debtor in Minas Gerais (no state law), then Saturday and 08:30 are refused as under the strictest window, not allowed as under São Paulo's", () => {
    const inMinas = { uf: 'MG', timeZone: SP, channel: 'voice' } as const;
    expect(isContactAllowed(saturdayTen, inMinas)).toMatchObject({ allowed: false });
    expect(isContactAllowed(spTime('2026-11-24', '08:30'), inMinas)).toMatchObject({ allowed: false });
    expect(nextAllowedTime(spTime('2026-11-24', '08:30'), inMinas)).toMatchObject({ kind: 'deferred', at: spTime('2026-11-24', '09:00') });
  });

  test('Given Tuesday 20:00 in Rio, then the reason names the hours and the law', () => {
    expect(nextAllowedTime(spTime('2026-11-24', '20:00'), { ...inRio, channel: 'voice' })).toEqual({
      kind: 'deferred',
      at: spTime('2026-11-25', '09:00'),
      reason: 'fora do horário 09–19 (RJ Lei 7.868/2018)',
      source: 'RJ Lei 7.868/2018',
    });
  });

  test('Given Christmas Day, then it is closed in São Paulo (next: Saturday 08:00) and in Rio (next: Monday 09:00)', () => {
    const christmas = spTime('2026-12-25', '10:00');
    expect(nextAllowedTime(christmas, { ...inSaoPaulo, channel: 'voice' })).toEqual({ kind: 'deferred', at: spTime('2026-12-26', '08:00'), reason: 'feriado: Natal (SP Lei 15.426/2014)', source: 'SP Lei 15.426/2014' });
    expect(nextAllowedTime(christmas, { ...inRio, channel: 'voice' })).toMatchObject({ kind: 'deferred', at: spTime('2026-12-28', '09:00'), reason: 'feriado: Natal (RJ Lei 7.868/2018)' });
  });

  test('Given 20 November 2026 (national holiday since Lei 14.759/2023), then it is closed in São Paulo and Rio too, where date-holidays misses it', () => {
    const twentieth = spTime('2026-11-20', '10:00');
    expect(isContactAllowed(twentieth, { ...inSaoPaulo, channel: 'voice' })).toMatchObject({ allowed: false, reason: expect.stringMatching(/^feriado: .*Consciência Negra/) });
    expect(isContactAllowed(twentieth, { ...inRio, channel: 'voice' })).toMatchObject({ allowed: false });
    expect(nextAllowedTime(twentieth, { ...inSaoPaulo, channel: 'voice' })).toMatchObject({ at: spTime('2026-11-21', '08:00') });
  });

  test("Given a tenant's municipal holiday for Campinas, then it closes Campinas only, not the city of São Paulo", () => {
    const calendars = [HolidayCalendarSchema.parse({ name: 'municipal', holidays: [{ scope: 'municipality', ibge: '3509502', date: '12-08', name: 'Nossa Senhora da Conceição' }] })];
    const tuesday = spTime('2026-12-08', '10:00');
    expect(isContactAllowed(tuesday, { ...inSaoPaulo, channel: 'voice', calendars, municipality: { ibge: '3509502' } })).toMatchObject({ allowed: false, reason: 'feriado: Nossa Senhora da Conceição (SP Lei 15.426/2014)' });
    expect(isContactAllowed(tuesday, { ...inSaoPaulo, channel: 'voice', calendars, municipality: { ibge: '3550308' } })).toMatchObject({ allowed: true });
  });

  test("Given a tenant rule stricter than São Paulo's law, then its hours apply and the source names both", () => {
    const tenantRules = mergeContactRules({ rules: [{ name: 'no calls before 10', uf: 'SP', channels: ['voice'], hours: { mon: [10, 18], tue: [10, 18], wed: [10, 18], thu: [10, 18], fri: [10, 18] } }] });
    expect(nextAllowedTime(spTime('2026-11-24', '09:30'), { ...inSaoPaulo, channel: 'voice', tenantRules })).toEqual({
      kind: 'deferred',
      at: spTime('2026-11-24', '10:00'),
      reason: 'fora do horário 10–18 (no calls before 10 (tenant, within SP Lei 15.426/2014))',
      source: 'no calls before 10 (tenant, within SP Lei 15.426/2014)',
    });
  });

  test('Given a tenant calendar closing nine working days after a weekend, then the search reaches past the old eight-day horizon', () => {
    const holidays = ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10'].map((date) => ({ scope: 'national' as const, date, name: 'recesso' }));
    const calendars = [HolidayCalendarSchema.parse({ name: 'recesso', holidays })];
    expect(nextAllowedTime(spTime('2026-11-27', '19:30'), { uf: 'MG', timeZone: SP, channel: 'email', calendars })).toMatchObject({ kind: 'deferred', at: spTime('2026-12-11', '09:00'), reason: 'fora do horário 09–19 (strictest known rule (no state law for this channel))' });
  });

  test('Given a tenant rule that closes voice every day, then nothing is allowed within 15 days and the result says so instead of throwing', () => {
    const tenantRules = mergeContactRules({ rules: [{ name: 'no calls', uf: 'SP', channels: ['voice'], hours: {} }] });
    expect(nextAllowedTime(spTime('2026-11-24', '10:00'), { ...inSaoPaulo, channel: 'voice', tenantRules })).toMatchObject({ kind: 'none', reason: expect.stringMatching(/nothing open within 15 days/) });
  });
});

describe('isContactAllowed / nextAllowedTime for a debtor whose time zone is unknown', () => {
  test('Given 09:00 in São Paulo on a Tuesday for an e-mail with no state known, then it waits for 09:00 in Acre (14:00 UTC) and the reason names the zone', () => {
    expect(nextAllowedTime(spTime('2026-11-24', '09:00'), { channel: 'email' })).toEqual({
      kind: 'deferred',
      at: new Date('2026-11-24T14:00:00Z'),
      reason: 'fora do horário 09–19 (strictest known rule (state unknown)) em America/Manaus',
      source: 'strictest known rule (state unknown)',
    });
  });

  test('Given Christmas with neither zone nor state known, then the day is closed in every zone', () => {
    expect(isContactAllowed(new Date('2026-12-25T17:00:00Z'), { channel: 'sms' })).toMatchObject({ allowed: false, reason: expect.stringMatching(/^feriado: Natal/) });
    expect(nextAllowedTime(new Date('2026-12-25T17:00:00Z'), { channel: 'sms' })).toMatchObject({ at: new Date('2026-12-28T14:00:00Z') });
  });

  test("Given São Paulo's state holiday (9 July) with no state known, then only national holidays count and the day is open; with SP known it is closed", () => {
    const ninthOfJuly = new Date('2026-07-09T17:00:00Z');
    expect(isContactAllowed(ninthOfJuly, { channel: 'email' })).toMatchObject({ allowed: true });
    expect(isContactAllowed(ninthOfJuly, { uf: 'SP', channel: 'email' })).toMatchObject({ allowed: false, reason: expect.stringMatching(/^feriado: Revolução Constitucionalista/) });
  });
});
