// The Price table (French amortisation): equal installments PMT = P·i / (1 − (1 + i)^−n), the first due on
// `firstDueDate` and the others monthly on the same day (clamped to the month's end). Each installment's interest is the
// balance × i rounded half-up to the centavo, its amortisation the rest; the last installment pays its interest and the
// whole remaining balance, so it absorbs the rounding and the amortisations sum exactly to the principal. The rounding of
// PMT (at most half a centavo) grows with the balance it leaves, by (1 + i) a month: a few centavos on the last of 10 at
// 2%; a schedule whose installments are so small and many that it would pay the balance off early is refused.
import { ValidationError } from '@regua/errors';
import { addMonths, dayNumber } from './calendar.ts';
import { applyRates, assertCents, decimalRatio, ratio, roundHalfUp } from './money.ts';

export const MAX_INSTALLMENTS = 600;

export interface ScheduledInstallment {
  number: number;
  dueDate: string;
  amountCents: number;
  interestCents: number;
  amortisationCents: number;
  balanceAfterCents: number;
}

/** The level installment, rounded half-up to the centavo (at 0% the equal share P / n). */
export function priceInstallment(principalCents: number, monthlyRate: number, n: number): number {
  assertCents(principalCents, 'principalCents');
  assertRate(monthlyRate);
  if (!Number.isInteger(n) || n < 1 || n > MAX_INSTALLMENTS) invalid('n', `must be a whole number of installments from 1 to ${MAX_INSTALLMENTS}`);
  if (monthlyRate === 0) return roundHalfUp(ratio(principalCents, n));
  return Math.round((principalCents * monthlyRate) / (1 - (1 + monthlyRate) ** -n));
}

export function priceSchedule(principalCents: number, monthlyRate: number, n: number, firstDueDate: string): ScheduledInstallment[] {
  const installmentCents = priceInstallment(principalCents, monthlyRate, n);
  dayNumber(firstDueDate, 'firstDueDate');
  const rate = decimalRatio(monthlyRate);
  const schedule: ScheduledInstallment[] = [];
  let balance = principalCents;
  for (let number = 1; number <= n; number += 1) {
    const interestCents = applyRates(balance, rate);
    const last = number === n;
    const amortisationCents = last ? balance : installmentCents - interestCents;
    if (amortisationCents <= 0 || amortisationCents > balance) invalid('principalCents', `${principalCents} centavos cannot be paid in ${n} installments at ${monthlyRate} a month (installments of ${installmentCents} centavos)`);
    balance -= amortisationCents;
    schedule.push({ number, dueDate: addMonths(firstDueDate, number - 1), amountCents: interestCents + amortisationCents, interestCents, amortisationCents, balanceAfterCents: balance });
  }
  return schedule;
}

function assertRate(monthlyRate: number): void {
  if (!Number.isFinite(monthlyRate) || monthlyRate < 0 || monthlyRate > 1) invalid('monthlyRate', 'must be a fraction from 0 to 1 (0.02 is 2% a month)');
}

function invalid(path: string, message: string): never {
  throw new ValidationError(`${path}: ${message}`, [{ path, message }]);
}
