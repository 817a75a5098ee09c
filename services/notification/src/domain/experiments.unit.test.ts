import { StrategySchema, type Strategy } from './cadence-spec.ts';
import { assignArm, bucketOf } from './experiments.ts';

const strategy: Strategy = StrategySchema.parse({
  id: 'standard',
  cadenceId: 'standard',
  experiment: {
    holdoutPercent: 10,
    challengers: [
      { name: 'whatsapp-first', cadenceId: 'whatsapp-first', percent: 20 },
      { name: 'early-offer', cadenceId: 'early-offer', percent: 5 },
    ],
  },
});

const debtors = Array.from({ length: 20_000 }, (_, i) => `CUST-${i}`);

describe('assignArm', () => {
  test('Given the same tenant, strategy and debtor, then the arm is the same every time', () => {
    for (const debtorId of debtors.slice(0, 200)) expect(assignArm(strategy, 'bank-a', debtorId)).toEqual(assignArm(StrategySchema.parse(structuredClone(strategy)), 'bank-a', debtorId));
  });

  test('Given 20,000 debtors, then each arm gets its share within one percentage point', () => {
    const counts = new Map<string, number>();
    for (const debtorId of debtors) {
      const { arm } = assignArm(strategy, 'bank-a', debtorId);
      counts.set(arm, (counts.get(arm) ?? 0) + 1);
    }
    const share = (arm: string) => ((counts.get(arm) ?? 0) / debtors.length) * 100;
    expect(Math.abs(share('holdout') - 10)).toBeLessThan(1);
    expect(Math.abs(share('whatsapp-first') - 20)).toBeLessThan(1);
    expect(Math.abs(share('early-offer') - 5)).toBeLessThan(1);
    expect(Math.abs(share('champion') - 65)).toBeLessThan(1);
    expect([...counts.keys()].sort()).toEqual(['champion', 'early-offer', 'holdout', 'whatsapp-first']);
  });

  test('Given the holdout arm, then no cadence: no automated contact', () => {
    const held = debtors.map((d) => assignArm(strategy, 'bank-a', d)).filter((a) => a.arm === 'holdout');
    expect(held.length).toBeGreaterThan(0);
    expect(new Set(held.map((a) => a.cadenceId))).toEqual(new Set([null]));
  });

  test("Given challengers, then each gets its own cadence, and the champion the strategy's", () => {
    const cadences = new Map(debtors.slice(0, 2000).map((d) => assignArm(strategy, 'bank-a', d)).map((a) => [a.arm, a.cadenceId]));
    expect(Object.fromEntries(cadences)).toEqual({ champion: 'standard', holdout: null, 'whatsapp-first': 'whatsapp-first', 'early-offer': 'early-offer' });
  });

  test('Given no experiment, then every debtor is on the champion', () => {
    const plain = StrategySchema.parse({ id: 'standard', cadenceId: 'standard' });
    expect(new Set(debtors.slice(0, 500).map((d) => JSON.stringify(assignArm(plain, 'bank-a', d))))).toEqual(new Set([JSON.stringify({ arm: 'champion', cadenceId: 'standard' })]));
  });

  test('Given another tenant or strategy, then the same debtor id is placed independently', () => {
    const same = debtors.slice(0, 1000).filter((d) => Math.abs(bucketOf('bank-a', 'standard', d) - bucketOf('bank-b', 'standard', d)) < 1e-9).length;
    expect(same).toBe(0);
    const agree = debtors.filter((d) => assignArm(strategy, 'bank-a', d).arm === 'holdout' && assignArm(strategy, 'bank-b', d).arm === 'holdout').length;
    expect(agree / debtors.length).toBeLessThan(0.02); // independent: about 10% × 10% = 1%
  });

  test('Given the bucket, then it lies in [0, 100)', () => {
    for (const debtorId of debtors.slice(0, 1000)) {
      const point = bucketOf('t', 's', debtorId);
      expect(point).toBeGreaterThanOrEqual(0);
      expect(point).toBeLessThan(100);
    }
  });
});
