import { z } from 'zod';
import { ProductTypeSchema, SegmentSchema } from '@regua/contracts';
import { CONTACTABILITY, type Contactability, type ProductType } from './features.ts';
import type { Segment } from './score.ts';

const Range = z
  .object({ min: z.number().optional(), max: z.number().optional() })
  .strict()
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, { message: 'min must not be greater than max' });

const BandSchema = z.object({ name: z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, 'letters, digits, _ or -, at most 16'), minScore: z.number().int().min(0).max(1000) }).strict();

const RuleSchema = z
  .object({
    name: z.string().min(1).max(80),
    /** Every condition given must hold; a rule without conditions matches everything. */
    when: z
      .object({
        band: z.array(z.string()).min(1).optional(),
        score: Range.optional(),
        daysPastDue: Range.optional(),
        amountCents: Range.optional(),
        productType: z.array(ProductTypeSchema).min(1).optional(),
        contactability: z.array(z.enum(CONTACTABILITY)).min(1).optional(),
      })
      .strict()
      .default({}),
    segment: SegmentSchema,
    strategy: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, ".", "_" or "-", at most 64'),
  })
  .strict();

export const DEFAULT_BANDS = [
  { name: 'A', minScore: 800 },
  { name: 'B', minScore: 600 },
  { name: 'C', minScore: 350 },
  { name: 'D', minScore: 0 },
];

/**
 * A tenant's segmentation: score bands (highest first, the last starting at 0), rules tried in order — the first
 * whose every condition holds decides the segment and the strategy — and a fallback when none does.
 */
export const RuleSetSchema = z
  .object({
    bands: z.array(BandSchema).min(1).max(20).default(DEFAULT_BANDS),
    rules: z.array(RuleSchema).max(200),
    fallback: z.object({ segment: SegmentSchema, strategy: RuleSchema.shape.strategy }).strict(),
  })
  .strict()
  .superRefine((set, ctx) => {
    const names = new Set<string>();
    set.bands.forEach((band, i) => {
      if (names.has(band.name)) ctx.addIssue({ code: 'custom', path: ['bands', i, 'name'], message: `band ${band.name} is declared twice` });
      names.add(band.name);
      const before = set.bands[i - 1];
      if (before && before.minScore <= band.minScore) ctx.addIssue({ code: 'custom', path: ['bands', i, 'minScore'], message: 'bands go from the highest minScore down' });
    });
    if (set.bands.at(-1)?.minScore !== 0) ctx.addIssue({ code: 'custom', path: ['bands', set.bands.length - 1, 'minScore'], message: 'the last band must start at 0, so every score has a band' });
    set.rules.forEach((rule, i) => {
      rule.when.band?.forEach((band, j) => {
        if (!names.has(band)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'when', 'band', j], message: `no band ${band} in bands` });
      });
    });
  });

export type RuleSet = z.output<typeof RuleSetSchema>;
export type RuleSetInput = z.input<typeof RuleSetSchema>;

/**
 * Applies to tenants that have not stored their own: the same segments as the score thresholds before rules
 * existed (600 and 350), so notification's cadences do not change.
 */
export const DEFAULT_RULE_SET: RuleSet = RuleSetSchema.parse({
  bands: DEFAULT_BANDS,
  rules: [
    { name: 'likely payers', when: { band: ['A', 'B'] }, segment: 'low_risk', strategy: 'digital-light' },
    { name: 'uncertain', when: { band: ['C'] }, segment: 'medium_risk', strategy: 'standard' },
  ],
  fallback: { segment: 'high_risk', strategy: 'intensive' },
});

export interface RuleSubject {
  score: number;
  daysPastDue: number;
  amountCents: number;
  productType: ProductType;
  contactability: Contactability;
}

export interface Decision {
  band: string;
  segment: Segment;
  strategy: string;
  /** The rule that matched, or null when the fallback applied. */
  rule: string | null;
}

export function bandFor(score: number, bands: RuleSet['bands']): string {
  return (bands.find((band) => score >= band.minScore) ?? bands.at(-1)!).name;
}

const within = (value: number, range: { min?: number | undefined; max?: number | undefined } | undefined) => !range || ((range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max));

/** The first rule whose conditions all hold wins; none holding, the fallback. Ranges include their ends. Pure. */
export function evaluateRules(set: RuleSet, subject: RuleSubject): Decision {
  const band = bandFor(subject.score, set.bands);
  for (const rule of set.rules) {
    const w = rule.when;
    if (w.band && !w.band.includes(band)) continue;
    if (!within(subject.score, w.score) || !within(subject.daysPastDue, w.daysPastDue) || !within(subject.amountCents, w.amountCents)) continue;
    if (w.productType && !w.productType.includes(subject.productType)) continue;
    if (w.contactability && !w.contactability.includes(subject.contactability)) continue;
    return { band, segment: rule.segment, strategy: rule.strategy, rule: rule.name };
  }
  return { band, segment: set.fallback.segment, strategy: set.fallback.strategy, rule: null };
}
