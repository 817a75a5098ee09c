// A case's debt and the agreement a debtor accepts: the case's open invoices updated to today and summed (each with its
// own due date, so each runs its own multa and juros), and an offer turned into numbered installments with its terms.
import { calendarDay } from '@regua/contracts';
import { createHash } from 'node:crypto';
import { formatDateBr } from './calendar.ts';
import { updatedDebt, type ChargeParts, type IndexTable, type TenantChargeRulesInput, type UpdatedDebt } from './charges.ts';
import { formatBrl, formatPercent } from './money.ts';
import type { Offer } from './offers.ts';

export interface OpenReceivable {
  invoiceId: string;
  /** What is still owed on it: its amount minus the payments matched to it. */
  principalCents: number;
  dueDate: string;
}

export interface CaseDebt {
  /** The sum of the invoices' figures; `dueDate` is the oldest due date, `daysOverdue` the longest delay. */
  total: UpdatedDebt;
  invoices: Array<{ invoiceId: string; debt: UpdatedDebt }>;
}

/** The calendar date in America/Sao_Paulo at `now` (YYYY-MM-DD): the day the debtor sees. */
export function saoPauloDate(now: Date): string {
  return calendarDay(now, 'America/Sao_Paulo');
}

const ZERO_PARTS: ChargeParts = { interestCents: 0, fineCents: 0, correctionCents: 0, principalCents: 0 };
const addParts = (a: ChargeParts, b: ChargeParts): ChargeParts => ({
  interestCents: a.interestCents + b.interestCents,
  fineCents: a.fineCents + b.fineCents,
  correctionCents: a.correctionCents + b.correctionCents,
  principalCents: a.principalCents + b.principalCents,
});

/** Every open invoice updated to `today` (a due date after today runs no charges), and their sum. */
export function caseDebt(receivables: readonly OpenReceivable[], today: string, rules: TenantChargeRulesInput, indexTable?: IndexTable): CaseDebt {
  const invoices = [...receivables]
    .filter((r) => r.principalCents > 0)
    .sort((a, b) => (a.dueDate === b.dueDate ? (a.invoiceId < b.invoiceId ? -1 : 1) : a.dueDate < b.dueDate ? -1 : 1))
    .map((r) => ({ invoiceId: r.invoiceId, debt: updatedDebt({ principalCents: r.principalCents, dueDate: r.dueDate, today, rules, ...(indexTable ? { indexTable } : {}) }) }));
  const start: UpdatedDebt = {
    dueDate: invoices[0]?.debt.dueDate ?? today,
    today,
    daysOverdue: 0,
    principalCents: 0,
    correctionCents: 0,
    fineCents: 0,
    interestCents: 0,
    grossCents: 0,
    paidCents: 0,
    allocated: ZERO_PARTS,
    outstanding: ZERO_PARTS,
    totalCents: 0,
    creditCents: 0,
    breakdown: [],
  };
  const total = invoices.reduce<UpdatedDebt>(
    (sum, { debt }) => ({
      ...sum,
      daysOverdue: Math.max(sum.daysOverdue, debt.daysOverdue),
      principalCents: sum.principalCents + debt.principalCents,
      correctionCents: sum.correctionCents + debt.correctionCents,
      fineCents: sum.fineCents + debt.fineCents,
      interestCents: sum.interestCents + debt.interestCents,
      grossCents: sum.grossCents + debt.grossCents,
      paidCents: sum.paidCents + debt.paidCents,
      allocated: addParts(sum.allocated, debt.allocated),
      outstanding: addParts(sum.outstanding, debt.outstanding),
      totalCents: sum.totalCents + debt.totalCents,
      creditCents: sum.creditCents + debt.creditCents,
      breakdown: [...sum.breakdown, ...debt.breakdown],
    }),
    start,
  );
  return { total, invoices };
}

/** The agreement's id: the same case, offer (whose id names the day) and tenant always give the same agreement. */
export function agreementIdFor(tenant: string, caseId: string, offerId: string): string {
  return `agr_${createHash('sha256').update(JSON.stringify([tenant, caseId, offerId])).digest('hex').slice(0, 24)}`;
}

export interface AgreementInstallmentPlan {
  /** 1 is the first payment (the down payment, when the offer has one). */
  number: number;
  dueDate: string;
  amountCents: number;
  interestCents: number;
}

/** The offer's payments numbered from 1 (an offer numbers its down payment 0). */
export function agreementSchedule(offer: Offer): AgreementInstallmentPlan[] {
  return offer.schedule.map((s, index) => ({ number: index + 1, dueDate: s.dueDate, amountCents: s.amountCents, interestCents: s.interestCents }));
}

/** The terms the debtor accepts, in pt-BR: what is owed, what is paid when, and what the plan costs in all. */
export function agreementTerms(input: { creditorName: string; debt: UpdatedDebt; offer: Offer; schedule: readonly AgreementInstallmentPlan[]; acceptedOn: string; graceDays: number }): string {
  const { debt, offer, schedule } = input;
  const interestCents = schedule.reduce((sum, s) => sum + s.interestCents, 0);
  const lines = [
    `Termo de acordo com ${input.creditorName}, aceito em ${formatDateBr(input.acceptedOn)}.`,
    `Dívida atualizada em ${formatDateBr(debt.today)}: ${formatBrl(debt.totalCents)} (valor original ${formatBrl(debt.principalCents)}, correção ${formatBrl(debt.correctionCents)}, multa ${formatBrl(debt.fineCents)}, juros de mora ${formatBrl(debt.interestCents)}).`,
    offer.kind === 'full'
      ? `Pagamento à vista com desconto de ${formatBrl(offer.discountCents)}: ${formatBrl(offer.amountCents)} até ${formatDateBr(offer.firstDueDate)}.`
      : `Parcelamento${offer.downPaymentCents > 0 ? ` com entrada de ${formatBrl(offer.downPaymentCents)} e` : ''} ${offer.installments} parcelas mensais de ${formatBrl(offer.installmentCents)} (tabela Price, juros de ${formatPercent(offer.monthlyRate)} ao mês).`,
    ...schedule.map((s) => `Parcela ${s.number}: ${formatBrl(s.amountCents)}, vencimento em ${formatDateBr(s.dueDate)}.`),
    `Total a pagar: ${formatBrl(offer.totalCents)}; juros do parcelamento: ${formatBrl(interestCents)}; desconto: ${formatBrl(offer.discountCents)}; custo total em relação à dívida atualizada: ${formatBrl(offer.totalCents - debt.totalCents)}.`,
    `Uma parcela não paga até ${input.graceDays} dias após o vencimento desfaz o acordo, e a cobrança da dívida original é retomada, abatidos os valores pagos.`,
    'Pagas todas as parcelas, as faturas do acordo ficam quitadas.',
  ];
  return lines.join('\n');
}
