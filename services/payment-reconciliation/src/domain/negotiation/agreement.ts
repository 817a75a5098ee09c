// Where an agreement stands on a date, from its schedule and the payments received, recomputed from scratch each time.
//
// - Payments settle installments oldest first, in date order (a payment beyond an installment carries to the next;
//   beyond the whole agreement it is a credit). So installment k is covered once the payments so far reach the sum of
//   installments 1..k, and `paidOn` is the date that happened.
// - An installment not covered by the end of its grace period (due date + `graceDays` calendar days) breaks the
//   agreement, from the next day on. Breaking is a fact about those dates: paying later does not undo it (reinstating is
//   the creditor's decision), except that an agreement paid in full is settled, never broken.
import { ValidationError, type FieldIssue } from '@regua/errors';
import { addDays, dayNumber } from './calendar.ts';
import { assertCents } from './money.ts';
import type { ScheduledInstallment } from './price-table.ts';

export const DEFAULT_GRACE_DAYS = 5;

export interface AgreementPayment {
  /** The date in America/Sao_Paulo the money was received. */
  paidAt: string;
  amountCents: number;
}

export type InstallmentState = 'paid' | 'partially_paid' | 'open' | 'late';

export interface InstallmentStatus {
  number: number;
  dueDate: string;
  amountCents: number;
  paidCents: number;
  /** paid; or, not fully paid: late once past its due date, else partially paid or open. */
  status: InstallmentState;
  /** The day the payments first covered it. */
  paidOn?: string;
}

export interface AgreementStatus {
  installments: InstallmentStatus[];
  paidCents: number;
  outstandingCents: number;
  creditCents: number;
  settled: boolean;
  broken: boolean;
  /** The first day the agreement counts as broken, and why. */
  brokenOn?: string;
  reason?: string;
}

export interface AgreementStatusInput {
  schedule: ReadonlyArray<Pick<ScheduledInstallment, 'number' | 'dueDate' | 'amountCents'>>;
  payments: readonly AgreementPayment[];
  today: string;
  graceDays?: number;
}

export function agreementStatus({ schedule, payments, today, graceDays = DEFAULT_GRACE_DAYS }: AgreementStatusInput): AgreementStatus {
  validate(schedule, payments, today, graceDays);
  // The payments in date order (ties in the order given), each with everything received up to and including it.
  let running = 0;
  const ledger = payments
    .map((payment, index) => ({ ...payment, index }))
    .sort((a, b) => (a.paidAt === b.paidAt ? a.index - b.index : a.paidAt < b.paidAt ? -1 : 1))
    .map(({ paidAt, amountCents }) => ({ paidAt, receivedCents: (running += amountCents) }));
  const paidCents = running;
  const paidBy = (date: string): number => ledger.findLast((entry) => entry.paidAt <= date)?.receivedCents ?? 0;

  const installments: InstallmentStatus[] = [];
  let dueBefore = 0;
  let broken: { brokenOn: string; reason: string } | undefined;
  for (const { number, dueDate, amountCents } of schedule) {
    const dueThrough = dueBefore + amountCents;
    const paid = Math.min(amountCents, Math.max(0, paidCents - dueBefore));
    const paidOn = ledger.find((entry) => entry.receivedCents >= dueThrough)?.paidAt;
    const status: InstallmentState = paid === amountCents ? 'paid' : today > dueDate ? 'late' : paid > 0 ? 'partially_paid' : 'open';
    installments.push({ number, dueDate, amountCents, paidCents: paid, status, ...(paidOn ? { paidOn } : {}) });

    const deadline = addDays(dueDate, graceDays);
    if (!broken && today > deadline && (paidOn === undefined || paidOn > deadline)) {
      const short = Math.min(amountCents, dueThrough - paidBy(deadline));
      broken = { brokenOn: addDays(deadline, 1), reason: `installment ${number} (due ${dueDate}) was ${short} centavos short ${graceDays} days after its due date` };
    }
    dueBefore = dueThrough;
  }

  const settled = paidCents >= dueBefore;
  return {
    installments,
    paidCents,
    outstandingCents: Math.max(0, dueBefore - paidCents),
    creditCents: Math.max(0, paidCents - dueBefore),
    settled,
    broken: !settled && broken !== undefined,
    ...(!settled && broken ? broken : {}),
  };
}

function validate(schedule: AgreementStatusInput['schedule'], payments: readonly AgreementPayment[], today: string, graceDays: number): void {
  dayNumber(today, 'today');
  const issues: FieldIssue[] = [];
  if (!Number.isInteger(graceDays) || graceDays < 0) issues.push({ path: 'graceDays', message: 'must be a whole number of days, zero or more' });
  if (schedule.length === 0) issues.push({ path: 'schedule', message: 'must have at least one installment' });
  schedule.forEach((installment, i) => {
    dayNumber(installment.dueDate, `schedule[${i}].dueDate`);
    assertCents(installment.amountCents, `schedule[${i}].amountCents`);
    const previous = schedule[i - 1];
    if (previous && previous.dueDate > installment.dueDate) issues.push({ path: `schedule[${i}].dueDate`, message: 'installments come in due-date order' });
  });
  payments.forEach((payment, i) => {
    dayNumber(payment.paidAt, `payments[${i}].paidAt`);
    assertCents(payment.amountCents, `payments[${i}].amountCents`);
    if (payment.paidAt > today) issues.push({ path: `payments[${i}].paidAt`, message: `after today (${today})` });
  });
  if (issues.length > 0) throw new ValidationError(`invalid agreement: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}
