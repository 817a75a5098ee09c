import { contactWindowFor, isWithinContactHours, nextContactTime } from './contact-hours.ts';

// Brazil has had no daylight saving time since 2019: São Paulo is UTC-3 and Manaus UTC-4 all year.
// 2026-11-24 is a Tuesday, 2026-11-28 a Saturday, 2026-11-29 a Sunday, 2026-11-30 a Monday.
const SP = 'America/Sao_Paulo';
const MANAUS = 'America/Manaus';
/** An instant given as São Paulo wall-clock time (UTC-3). */
const spTime = (date: string, time: string) => new Date(`${date}T${time}:00-03:00`);

const SP_RULE = contactWindowFor('SP');
const RJ_RULE = contactWindowFor('RJ');

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

  test('Given a state with no rule of its own (or none known), then São Paulo\'s rule applies', () => {
    expect(contactWindowFor('MG')).toEqual(SP_RULE);
    expect(contactWindowFor(undefined)).toEqual(SP_RULE);
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

  test('Given a rule that never allows contact, then it gives up after eight days', () => {
    expect(() => nextContactTime(spTime('2026-11-24', '10:00'), SP, { byWeekday: [null, null, null, null, null, null, null] })).toThrow(/eight days/);
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
