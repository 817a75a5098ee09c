// Matching rules past the keys a payment carries (invoice id, Pix txid, nosso número): the payer's document with the
// amount and a date window, what an overpayment or a payment of a settled invoice leaves as credit, and when a case
// is settled. Pure: dates and figures come in, decisions come out.
import { createHash } from 'node:crypto';
import { normalizeDocument } from '@regua/contracts';

const DAY_MS = 86_400_000;

/**
 * A debtor's CPF/CNPJ as payments keep it (LGPD: the number itself is never stored): SHA-256 of `tenant:document`,
 * the document normalised (punctuation dropped, letters upper-case), so `529.982.247-25` and `52998224725` agree.
 */
export function documentHash(tenant: string, document: string): string {
  return createHash('sha256').update(`${tenant}:${normalizeDocument(document)}`).digest('hex');
}

export interface MatchCandidate {
  invoiceId: string;
  amountCents: number;
  /** YYYY-MM-DD. */
  dueDate: string;
  paidCents: number;
}

export type DocumentMatch<C> = { kind: 'one'; candidate: C } | { kind: 'ambiguous' | 'none'; reason: string };

const dayNumber = (isoDate: string) => Math.floor(Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`) / DAY_MS);

/**
 * A payment that names no invoice, matched on its payer's document: the one open invoice of that debtor whose
 * outstanding amount is exactly the payment's and whose due date lies within `windowDays` (either side) of the
 * payment's date. Several such invoices, or none: an operator decides, with the reason.
 */
export function matchByDocument<C extends MatchCandidate>(candidates: readonly C[], payment: { amountCents: number; paidOn: string }, windowDays: number): DocumentMatch<C> {
  const paidDay = dayNumber(payment.paidOn);
  const fitting = candidates.filter((c) => c.amountCents - c.paidCents === payment.amountCents && Math.abs(dayNumber(c.dueDate) - paidDay) <= windowDays);
  const [first] = fitting;
  if (fitting.length === 1 && first) return { kind: 'one', candidate: first };
  const what = `open receivable of the payer's document with outstanding ${payment.amountCents} centavos and a due date within ${windowDays} days of ${payment.paidOn}`;
  if (fitting.length === 0) return { kind: 'none', reason: `none: no ${what} (${candidates.length} receivables of that document known)` };
  return { kind: 'ambiguous', reason: `ambiguous: ${fitting.length} ${what}s (${fitting.map((c) => c.invoiceId).join(', ')})` };
}

export const LATE_PAYMENT_REASON = 'late payment of a settled debt (refund or credit)';

/** True if the invoice was settled before this payment (which it does not hold yet): the payment is late. */
export function isLatePayment(receivable: { amountCents: number; payments: ReadonlyArray<{ paymentId: string; amountCents: number }> }, paymentId: string): boolean {
  if (receivable.payments.some((p) => p.paymentId === paymentId)) return false;
  return receivable.payments.reduce((sum, p) => sum + p.amountCents, 0) >= receivable.amountCents;
}

/**
 * The part of a payment beyond what the invoice still owed when it was matched: the payments in the order they were
 * matched, so a redelivery computes the same excess. 0 for a payment not among them.
 */
export function excessOf(amountCents: number, payments: ReadonlyArray<{ paymentId: string; amountCents: number }>, paymentId: string): number {
  let before = 0;
  for (const p of payments) {
    if (p.paymentId === paymentId) return Math.max(0, before + p.amountCents - amountCents) - Math.max(0, before - amountCents);
    before += p.amountCents;
  }
  return 0;
}

export interface CaseInvoice {
  invoiceId: string;
  amountCents: number;
  paidCents: number;
}

export type CaseSettlement = { settled: true; paidCents: number } | { settled: false };

/** A case is settled when every one of its open invoices is known and paid in full. */
export function caseSettlement(invoiceIds: readonly string[], known: readonly CaseInvoice[]): CaseSettlement {
  if (invoiceIds.length === 0) return { settled: false };
  const byId = new Map(known.map((k) => [k.invoiceId, k]));
  let paidCents = 0;
  for (const id of invoiceIds) {
    const invoice = byId.get(id);
    if (!invoice || invoice.paidCents < invoice.amountCents) return { settled: false };
    paidCents += invoice.paidCents;
  }
  return { settled: true, paidCents };
}

/** A registration run's invoices grouped under their debtors' document hashes (`_id` `tenant:hash` → invoice ids). */
export function documentIndex(registered: ReadonlyArray<{ tenant: string; invoiceId: string; taxId: string }>): Map<string, { tenant: string; invoiceIds: string[] }> {
  const index = new Map<string, { tenant: string; invoiceIds: string[] }>();
  for (const { tenant, invoiceId, taxId } of registered) {
    const key = `${tenant}:${documentHash(tenant, taxId)}`;
    const entry = index.get(key) ?? { tenant, invoiceIds: [] };
    if (!entry.invoiceIds.includes(invoiceId)) entry.invoiceIds.push(invoiceId);
    index.set(key, entry);
  }
  return index;
}
