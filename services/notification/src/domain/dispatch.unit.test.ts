import { cadenceFor } from './cadence.ts';
import { decideDispatch, firstStepDueAt, type OpenCase } from './dispatch.ts';

const DAY = 86_400_000;
// Tuesday 2026-11-24, 10:00 in São Paulo (UTC-3): inside contact hours.
const OPENED_AT = new Date('2026-11-24T13:00:00Z');
const ENFORCED = { enforceContactHours: true };

function openCase(overrides: Partial<OpenCase> = {}): OpenCase {
  return {
    segment: 'low_risk',
    openedAt: OPENED_AT,
    nextStep: 0,
    uf: 'SP',
    timeZone: 'America/Sao_Paulo',
    contacts: { emails: ['maria.silva@example.com'], mobilePhones: ['+5511987654321'] },
    message: { debtorName: 'Maria da Silva', creditorName: 'Banco Exemplo S.A.', amountCents: 123456, dueDate: '2026-11-05' },
    ...overrides,
  };
}

describe('decideDispatch', () => {
  test('Given a new low-risk case in contact hours, then the first step is sent on its channel with the rendered pt-BR text', () => {
    const firstStep = cadenceFor('low_risk')[0]!;

    const decision = decideDispatch(openCase(), OPENED_AT, ENFORCED);

    expect(decision).toMatchObject({ kind: 'send', step: 0, channel: firstStep.channel, template: firstStep.template });
    if (decision?.kind !== 'send') throw new Error('expected a send');
    expect(decision.address).toBe(firstStep.channel === 'email' ? 'maria.silva@example.com' : '+5511987654321');
    expect(decision.text).toContain('Banco Exemplo S.A.');
    // 123456 centavos = R$ 1.234,56 (dot for thousands, comma for decimals, plain space after R$)
    expect(decision.text).toContain('R$ 1.234,56');
    expect(decision.text).toContain('05/11/2026');
    expect(decision.text).toContain('Maria');
    expect(decision.text).not.toContain('Silva');
  });

  test('Given a step with a following step, then nextDueAt is openedAt plus the following step\'s afterDays', () => {
    for (const segment of ['low_risk', 'medium_risk', 'high_risk'] as const) {
      const steps = cadenceFor(segment);
      for (let index = 0; index < steps.length - 1; index++) {
        const decision = decideDispatch(openCase({ segment, nextStep: index }), OPENED_AT, { enforceContactHours: false });
        const following = steps[index + 1]!;
        expect(decision).toMatchObject({ step: index, nextDueAt: new Date(OPENED_AT.getTime() + following.afterDays * DAY) });
      }
    }
  });

  test('Given the last step, then it is sent with no next due date', () => {
    const last = cadenceFor('medium_risk').length - 1;

    expect(decideDispatch(openCase({ segment: 'medium_risk', nextStep: last }), OPENED_AT, ENFORCED)).toMatchObject({ kind: 'send', step: last, nextDueAt: null });
  });

  test('Given a case whose time zone is unknown, at 09:00 in São Paulo (07:00 in Acre), then the step waits until 08:00 in Acre (13:00 UTC, 10:00 in São Paulo)', () => {
    const eightInAcre = new Date('2026-11-24T13:00:00Z');
    const early = new Date('2026-11-24T12:00:00Z');

    expect(decideDispatch(openCase({ timeZone: undefined, uf: undefined }), early, ENFORCED)).toEqual({ kind: 'defer', until: eightInAcre });
    expect(decideDispatch(openCase({ timeZone: undefined, uf: undefined }), eightInAcre, ENFORCED)).toMatchObject({ kind: 'send', step: 0 });
  });

  test('Given every step already taken, then there is nothing to decide', () => {
    for (const segment of ['low_risk', 'medium_risk', 'high_risk'] as const) {
      expect(decideDispatch(openCase({ segment, nextStep: cadenceFor(segment).length }), OPENED_AT, ENFORCED)).toBeUndefined();
    }
  });

  test('Given a Sunday and enforced contact hours, then the step is deferred to Monday 08:00 in the debtor\'s zone', () => {
    const sundayNoon = new Date('2026-11-29T15:00:00Z');

    expect(decideDispatch(openCase(), sundayNoon, ENFORCED)).toEqual({ kind: 'defer', until: new Date('2026-11-30T11:00:00Z') });
  });

  test('Given a Saturday 10:00 for a debtor in Rio, then it is deferred to Monday 09:00, Rio\'s rule', () => {
    const saturdayTen = new Date('2026-11-28T13:00:00Z');

    expect(decideDispatch(openCase({ uf: 'RJ' }), saturdayTen, ENFORCED)).toEqual({ kind: 'defer', until: new Date('2026-11-30T12:00:00Z') });
  });

  test('Given a Sunday but contact hours not enforced, then the step is sent', () => {
    expect(decideDispatch(openCase(), new Date('2026-11-29T15:00:00Z'), { enforceContactHours: false })).toMatchObject({ kind: 'send', step: 0 });
  });

  test('Given the preferred channel is e-mail and the debtor has only a mobile, then another channel reaches them', () => {
    expect(cadenceFor('low_risk')[0]!.channel).toBe('email');

    const decision = decideDispatch(openCase({ contacts: { emails: [], mobilePhones: ['+5511987654321'] } }), OPENED_AT, ENFORCED);

    expect(decision).toMatchObject({ kind: 'send', address: '+5511987654321' });
    expect(['sms', 'whatsapp']).toContain((decision as { channel: string }).channel);
  });

  test('Given the preferred channel is WhatsApp and the debtor has only an e-mail, then it falls back to e-mail', () => {
    expect(cadenceFor('high_risk')[0]!.channel).toBe('whatsapp');

    const decision = decideDispatch(openCase({ segment: 'high_risk', contacts: { emails: ['maria.silva@example.com'], mobilePhones: [] } }), OPENED_AT, ENFORCED);

    expect(decision).toMatchObject({ kind: 'send', channel: 'email', address: 'maria.silva@example.com' });
  });

  test('Given no contacts at all, then the step is recorded as unreachable and the case moves on', () => {
    const following = cadenceFor('low_risk')[1]!;

    expect(decideDispatch(openCase({ contacts: { emails: [], mobilePhones: [] } }), OPENED_AT, ENFORCED)).toEqual({
      kind: 'unreachable',
      step: 0,
      nextDueAt: new Date(OPENED_AT.getTime() + following.afterDays * DAY),
    });
  });
});

describe('decideDispatch outside contact hours', () => {
  // Sunday 2026-11-29, 10:00 in São Paulo: no contact allowed on Sundays.
  const SUNDAY = new Date('2026-11-29T13:00:00Z');

  test('Given a reachable debtor on a Sunday, then the step waits for Monday 08:00 local', () => {
    expect(decideDispatch(openCase(), SUNDAY, ENFORCED)).toEqual({ kind: 'defer', until: new Date('2026-11-30T11:00:00Z') });
  });

  test('Given an unreachable debtor on a Sunday, then it is recorded as unreachable at once rather than deferred', () => {
    expect(decideDispatch(openCase({ contacts: { emails: [], mobilePhones: [] } }), SUNDAY, ENFORCED)).toMatchObject({ kind: 'unreachable', step: 0 });
  });
});

describe('firstStepDueAt', () => {
  test('Given a segment, then the first step is due afterDays after opening', () => {
    for (const segment of ['low_risk', 'medium_risk', 'high_risk'] as const) {
      expect(firstStepDueAt(segment, OPENED_AT)).toEqual(new Date(OPENED_AT.getTime() + cadenceFor(segment)[0]!.afterDays * DAY));
    }
  });
});
