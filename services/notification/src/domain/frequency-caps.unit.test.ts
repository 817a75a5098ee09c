import { checkFrequencyCaps, DEFAULT_FREQUENCY_CAPS, FrequencyCapsSchema, type ContactAttempt } from './frequency-caps.ts';

const SP = 'America/Sao_Paulo';
/** An instant given as São Paulo wall-clock time (UTC-3). 2026-11-24 is a Tuesday. */
const spTime = (date: string, time: string) => new Date(`${date}T${time}:00-03:00`);
const attempt = (at: Date, channel: ContactAttempt['channel'] = 'sms'): ContactAttempt => ({ at, channel });

describe('checkFrequencyCaps (defaults: 1 a day, 3 in rolling 7 days, all channels together)', () => {
  test('Given no past attempts, then the contact is allowed', () => {
    expect(DEFAULT_FREQUENCY_CAPS).toEqual({ perDay: 1, perWeek: 3 });
    expect(checkFrequencyCaps({ attempts: [], candidate: spTime('2026-11-24', '10:00'), timeZone: SP })).toEqual({ allowed: true });
  });

  test('Given a contact earlier the same local day, then the next is refused until the start of the next local day', () => {
    expect(checkFrequencyCaps({ attempts: [attempt(spTime('2026-11-24', '09:10'), 'email')], candidate: spTime('2026-11-24', '15:00'), timeZone: SP })).toEqual({
      allowed: false,
      reason: 'limite de 1 contato(s) por dia: 1 em 2026-11-24',
      notBefore: spTime('2026-11-25', '00:00'),
    });
  });

  test('Given a contact at 23:30 local the day before (already the next day in UTC), then today is a new local day and the contact is allowed', () => {
    const lateYesterday = spTime('2026-11-23', '23:30');
    expect(lateYesterday.toISOString().slice(0, 10)).toBe('2026-11-24');
    expect(checkFrequencyCaps({ attempts: [attempt(lateYesterday)], candidate: spTime('2026-11-24', '10:00'), timeZone: SP })).toEqual({ allowed: true });
  });

  test('Given three contacts on the 19th, 21st and 23rd, then the 24th and 25th are refused and the 26th (19th out of the window) is allowed', () => {
    const attempts = [attempt(spTime('2026-11-19', '10:00'), 'email'), attempt(spTime('2026-11-21', '10:00'), 'whatsapp'), attempt(spTime('2026-11-23', '10:00'), 'voice')];

    expect(checkFrequencyCaps({ attempts, candidate: spTime('2026-11-24', '10:00'), timeZone: SP })).toEqual({
      allowed: false,
      reason: 'limite de 3 contato(s) em 7 dias: 3 entre 2026-11-18 e 2026-11-24',
      notBefore: spTime('2026-11-26', '00:00'),
    });
    expect(checkFrequencyCaps({ attempts, candidate: spTime('2026-11-26', '09:00'), timeZone: SP })).toEqual({ allowed: true });
  });

  test('Given the day already used and the week nearly full, then notBefore is the first day both caps allow', () => {
    const attempts = [attempt(spTime('2026-11-20', '10:00')), attempt(spTime('2026-11-22', '10:00')), attempt(spTime('2026-11-24', '09:00'))];

    // 25th: window 19–25 holds all three; 26th: window 20–26 still does; 27th: window 21–27 holds two.
    expect(checkFrequencyCaps({ attempts, candidate: spTime('2026-11-24', '15:00'), timeZone: SP })).toMatchObject({ allowed: false, reason: expect.stringMatching(/por dia/), notBefore: spTime('2026-11-27', '00:00') });
  });

  test('Given a debtor in Manaus (UTC−4), then days and notBefore follow Manaus midnight', () => {
    const attempts = [attempt(new Date('2026-11-24T14:00:00Z'))];
    expect(checkFrequencyCaps({ attempts, candidate: new Date('2026-11-25T03:30:00Z'), timeZone: 'America/Manaus' })).toEqual({
      allowed: false,
      reason: 'limite de 1 contato(s) por dia: 1 em 2026-11-24',
      notBefore: new Date('2026-11-25T04:00:00Z'),
    });
  });

  test("Given an unknown time zone, then days are counted in São Paulo's calendar", () => {
    // 02:30 UTC on the 24th is 23:30 on the 23rd in São Paulo (but already the 24th in Noronha).
    const attempts = [attempt(new Date('2026-11-24T02:30:00Z'))];
    expect(checkFrequencyCaps({ attempts, candidate: new Date('2026-11-24T14:00:00Z') })).toEqual({ allowed: true });
    expect(checkFrequencyCaps({ attempts, candidate: new Date('2026-11-23T14:00:00Z') })).toMatchObject({ allowed: false, notBefore: new Date('2026-11-24T03:00:00Z') });
  });

  test("Given a tenant's caps of two a day, then the second contact of the day is allowed and the third is not", () => {
    const caps = FrequencyCapsSchema.parse({ perDay: 2, perWeek: 5 });
    const attempts = [attempt(spTime('2026-11-24', '09:00'))];
    expect(checkFrequencyCaps({ attempts, candidate: spTime('2026-11-24', '15:00'), timeZone: SP, caps })).toEqual({ allowed: true });
    expect(checkFrequencyCaps({ attempts: [...attempts, attempt(spTime('2026-11-24', '15:00'))], candidate: spTime('2026-11-24', '17:00'), timeZone: SP, caps })).toMatchObject({ allowed: false });
  });

  test('Given caps of zero or fractions, then the schema rejects them; missing fields take the defaults', () => {
    expect(FrequencyCapsSchema.safeParse({ perDay: 0 }).success).toBe(false);
    expect(FrequencyCapsSchema.safeParse({ perWeek: 2.5 }).success).toBe(false);
    expect(FrequencyCapsSchema.parse({ perWeek: 4 })).toEqual({ perDay: 1, perWeek: 4 });
  });
});
