// Which instruments a case needs now, pure: the open amount, the day and the instruments the case holds come in.
import { createHash } from 'node:crypto';
import { txidFor } from '../domain/pix-brcode.ts';

export interface CurrentInstruments {
  version: number;
  amountCents: number;
  dueDate: string;
}

export type InstrumentsDecision =
  | { kind: 'none'; reason: string }
  /** The current instruments still stand (same amount, not yet due): issued again as they are, never re-registered. */
  | { kind: 'keep'; version: number }
  | { kind: 'issue'; version: number; amountCents: number; dueDate: string };

/**
 * A case with something open and no instruments for that amount, or only instruments past their due date, gets a
 * new version, due `days` after `today`; otherwise its current ones stand.
 */
export function decideInstruments(input: { current: CurrentInstruments | null; openCents: number; today: string; days: number }): InstrumentsDecision {
  const { current, openCents, today } = input;
  if (openCents <= 0) return { kind: 'none', reason: 'nothing open on the case' };
  if (current && current.amountCents === openCents && current.dueDate >= today) return { kind: 'keep', version: current.version };
  return { kind: 'issue', version: (current?.version ?? 0) + 1, amountCents: openCents, dueDate: addDays(today, input.days) };
}

/**
 * The txid of a version of a case's instruments (a txid stands for one amount): version 1 is `txidFor({ caseId },
 * 'static')`; later ones keep 21 of its characters and add `V` and the version on 3 digits, still 25 characters.
 */
export function caseTxid(caseId: string, version: number): string {
  const base = txidFor({ caseId }, 'static');
  if (version === 1) return base;
  if (!Number.isInteger(version) || version < 1 || version > 999) throw new RangeError('instrument versions run from 1 to 999');
  return `${base.slice(0, 21)}V${String(version).padStart(3, '0')}`;
}

/**
 * Candidate nosso número for a version: the 7-digit convênio and 10 digits derived from tenant, case, version and
 * attempt (the next attempt is taken when another case holds the number), so a repeat derives the same number.
 */
export function ourNumberCandidate(agreement: string, key: string, attempt: number): string {
  const digits = BigInt(`0x${createHash('sha256').update(`${key}:${attempt}`).digest('hex').slice(0, 15)}`) % 10_000_000_000n;
  return `${agreement}${digits.toString().padStart(10, '0')}`;
}

/**
 * Régua registers its case boletos with a seu número of its own (`RGA` and the nosso número's 10-digit sequence),
 * which the bank returns in its CNAB files: a settlement whose seu número is some other (the creditor's invoice
 * number) cannot be a case instrument, and a file of them is applied without one case-key read per line. A blank
 * one (a bank that drops it, a boleto registered before) may be either.
 */
const CASE_SEU_NUMERO_PREFIX = 'RGA';

export function caseSeuNumero(ourNumber: string): string {
  return `${CASE_SEU_NUMERO_PREFIX}${ourNumber.slice(-10)}`;
}

export function mayBeCaseInstrument(seuNumero: string | undefined): boolean {
  return !seuNumero || seuNumero.startsWith(CASE_SEU_NUMERO_PREFIX);
}

export function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
