import { DEFAULT_RULE_SET, evaluateRules, RuleSetSchema, bandFor, type RuleSubject } from './rules.ts';
import { segmentFor } from './score.ts';

const subject = (overrides: Partial<RuleSubject> = {}): RuleSubject => ({ score: 700, daysPastDue: 10, amountCents: 50_000, productType: 'credit_card', contactability: 'mobile', ...overrides });

const tenantRules = RuleSetSchema.parse({
  rules: [
    { name: 'unreachable', when: { contactability: ['none', 'landline'] }, segment: 'high_risk', strategy: 'letter' },
    { name: 'small and early', when: { band: ['A', 'B'], daysPastDue: { max: 30 }, amountCents: { max: 100_000 } }, segment: 'low_risk', strategy: 'whatsapp-nudge' },
    { name: 'telecom', when: { productType: ['telecom'] }, segment: 'medium_risk', strategy: 'telecom-standard' },
    { name: 'any A', when: { band: ['A'] }, segment: 'low_risk', strategy: 'digital-light' },
  ],
  fallback: { segment: 'medium_risk', strategy: 'standard' },
});

describe('evaluateRules', () => {
  test('Given several rules that match, then the first one in the list wins', () => {
    // "unreachable" and "small and early" both hold; the first decides.
    expect(evaluateRules(tenantRules, subject({ contactability: 'none' }))).toEqual({ band: 'B', segment: 'high_risk', strategy: 'letter', rule: 'unreachable' });
  });

  test('Given a rule with several conditions, then it matches only when every one holds, range ends included', () => {
    expect(evaluateRules(tenantRules, subject({ daysPastDue: 30, amountCents: 100_000 })).rule).toBe('small and early');
    expect(evaluateRules(tenantRules, subject({ daysPastDue: 31 })).rule).toBeNull();
    expect(evaluateRules(tenantRules, subject({ amountCents: 100_001 })).rule).toBeNull();
    expect(evaluateRules(tenantRules, subject({ score: 300 })).rule).toBeNull();
  });

  test('Given the product, then a product rule applies after the rules before it did not match', () => {
    expect(evaluateRules(tenantRules, subject({ productType: 'telecom', daysPastDue: 90 }))).toMatchObject({ segment: 'medium_risk', strategy: 'telecom-standard' });
  });

  test('Given no rule matching, then the fallback applies and no rule is named', () => {
    expect(evaluateRules(tenantRules, subject({ score: 500, daysPastDue: 60 }))).toEqual({ band: 'C', segment: 'medium_risk', strategy: 'standard', rule: null });
  });

  test('Given the default rules, then segments are those of the score thresholds before rules existed', () => {
    for (const score of [0, 349, 350, 599, 600, 799, 800, 1000]) expect(evaluateRules(DEFAULT_RULE_SET, subject({ score })).segment).toBe(segmentFor(score));
  });
});

describe('bandFor', () => {
  test.each([
    [1000, 'A'],
    [800, 'A'],
    [799, 'B'],
    [600, 'B'],
    [350, 'C'],
    [349, 'D'],
    [0, 'D'],
  ])('Given score %p, then the default band is %s', (score, band) => {
    expect(bandFor(score, DEFAULT_RULE_SET.bands)).toBe(band);
  });
});

describe('RuleSetSchema', () => {
  const issues = (input: unknown) => {
    const result = RuleSetSchema.safeParse(input);
    return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  };

  test('Given an unknown segment, a bad strategy id and an unknown condition, then each is refused at its path', () => {
    const found = issues({ rules: [{ name: 'x', when: { band: ['A'], colour: 'red' }, segment: 'vip', strategy: 'Bad Strategy' }], fallback: { segment: 'low_risk', strategy: 'ok' } });
    expect(found.map((i) => i.path)).toEqual(expect.arrayContaining(['rules.0.when', 'rules.0.segment', 'rules.0.strategy']));
  });

  test('Given a rule naming a band that does not exist, or a range upside down, then it is refused at its path', () => {
    expect(issues({ rules: [{ name: 'x', when: { band: ['Z'] }, segment: 'low_risk', strategy: 's' }], fallback: { segment: 'low_risk', strategy: 's' } })).toEqual([{ path: 'rules.0.when.band.0', message: 'no band Z in bands' }]);
    expect(issues({ rules: [{ name: 'x', when: { daysPastDue: { min: 30, max: 10 } }, segment: 'low_risk', strategy: 's' }], fallback: { segment: 'low_risk', strategy: 's' } }).map((i) => i.path)).toEqual(['rules.0.when.daysPastDue']);
  });

  test('Given bands not in descending order or not ending at 0, then they are refused', () => {
    const found = issues({ bands: [{ name: 'A', minScore: 500 }, { name: 'B', minScore: 700 }], rules: [], fallback: { segment: 'low_risk', strategy: 's' } });
    expect(found.map((i) => i.path)).toEqual(['bands.1.minScore', 'bands.1.minScore']);
  });

  test('Given no bands, then the default bands apply', () => {
    expect(RuleSetSchema.parse({ rules: [], fallback: { segment: 'low_risk', strategy: 's' } }).bands.map((b) => b.name)).toEqual(['A', 'B', 'C', 'D']);
  });
});
