// What a debtor may choose online: pay in full with a discount, or a down payment and installments priced with the Price
// table, within the limits of the plan (A, B, C…) the tenant assigns to the debtor's segment.
//
// - The discount for payment in full is a share of the outstanding multa and juros, plus optionally a share of the
//   outstanding principal with its correction, each rounded half-up, the sum capped by `maxCents`.
// - An installment plan finances the whole updated debt (no discount): a down payment of at least `minDownPaymentRate`
//   of it (and at least one minimum installment), due with the first payment, then `n` monthly Price installments
//   (n ≤ `maxInstallments`), the first a month after the down payment. Without a down payment the first installment is
//   due a month after today, so each installment carries one month of interest. A plan has at least two payments; an
//   installment below `minInstallmentCents` is not offered (the last one may differ by the Price rounding it absorbs).
import { createHash } from 'node:crypto';
import { SegmentSchema } from '@regua/contracts';
import { toFieldIssues, ValidationError } from '@regua/errors';
import { z } from 'zod';
import { addDays, addMonths, dayNumber } from './calendar.ts';
import type { UpdatedDebt } from './charges.ts';
import { applyRates, decimalRatio } from './money.ts';
import { MAX_INSTALLMENTS, priceInstallment, priceSchedule, type ScheduledInstallment } from './price-table.ts';

const fraction = z.number().min(0, 'must be zero or more').max(1, 'is a fraction, at most 1 (100%)');
export const PlanLetterSchema = z.string().regex(/^[A-Z]$/, 'plans are named by one capital letter (A, B, C…)');

export const NegotiationPlanSchema = z
  .object({
    fullPaymentDiscount: z
      .object({
        chargesRate: fraction.describe('Share of the outstanding multa and juros waived for payment in full'),
        principalRate: z.number().min(0).lt(1, 'a discount cannot waive the whole principal').default(0).describe('Share of the outstanding principal (with its correction) waived as well'),
        maxCents: z.number().int().nonnegative().optional().describe('Cap on the whole discount, in centavos'),
      })
      .strict(),
    maxInstallments: z.number().int().min(1).max(MAX_INSTALLMENTS).describe('Installments after the down payment'),
    monthlyRate: fraction.describe('Price-table interest a month'),
    minInstallmentCents: z.number().int().positive(),
    minDownPaymentRate: z.number().min(0).lt(1, 'the down payment is a share of the debt, less than all of it'),
  })
  .strict();

export const NegotiationPlansSchema = z
  .object({
    plans: z.record(PlanLetterSchema, NegotiationPlanSchema),
    segments: z.record(SegmentSchema, PlanLetterSchema).describe('The plan each segment is offered'),
    firstPaymentInDays: z.number().int().min(0).max(30).default(3).describe('Days from today to the payment in full or the down payment'),
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const [segment, letter] of Object.entries(config.segments)) {
      if (!config.plans[letter]) ctx.addIssue({ code: 'custom', path: ['segments', segment], message: `plan ${letter} is not defined` });
    }
  });

export type Segment = z.output<typeof SegmentSchema>;
export type NegotiationPlan = z.output<typeof NegotiationPlanSchema>;
export type NegotiationPlans = z.output<typeof NegotiationPlansSchema>;
export type NegotiationPlansInput = z.input<typeof NegotiationPlansSchema>;

/** Likelier payers get fewer installments and smaller discounts; riskier ones more of both. */
export const DEFAULT_NEGOTIATION_PLANS: NegotiationPlans = NegotiationPlansSchema.parse({
  plans: {
    A: { fullPaymentDiscount: { chargesRate: 0.3 }, maxInstallments: 6, monthlyRate: 0.0199, minInstallmentCents: 5000, minDownPaymentRate: 0.2 },
    B: { fullPaymentDiscount: { chargesRate: 0.6 }, maxInstallments: 12, monthlyRate: 0.0199, minInstallmentCents: 3000, minDownPaymentRate: 0.1 },
    C: { fullPaymentDiscount: { chargesRate: 0.9, principalRate: 0.1 }, maxInstallments: 24, monthlyRate: 0.0199, minInstallmentCents: 2000, minDownPaymentRate: 0.05 },
  },
  segments: { low_risk: 'A', medium_risk: 'B', high_risk: 'C' },
});

interface OfferCommon {
  /** Stable: the same debt, plan and choice give the same id. */
  id: string;
  plan: string;
  firstDueDate: string;
  /** What the debtor pays in all. */
  totalCents: number;
  discountCents: number;
  /** Every payment, the down payment (number 0) included; the agreement's terms. */
  schedule: ScheduledInstallment[];
}

export type Offer =
  | (OfferCommon & { kind: 'full'; installments: 1; amountCents: number })
  | (OfferCommon & { kind: 'installments'; installments: number; installmentCents: number; downPaymentCents: number; monthlyRate: number });

export interface OffersInput {
  debt: UpdatedDebt;
  segment: Segment;
  plans: NegotiationPlansInput;
  today: string;
}

export function offersFor({ debt, segment, plans: plansInput, today }: OffersInput): Offer[] {
  const plans = parsePlans(plansInput);
  dayNumber(today, 'today');
  if (debt.today !== today) throw new ValidationError(`debt: updated for ${debt.today}, not for ${today}; update it for today`, [{ path: 'debt.today', message: `must be ${today}` }]);
  const letter = plans.segments[segment];
  const plan = letter === undefined ? undefined : plans.plans[letter];
  if (letter === undefined || !plan) throw new ValidationError(`plans: no plan for segment ${segment}`, [{ path: `plans.segments.${segment}`, message: 'no plan' }]);
  if (debt.totalCents === 0) return [];
  const payDate = addDays(today, plans.firstPaymentInDays);
  const idOf = (choice: string): string => `${letter}-${choice}-${hash([debt.dueDate, today, debt.principalCents, debt.correctionCents, debt.fineCents, debt.interestCents, debt.paidCents, letter, plan, payDate, choice])}`;

  const offers: Offer[] = [];
  const discountCents = fullPaymentDiscount(debt, plan);
  const amountCents = debt.totalCents - discountCents;
  if (amountCents > 0) {
    const schedule = [{ number: 1, dueDate: payDate, amountCents, interestCents: 0, amortisationCents: amountCents, balanceAfterCents: 0 }];
    offers.push({ id: idOf('full'), plan: letter, kind: 'full', installments: 1, firstDueDate: payDate, amountCents, totalCents: amountCents, discountCents, schedule });
  }

  const proportional = applyRates(debt.totalCents, decimalRatio(plan.minDownPaymentRate));
  const downPaymentCents = plan.minDownPaymentRate === 0 ? 0 : Math.max(proportional, plan.minInstallmentCents);
  const financedCents = debt.totalCents - downPaymentCents;
  if (financedCents <= 0) return offers;
  const firstInstallmentDate = downPaymentCents > 0 ? addMonths(payDate, 1) : addMonths(today, 1);
  for (let n = downPaymentCents > 0 ? 1 : 2; n <= plan.maxInstallments; n += 1) {
    const installmentCents = priceInstallment(financedCents, plan.monthlyRate, n);
    if (installmentCents < plan.minInstallmentCents) break; // the installment only shrinks as n grows
    const down = downPaymentCents > 0 ? [{ number: 0, dueDate: payDate, amountCents: downPaymentCents, interestCents: 0, amortisationCents: downPaymentCents, balanceAfterCents: financedCents }] : [];
    const priced = scheduleOrNone(financedCents, plan.monthlyRate, n, firstInstallmentDate);
    if (!priced) continue;
    const schedule = [...down, ...priced];
    const totalCents = schedule.reduce((sum, installment) => sum + installment.amountCents, 0);
    const firstDueDate = (schedule[0] as ScheduledInstallment).dueDate;
    offers.push({ id: idOf(`${n}x`), plan: letter, kind: 'installments', installments: n, firstDueDate, installmentCents, downPaymentCents, monthlyRate: plan.monthlyRate, totalCents, discountCents: 0, schedule });
  }
  return offers;
}

export function parsePlans(plans: NegotiationPlansInput): NegotiationPlans {
  const parsed = NegotiationPlansSchema.safeParse(plans);
  if (!parsed.success) throw new ValidationError(`invalid negotiation plans: ${parsed.error.issues.map((i) => i.message).join('; ')}`, toFieldIssues(parsed.error.issues).map((i) => ({ ...i, path: `plans.${i.path}` })));
  return parsed.data;
}

function fullPaymentDiscount(debt: UpdatedDebt, plan: NegotiationPlan): number {
  const { outstanding } = debt;
  const { chargesRate, principalRate, maxCents } = plan.fullPaymentDiscount;
  const charges = applyRates(outstanding.fineCents + outstanding.interestCents, decimalRatio(chargesRate));
  const principal = applyRates(outstanding.principalCents + outstanding.correctionCents, decimalRatio(principalRate));
  return Math.min(charges + principal, maxCents ?? Number.POSITIVE_INFINITY);
}

/** A Price schedule, or none when the term cannot be priced (installments too small for it): that term is not offered. */
function scheduleOrNone(principalCents: number, monthlyRate: number, n: number, firstDueDate: string): ScheduledInstallment[] | undefined {
  try {
    return priceSchedule(principalCents, monthlyRate, n, firstDueDate);
  } catch (error) {
    if (error instanceof ValidationError) return undefined;
    throw error;
  }
}

function hash(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}
