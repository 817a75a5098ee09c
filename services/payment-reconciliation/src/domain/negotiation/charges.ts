// The debt updated to a date: principal, monetary correction, multa and juros de mora, each computed from the tenant's
// rules and the two dates on every call (never from a previous result, so nothing accumulates across runs).
//
// Conventions (all amounts integer centavos; each step rounded once, half-up, to the centavo — see money.ts):
// - days overdue: calendar days from the due date to today (due 2026-01-10, today 2026-01-11 → 1); none on or before the
//   due date. The due date is the effective one: a due date on a weekend or holiday is moved by the caller.
// - correction: per whole month elapsed (monthly anniversaries of the due date, clamped to month ends); the k-th month
//   uses the index's variation for the calendar month it starts in; a part of a month adds none (indices are monthly).
//   Never negative: an accumulated deflation leaves the principal as it was.
// - multa: once, from the first day overdue, on the corrected principal by default (`fineBase`), at most 2% for consumer
//   debts (CDC art. 52 §1).
// - juros de mora: on the corrected principal, never on the multa; a 30-day commercial month; simple pro rata die
//   (rate / 30 × days) or compound at the equivalent daily rate (base × ((1 + rate)^(days/30) − 1)).
// - payments: imputed first to interest, then multa, then correction, then principal (CC art. 354: interest before
//   capital; the multa is an accessory like the interest; the correction is the principal's own updated value).
import { toFieldIssues, ValidationError, type FieldIssue } from '@regua/errors';
import { z } from 'zod';
import { daysBetween, formatDateBr, monthKey, wholeMonthsBetween } from './calendar.ts';
import { applyRates, assertCents, decimalRatio, formatBrl, formatPercent, multiply, ratio, roundHalfUp, type Ratio } from './money.ts';

/** CDC art. 52 §1: the multa of a consumer debt is at most 2% of the overdue amount. */
export const CDC_MAX_FINE_RATE = 0.02;
const COMMERCIAL_MONTH_DAYS = 30;

const rate = (max: number, message: string) => z.number().min(0, 'must be zero or more').max(max, message);

export const CorrectionSchema = z.discriminatedUnion('index', [
  z.object({ index: z.literal('none') }).strict(),
  z.object({ index: z.literal('ipca') }).strict(),
  z.object({ index: z.literal('igpm') }).strict(),
  z.object({ index: z.literal('fixed'), monthlyRate: rate(1, 'a monthly correction rate is a fraction, at most 1 (100%)') }).strict(),
]);

export const TenantChargeRulesSchema = z
  .object({
    consumer: z.boolean().default(true).describe('A consumer debt (CDC applies): the multa is capped at 2%'),
    fineRate: rate(1, 'a penalty cannot exceed the obligation itself (CC art. 412)').default(CDC_MAX_FINE_RATE).describe('Multa, a fraction of its base'),
    fineBase: z.enum(['corrected-principal', 'principal']).default('corrected-principal').describe('What the multa applies to'),
    interestMonthlyRate: rate(1, 'a monthly interest rate is a fraction, at most 1 (100%)')
      .default(0.01)
      .describe('Juros de mora a month (1%: the CC art. 406 / CTN art. 161 §1 convention; since Lei 14.905/2024 a contract silent on it uses Selic − IPCA, set here as a rate)'),
    interestConvention: z.enum(['simple-pro-rata-die', 'compound-daily']).default('simple-pro-rata-die'),
    correction: CorrectionSchema.default({ index: 'none' }),
  })
  .strict()
  .refine((rules) => !rules.consumer || rules.fineRate <= CDC_MAX_FINE_RATE, {
    path: ['fineRate'],
    message: 'the multa of a consumer debt is at most 2% (0.02) of the overdue amount (CDC art. 52 §1)',
  });

export type TenantChargeRules = z.output<typeof TenantChargeRulesSchema>;
export type TenantChargeRulesInput = z.input<typeof TenantChargeRulesSchema>;

/** Monthly variations of a price index as fractions (IPCA 0.56% in 2026-01 is `{ '2026-01': 0.0056 }`), from the caller. */
export const IndexTableSchema = z.object({
  index: z.enum(['ipca', 'igpm']),
  variations: z.record(z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'months are YYYY-MM'), z.number().gt(-1).lt(1)),
});
export type IndexTable = z.output<typeof IndexTableSchema>;

export interface ChargeParts {
  interestCents: number;
  fineCents: number;
  correctionCents: number;
  principalCents: number;
}

export interface UpdatedDebtInput {
  principalCents: number;
  dueDate: string;
  /** The date in America/Sao_Paulo the figures are for. */
  today: string;
  /** Everything received so far, imputed today in the order interest, multa, correction, principal. */
  paidCents?: number;
  rules: TenantChargeRulesInput;
  indexTable?: IndexTable;
}

export interface UpdatedDebt {
  dueDate: string;
  today: string;
  daysOverdue: number;
  principalCents: number;
  correctionCents: number;
  fineCents: number;
  interestCents: number;
  /** principal + correction + multa + juros, before payments. */
  grossCents: number;
  paidCents: number;
  /** What the payments covered, per part. */
  allocated: ChargeParts;
  /** What is still owed, per part (all zero once paid). */
  outstanding: ChargeParts;
  /** What is still owed; never negative. */
  totalCents: number;
  /** What was paid beyond the debt, owed back to the debtor (or kept as a credit). */
  creditCents: number;
  /** pt-BR lines explaining each figure, for the debtor. */
  breakdown: string[];
}

export function parseChargeRules(rules: TenantChargeRulesInput): TenantChargeRules {
  const parsed = TenantChargeRulesSchema.safeParse(rules);
  if (!parsed.success) throw new ValidationError(`invalid charge rules: ${parsed.error.issues.map((i) => i.message).join('; ')}`, toFieldIssues(parsed.error.issues).map(prefix('rules')));
  return parsed.data;
}

export function updatedDebt(input: UpdatedDebtInput): UpdatedDebt {
  const rules = parseChargeRules(input.rules);
  const { principalCents, dueDate, today } = input;
  const paidCents = input.paidCents ?? 0;
  assertCents(principalCents, 'principalCents');
  assertCents(paidCents, 'paidCents', true);
  const daysOverdue = Math.max(0, daysBetween(dueDate, today, ['dueDate', 'today']));
  const breakdown = [`Valor original: ${formatBrl(principalCents)}, vencido em ${formatDateBr(dueDate)}${daysOverdue > 0 ? `, ${daysOverdue} ${daysOverdue === 1 ? 'dia' : 'dias'} em atraso em ${formatDateBr(today)}` : ', sem atraso'}.`];

  const correction = correctionOf(principalCents, dueDate, today, rules, input.indexTable);
  const correctionCents = correction.cents;
  if (correction.line) breakdown.push(correction.line);
  const correctedCents = principalCents + correctionCents;

  const fineBaseCents = rules.fineBase === 'principal' ? principalCents : correctedCents;
  const fineCents = daysOverdue > 0 ? applyRates(fineBaseCents, decimalRatio(rules.fineRate)) : 0;
  if (fineCents > 0) {
    const base = rules.fineBase === 'principal' || correctionCents === 0 ? 'o valor original' : 'o valor corrigido';
    breakdown.push(`Multa de ${formatPercent(rules.fineRate)} sobre ${base} de ${formatBrl(fineBaseCents)}${rules.consumer ? ' (no máximo 2%, CDC art. 52 §1)' : ''}: ${formatBrl(fineCents)}.`);
  }

  const interestCents = interestOf(correctedCents, daysOverdue, rules);
  if (interestCents > 0) {
    const how = rules.interestConvention === 'simple-pro-rata-die' ? `simples, pro rata die (${daysOverdue}/30 de mês)` : `compostos, taxa diária equivalente (${daysOverdue} dias)`;
    breakdown.push(`Juros de mora de ${formatPercent(rules.interestMonthlyRate)} ao mês, ${how}, sobre ${formatBrl(correctedCents)}: ${formatBrl(interestCents)}.`);
  }

  const grossCents = correctedCents + fineCents + interestCents;
  const owed: ChargeParts = { interestCents, fineCents, correctionCents, principalCents };
  const allocated = allocate(paidCents, owed);
  const outstanding: ChargeParts = {
    interestCents: interestCents - allocated.interestCents,
    fineCents: fineCents - allocated.fineCents,
    correctionCents: correctionCents - allocated.correctionCents,
    principalCents: principalCents - allocated.principalCents,
  };
  const totalCents = Math.max(0, grossCents - paidCents);
  const creditCents = Math.max(0, paidCents - grossCents);
  if (paidCents > 0) breakdown.push(`Pagamentos recebidos: ${formatBrl(paidCents)}, abatidos primeiro dos juros, depois da multa, da correção e do valor original (CC art. 354).`);
  breakdown.push(`Total atualizado em ${formatDateBr(today)}: ${formatBrl(totalCents)}.`);
  if (creditCents > 0) breakdown.push(`Crédito a seu favor: ${formatBrl(creditCents)}.`);

  return { dueDate, today, daysOverdue, principalCents, correctionCents, fineCents, interestCents, grossCents, paidCents, allocated, outstanding, totalCents, creditCents, breakdown };
}

/** `paidCents` spread over the parts in the imputation order: interest, multa, correction, principal. */
function allocate(paidCents: number, owed: ChargeParts): ChargeParts {
  let left = paidCents;
  const take = (cents: number): number => {
    const taken = Math.min(left, cents);
    left -= taken;
    return taken;
  };
  const interestCents = take(owed.interestCents);
  const fineCents = take(owed.fineCents);
  const correctionCents = take(owed.correctionCents);
  return { interestCents, fineCents, correctionCents, principalCents: take(owed.principalCents) };
}

function correctionOf(principalCents: number, dueDate: string, today: string, rules: TenantChargeRules, table: IndexTable | undefined): { cents: number; line?: string } {
  const { correction } = rules;
  if (correction.index === 'none') return { cents: 0 };
  const months = wholeMonthsBetween(dueDate, today);
  if (months === 0) return { cents: 0 };
  let factor: Ratio;
  let label: string;
  if (correction.index === 'fixed') {
    factor = power(onePlus(decimalRatio(correction.monthlyRate)), months);
    label = `${formatPercent(correction.monthlyRate)} ao mês`;
  } else {
    const parsed = IndexTableSchema.safeParse(table);
    if (!parsed.success) throw new ValidationError('indexTable: the monthly variations of the index are required for correction by an index', toFieldIssues(parsed.error.issues).map(prefix('indexTable')));
    if (parsed.data.index !== correction.index) {
      throw new ValidationError(`indexTable: the rules correct by ${correction.index.toUpperCase()}, the table is ${parsed.data.index.toUpperCase()}`, [{ path: 'indexTable.index', message: `must be ${correction.index}` }]);
    }
    const keys = Array.from({ length: months }, (_, k) => monthKey(dueDate, k));
    const missing = keys.filter((key) => parsed.data.variations[key] === undefined);
    if (missing.length > 0) {
      const issues: FieldIssue[] = missing.map((key) => ({ path: `indexTable.variations.${key}`, message: 'missing' }));
      throw new ValidationError(`indexTable: no ${correction.index.toUpperCase()} variation for ${missing.join(', ')}`, issues);
    }
    factor = multiply(...keys.map((key) => onePlus(decimalRatio(parsed.data.variations[key] as number))));
    label = `${correction.index.toUpperCase()} de ${formatMonth(keys[0] as string)} a ${formatMonth(keys[keys.length - 1] as string)}`;
  }
  const cents = Math.max(0, applyRates(principalCents, { num: factor.num - factor.den, den: factor.den }));
  const fraction = roundHalfUp(multiply(factor, ratio(1_000_000))) / 1_000_000;
  const line = `Correção monetária (${label}; ${months} ${months === 1 ? 'mês completo' : 'meses completos'}, fator ${fraction.toFixed(6).replace('.', ',')}): ${formatBrl(cents)}.`;
  return { cents, line };
}

function interestOf(baseCents: number, days: number, rules: TenantChargeRules): number {
  if (days === 0 || rules.interestMonthlyRate === 0) return 0;
  const monthly = decimalRatio(rules.interestMonthlyRate);
  if (rules.interestConvention === 'simple-pro-rata-die') return applyRates(baseCents, monthly, ratio(days, COMMERCIAL_MONTH_DAYS));
  if (days % COMMERCIAL_MONTH_DAYS === 0) {
    const factor = power(onePlus(monthly), days / COMMERCIAL_MONTH_DAYS);
    return applyRates(baseCents, { num: factor.num - factor.den, den: factor.den });
  }
  // (1 + i)^(d/30) is irrational for a part of a month: computed in floating point, then rounded half-up.
  return Math.round(baseCents * ((1 + rules.interestMonthlyRate) ** (days / COMMERCIAL_MONTH_DAYS) - 1));
}

const onePlus = (r: Ratio): Ratio => ({ num: r.den + r.num, den: r.den });
const power = (r: Ratio, n: number): Ratio => ({ num: r.num ** BigInt(n), den: r.den ** BigInt(n) });
const prefix = (root: string) => (issue: FieldIssue): FieldIssue => ({ ...issue, path: issue.path ? `${root}.${issue.path}` : root });

function formatMonth(key: string): string {
  return `${key.slice(5, 7)}/${key.slice(0, 4)}`;
}
