import { ValidationError } from '@regua/errors';
import {
  BRAZILIAN_UFS,
  channelBlockedBySelfRegulation,
  ContactRulesConfigSchema,
  mergeContactRules,
  STATE_CONTACT_LAWS,
  STRICTEST_KNOWN_SOURCE,
  STRICTEST_KNOWN_WINDOW,
  windowFor,
  windowForAnyChannel,
} from './contact-rules.ts';

const WEEKDAYS_09_19 = { mon: [9, 19], tue: [9, 19], wed: [9, 19], thu: [9, 19], fri: [9, 19] } as const;

describe('the built-in table of state laws', () => {
  test('Given the known laws (SP, AL, RJ), then the strictest known window is their intersection: Mon–Fri 09–19, no Saturday, no Sunday, no holidays', () => {
    expect(STRICTEST_KNOWN_WINDOW).toEqual({ byWeekday: [null, [9, 19], [9, 19], [9, 19], [9, 19], [9, 19], null], closedOnHolidays: true });
  });

  test('Given each law, then it names its source and the channels its text covers', () => {
    expect(STATE_CONTACT_LAWS.map((law) => [law.source, law.channels])).toEqual([
      ['SP Lei 15.426/2014', ['voice']],
      ['AL Lei 7.782/2016', ['voice', 'sms', 'whatsapp']],
      ['RJ Lei 7.868/2018', ['voice']],
    ]);
  });
});

describe('windowFor a state and channel', () => {
  test("Given a call to a debtor in São Paulo, then São Paulo's law applies (Saturday 08–14)", () => {
    expect(windowFor({ uf: 'SP', channel: 'voice' })).toEqual({ window: { byWeekday: [null, [8, 20], [8, 20], [8, 20], [8, 20], [8, 20], [8, 14]], closedOnHolidays: true }, source: 'SP Lei 15.426/2014' });
  });

  test("Given an e-mail, SMS or WhatsApp to a debtor in São Paulo, then the call law does not cover it and the strictest known window applies", () => {
    for (const channel of ['email', 'sms', 'whatsapp'] as const) {
      expect(windowFor({ uf: 'SP', channel })).toEqual({ window: STRICTEST_KNOWN_WINDOW, source: STRICTEST_KNOWN_SOURCE });
    }
  });

  test("Given an SMS or WhatsApp in Alagoas, whose law covers text messages, then Alagoas' law applies; an e-mail there gets the strictest window", () => {
    expect(windowFor({ uf: 'AL', channel: 'sms' }).source).toBe('AL Lei 7.782/2016');
    expect(windowFor({ uf: 'AL', channel: 'whatsapp' }).source).toBe('AL Lei 7.782/2016');
    expect(windowFor({ uf: 'AL', channel: 'email' })).toEqual({ window: STRICTEST_KNOWN_WINDOW, source: STRICTEST_KNOWN_SOURCE });
  });

  test("Given a call in Minas Gerais, a state with no law, then the strictest known window applies, never São Paulo's", () => {
    expect(windowFor({ uf: 'MG', channel: 'voice' })).toEqual({ window: STRICTEST_KNOWN_WINDOW, source: STRICTEST_KNOWN_SOURCE });
  });

  test('Given an unknown or unrecognised state, then the strictest known window applies; a lower-case UF is still recognised', () => {
    expect(windowFor({ uf: undefined, channel: 'voice' })).toEqual({ window: STRICTEST_KNOWN_WINDOW, source: 'strictest known rule (state unknown)' });
    expect(windowFor({ uf: 'XX', channel: 'voice' }).window).toEqual(STRICTEST_KNOWN_WINDOW);
    expect(windowFor({ uf: 'sp', channel: 'voice' }).source).toBe('SP Lei 15.426/2014');
  });

  test('Given no channel, then the window is one lawful on every channel of the state', () => {
    for (const uf of BRAZILIAN_UFS) expect(windowForAnyChannel(uf)).toEqual(STRICTEST_KNOWN_WINDOW);
  });
});

describe('mergeContactRules: tenant rules may only be stricter than the law', () => {
  test("Given a tenant rule narrower than São Paulo's law, then it applies to that state and channel only", () => {
    const tenantRules = mergeContactRules({ rules: [{ name: 'calls 10–18', uf: 'SP', channels: ['voice'], hours: { mon: [10, 18], fri: [10, 18], sat: [9, 12] } }] });

    expect(windowFor({ uf: 'SP', channel: 'voice', tenantRules })).toEqual({
      window: { byWeekday: [null, [10, 18], null, null, null, [10, 18], [9, 12]], closedOnHolidays: true },
      source: 'calls 10–18 (tenant, within SP Lei 15.426/2014)',
    });
    expect(windowFor({ uf: 'RJ', channel: 'voice', tenantRules }).source).toBe('RJ Lei 7.868/2018');
    expect(windowFor({ uf: 'SP', channel: 'sms', tenantRules }).source).toBe(STRICTEST_KNOWN_SOURCE);
  });

  test('Given an unknown state, then every tenant rule for the channel narrows the window (the debtor may be in any of those states)', () => {
    const tenantRules = mergeContactRules({ rules: [{ name: 'MG e-mail 12–17', uf: 'MG', channels: ['email'], hours: { ...WEEKDAYS_09_19, tue: [12, 17] } }] });

    expect(windowFor({ channel: 'email', tenantRules }).window.byWeekday[2]).toEqual([12, 17]);
    expect(windowFor({ uf: 'SP', channel: 'email', tenantRules }).window.byWeekday[2]).toEqual([9, 19]);
  });

  test("Given a tenant rule allowing Saturday 08–16 calls in São Paulo, then it is rejected naming the state, channel and day", () => {
    const looser = { rules: [{ uf: 'SP', channels: ['voice'], hours: { sat: [8, 16] } }] };

    expect(() => mergeContactRules(looser)).toThrow(ValidationError);
    expect(() => mergeContactRules(looser)).toThrow('tenant rule for SP/voice is looser than SP Lei 15.426/2014: Saturday 08–16 where the rule allows 08–14');
  });

  test('Given a tenant rule allowing Saturday e-mails in Minas Gerais, then it is rejected against the strictest known window', () => {
    expect(() => mergeContactRules({ rules: [{ uf: 'MG', channels: ['email'], hours: { ...WEEKDAYS_09_19, sat: [9, 12] } }] })).toThrow(
      'tenant rule for MG/email is looser than strictest known rule (no state law for this channel): Saturday 09–12 where the rule allows closed',
    );
  });

  test('Given a tenant rule that opens on holidays, then it is rejected', () => {
    expect(() => mergeContactRules({ rules: [{ uf: 'RJ', channels: ['voice'], hours: WEEKDAYS_09_19, closedOnHolidays: false }] })).toThrow('RJ/voice is looser than RJ Lei 7.868/2018: open on holidays');
  });

  test('Given a rule for several channels, then each channel is checked against its own law', () => {
    // 08–20 on weekdays is São Paulo's law for calls but looser than the strictest window that e-mail gets there.
    expect(() => mergeContactRules({ rules: [{ uf: 'SP', channels: ['voice', 'email'], hours: { mon: [8, 20] } }] })).toThrow(/SP\/email is looser/);
  });

  test('Given malformed rules (unknown UF, end before start, an unknown weekday), then a validation error lists the fields', () => {
    const attempt = () => mergeContactRules({ rules: [{ uf: 'ZZ', channels: ['fax'], hours: { mon: [19, 9], funday: [9, 10] } }] });

    expect(attempt).toThrow(ValidationError);
    try {
      attempt();
    } catch (error) {
      expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual(expect.arrayContaining(['rules[0].uf', 'rules[0].channels[0]', 'rules[0].hours.mon']));
    }
  });

  test('Given no configuration, then the built-in laws apply and SARB 27/2023 is on', () => {
    const tenantRules = mergeContactRules({});
    expect(tenantRules.tenantRules).toEqual([]);
    expect(tenantRules.sarb27).toBe(true);
    expect(ContactRulesConfigSchema.parse({ sarb27: false }).sarb27).toBe(false);
  });
});

describe('channelBlockedBySelfRegulation (SARB 27/2023)', () => {
  test('Given a debt more than 1,825 days overdue and SARB 27 on, then calls are blocked with the reason', () => {
    expect(channelBlockedBySelfRegulation({ channel: 'voice', daysPastDue: 1_826, sarb27: true })).toBe('SARB 27/2023: sem cobrança por telefone de dívida com mais de 1825 dias de atraso (1826 dias)');
  });

  test('Given exactly 1,825 days, another channel, or SARB 27 off, then nothing is blocked', () => {
    expect(channelBlockedBySelfRegulation({ channel: 'voice', daysPastDue: 1_825, sarb27: true })).toBeUndefined();
    expect(channelBlockedBySelfRegulation({ channel: 'sms', daysPastDue: 3_000, sarb27: true })).toBeUndefined();
    expect(channelBlockedBySelfRegulation({ channel: 'voice', daysPastDue: 3_000, sarb27: false })).toBeUndefined();
  });
});
