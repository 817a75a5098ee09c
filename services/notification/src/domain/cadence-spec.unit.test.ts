import type { z } from 'zod';
import { CadenceSchema, CadenceStepSchema, DEFAULT_CADENCE_CONFIG, StrategySchema, strategyFor, TenantCadenceConfigSchema, validateCadenceConfig, type TenantCadenceConfigInput } from './cadence-spec.ts';
import { DEFAULT_TEMPLATES } from './message-templates.ts';

const step = (id: string, offsetDays: number, extra: Record<string, unknown> = {}) => ({ id, offsetDays, channels: ['sms'], template: 'aviso', ...extra }) as z.input<typeof CadenceStepSchema>;

const config = (overrides: Partial<TenantCadenceConfigInput> = {}): TenantCadenceConfigInput => ({
  cadences: [{ id: 'main', name: 'Main', steps: [step('d1', 1), step('d5', 5, { channels: ['email', 'whatsapp'], fallback: ['sms'] })] }],
  strategies: [{ id: 'default', cadenceId: 'main' }],
  ...overrides,
});

const paths = (result: ReturnType<typeof validateCadenceConfig>) => (result.success ? [] : result.issues.map((i) => i.path.join('.')));

describe('CadenceStepSchema', () => {
  test('Given a step with only the required fields, then fallback and conditions default to empty', () => {
    expect(CadenceStepSchema.parse(step('d1', 1))).toEqual({ id: 'd1', offsetDays: 1, channels: ['sms'], fallback: [], template: 'aviso', conditions: {} });
  });

  test('Given offsets outside −30..365 or not whole days, then the step is refused', () => {
    for (const offsetDays of [-31, 366, 1.5]) expect(CadenceStepSchema.safeParse(step('d', offsetDays)).success).toBe(false);
    for (const offsetDays of [-30, 0, 365]) expect(CadenceStepSchema.safeParse(step('d', offsetDays)).success).toBe(true);
  });

  test('Given no channel, a repeated channel, or a fallback that repeats a channel of the step, then each is refused at its path', () => {
    const issues = (extra: Record<string, unknown>) => CadenceStepSchema.safeParse(step('d', 1, extra)).error?.issues.map((i) => i.path.join('.'));
    expect(issues({ channels: [] })).toEqual(['channels']);
    expect(issues({ channels: ['sms', 'sms'] })).toEqual(['channels']);
    expect(issues({ channels: ['sms', 'email'], fallback: ['whatsapp', 'email'] })).toEqual(['fallback.1']);
    expect(issues({ channels: ['fax'] })).toEqual(['channels.0']);
  });

  test('Given a minimum amount above the maximum, or an unknown condition, then the step is refused', () => {
    expect(CadenceStepSchema.safeParse(step('d', 1, { conditions: { minAmountCents: 5000, maxAmountCents: 100 } })).success).toBe(false);
    expect(CadenceStepSchema.safeParse(step('d', 1, { conditions: { onlyIfPaid: true } })).success).toBe(false);
  });
});

describe('CadenceSchema', () => {
  test('Given steps out of time order, then the error names the exact step: steps.3.offsetDays', () => {
    const result = CadenceSchema.safeParse({ id: 'c', name: 'C', steps: [step('a', -5), step('b', -1), step('c', 3), step('d', 3), step('e', 7)] });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['steps.3.offsetDays']);
  });

  test('Given two steps with the same id, then the second is refused', () => {
    const result = CadenceSchema.safeParse({ id: 'c', name: 'C', steps: [step('a', 1), step('a', 2)] });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['steps.1.id']);
  });

  test('Given no steps or more than 30, then the cadence is refused', () => {
    expect(CadenceSchema.safeParse({ id: 'c', name: 'C', steps: [] }).success).toBe(false);
    expect(CadenceSchema.safeParse({ id: 'c', name: 'C', steps: Array.from({ length: 31 }, (_, i) => step(`s${i}`, i)) }).success).toBe(false);
    expect(CadenceSchema.safeParse({ id: 'c', name: 'C', steps: Array.from({ length: 30 }, (_, i) => step(`s${i}`, i)) }).success).toBe(true);
  });

  test('Given an installments cadence, then its steps come on or before each due date', () => {
    const installments = (offsets: number[]) => CadenceSchema.safeParse({ id: 'i', name: 'I', kind: 'installments', steps: offsets.map((o) => step(`d${o}`, o)) });
    expect(installments([-2, -1, 0]).success).toBe(true);
    expect(installments([-2, 1]).error?.issues.map((i) => i.path.join('.'))).toEqual(['steps.1.offsetDays']);
  });

  test('Given "only if the previous was unread" on the first step, then it is refused: there is no previous message', () => {
    const result = CadenceSchema.safeParse({ id: 'c', name: 'C', steps: [step('a', 1, { conditions: { onlyIfPreviousUnread: true } })] });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['steps.0.conditions.onlyIfPreviousUnread']);
  });

  test('Given kind and escalation left out, then a collection cadence that escalates when exhausted', () => {
    expect(CadenceSchema.parse({ id: 'c', name: 'C', steps: [step('a', 1)] })).toMatchObject({ kind: 'collection', escalateWhenExhausted: true });
  });
});

describe('StrategySchema', () => {
  const strategy = (experiment: unknown) => StrategySchema.safeParse({ id: 'standard', cadenceId: 'main', experiment });

  test('Given holdout and challengers within 100%, then the experiment is accepted', () => {
    expect(strategy({ holdoutPercent: 10, challengers: [{ name: 'b', cadenceId: 'alt', percent: 45 }, { name: 'c', cadenceId: 'alt', percent: 45 }] }).success).toBe(true);
  });

  test('Given holdout and challengers over 100%, a holdout over 50%, or a challenger named like an arm, then each is refused', () => {
    expect(strategy({ holdoutPercent: 20, challengers: [{ name: 'b', cadenceId: 'alt', percent: 81 }] }).error?.issues.map((i) => i.path.join('.'))).toEqual(['experiment.challengers']);
    expect(strategy({ holdoutPercent: 51, challengers: [] }).success).toBe(false);
    expect(strategy({ holdoutPercent: 5, challengers: [{ name: 'holdout', cadenceId: 'alt', percent: 5 }] }).error?.issues.map((i) => i.path.join('.'))).toEqual(['experiment.challengers.0.name']);
  });

  test('Given an id outside scoring\'s rule for strategy ids, then it is refused', () => {
    expect(StrategySchema.safeParse({ id: 'Standard!', cadenceId: 'main' }).success).toBe(false);
  });
});

describe('validateCadenceConfig', () => {
  test('Given a consistent configuration and its templates, then it is valid, defaults filled in', () => {
    const result = validateCadenceConfig(config(), ['aviso']);
    expect(result.success && result.data.cadences[0]?.steps[0]?.fallback).toEqual([]);
  });

  test('Given a strategy or challenger on a cadence that does not exist, then the error names it', () => {
    const result = validateCadenceConfig(
      config({ strategies: [{ id: 'default', cadenceId: 'main' }, { id: 'standard', cadenceId: 'nope', experiment: { holdoutPercent: 0, challengers: [{ name: 'b', cadenceId: 'gone', percent: 10 }] } }] }),
      ['aviso'],
    );
    expect(paths(result)).toEqual(['strategies.1.cadenceId', 'strategies.1.experiment.challengers.0.cadenceId']);
  });

  test('Given a strategy on an installments cadence, then it is refused: strategies pick collection cadences', () => {
    const cadences = [...config().cadences, { id: 'parcelas', name: 'P', kind: 'installments' as const, steps: [step('d-1', -1)] }];
    expect(paths(validateCadenceConfig(config({ cadences, strategies: [{ id: 'default', cadenceId: 'parcelas' }] }), ['aviso']))).toEqual(['strategies.0.cadenceId']);
  });

  test('Given no "default" strategy, then it is refused: strategies scoring names and the config lacks need one', () => {
    expect(paths(validateCadenceConfig(config({ strategies: [{ id: 'standard', cadenceId: 'main' }] }), ['aviso']))).toEqual(['strategies']);
  });

  test('Given duplicate cadence or strategy ids, then the second of each is refused', () => {
    const c = config();
    expect(paths(validateCadenceConfig({ cadences: [...c.cadences, ...c.cadences], strategies: [...c.strategies, ...c.strategies] }, ['aviso']))).toEqual(['cadences.1.id', 'strategies.1.id']);
  });

  test('Given a step whose template does not exist, then the error is on that step\'s template', () => {
    expect(paths(validateCadenceConfig(config(), ['other']))).toEqual(['cadences.0.steps.0.template', 'cadences.0.steps.1.template']);
  });

  test('Given templates written for some channels only, then a step needs one for each of its channels and fallbacks', () => {
    const forSms = [{ id: 'aviso', channel: 'sms' as const }];
    const result = validateCadenceConfig(config(), [...forSms, { id: 'aviso', channel: 'email' as const }]);
    expect(result.success ? [] : result.issues).toEqual([{ path: ['cadences', 0, 'steps', 1, 'template'], message: 'template aviso has no version for whatsapp' }]);
    expect(validateCadenceConfig(config(), [...forSms, { id: 'aviso', channel: 'email' }, { id: 'aviso', channel: 'whatsapp' }]).success).toBe(true);
  });

  test('Given input that is not a configuration, then issues instead of a throw', () => {
    expect(validateCadenceConfig('nope', []).success).toBe(false);
    expect(paths(validateCadenceConfig({ cadences: [], strategies: [], extra: 1 }, []))).toEqual(expect.arrayContaining(['cadences', 'strategies']));
  });
});

describe('DEFAULT_CADENCE_CONFIG', () => {
  test('Given the built-in templates, then the default configuration passes its own validation', () => {
    const result = validateCadenceConfig(DEFAULT_CADENCE_CONFIG, DEFAULT_TEMPLATES);
    expect(result.success ? [] : result.issues).toEqual([]);
    expect(TenantCadenceConfigSchema.parse(DEFAULT_CADENCE_CONFIG)).toEqual(DEFAULT_CADENCE_CONFIG);
  });

  test("Given scoring's default strategies, then each has its own cadence, and unknown ones get the default", () => {
    expect(['digital-light', 'standard', 'intensive'].map((id) => strategyFor(DEFAULT_CADENCE_CONFIG, id).cadenceId)).toEqual(['digital-light', 'standard', 'intensive']);
    expect(strategyFor(DEFAULT_CADENCE_CONFIG, 'letter').id).toBe('default');
  });

  test('Given the default cadences, then digital-light contacts least and intensive most, and all start before the due date', () => {
    const steps = (id: string) => DEFAULT_CADENCE_CONFIG.cadences.find((c) => c.id === id)!.steps;
    expect(steps('digital-light').length).toBeLessThan(steps('standard').length);
    expect(steps('standard').length).toBeLessThan(steps('intensive').length);
    for (const id of ['digital-light', 'standard', 'intensive']) expect(steps(id)[0]!.offsetDays).toBeLessThan(0);
  });

  test('Given the installments cadence, then it reminds one or two days before each installment and does not escalate', () => {
    const installments = DEFAULT_CADENCE_CONFIG.cadences.find((c) => c.kind === 'installments')!;
    expect(installments.steps.map((s) => s.offsetDays)).toEqual([-2, -1]);
    expect(installments.escalateWhenExhausted).toBe(false);
  });
});

describe('contact settings in the tenant configuration', () => {
  const withContact = (contact: unknown) => ({ ...DEFAULT_CADENCE_CONFIG, contact });

  test('Given a stricter window for SP calls, a municipal holiday calendar and caps, then the configuration is valid', () => {
    const parsed = TenantCadenceConfigSchema.safeParse(
      withContact({
        rules: { rules: [{ name: 'banco: só até as 18h', uf: 'SP', channels: ['voice'], hours: { mon: [9, 18], tue: [9, 18], wed: [9, 18], thu: [9, 18], fri: [9, 18], sat: null } }], sarb27: true },
        calendars: [{ name: 'Campinas', holidays: [{ date: '12-08', name: 'Nossa Senhora da Conceição', scope: 'municipality', city: 'Campinas', uf: 'SP' }] }],
        caps: { perDay: 1, perWeek: 2 },
      }),
    );
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  test('Given a window looser than the state law (SP calls on Saturday afternoon), then it is refused at contact.rules, naming the law', () => {
    const parsed = TenantCadenceConfigSchema.safeParse(withContact({ rules: { rules: [{ uf: 'SP', channels: ['voice'], hours: { sat: [8, 18] } }] } }));
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues).toEqual([expect.objectContaining({ path: ['contact', 'rules'], message: expect.stringContaining('15.426') })]);
  });
});
