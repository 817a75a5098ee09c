// FEBRABAN boleto de cobrança: the 44-digit barcode and the 47-digit "linha digitável" that carries the same digits
// in another order, with a modulo-10 check digit on each of its first three fields. Dates are calendar dates
// (YYYY-MM-DD), amounts integer centavos.
import { ValidationError } from '@regua/errors';

const DAY_MS = 86_400_000;
/** FEBRABAN's base date: factor N is N days after 1997-10-07. */
const FACTOR_BASE = Date.UTC(1997, 9, 7);
/**
 * The factor is four digits and only 1000–9999 are used, so it cycles every 9000 days. 9999 fell on 2025-02-21
 * (day 9999 after the base date) and the factor restarted at 1000 on 2025-02-22 (day 10000), as FEBRABAN announced
 * (the same as counting again from 2022-05-29). So the factor of day d (d ≥ 1000) is 1000 + (d − 1000) mod 9000,
 * and a factor names one date every 9000 days (about 24.6 years): the reader picks the one nearest a reference date.
 */
const FIRST_FACTOR = 1000;
const FACTOR_CYCLE = 9000;
const MAX_AMOUNT_CENTS = 9_999_999_999;

/** A boleto number that breaks FEBRABAN's rules; `field` names the input property or the linha digitável's field (`field 1` … `field 5`). */
export class BoletoError extends ValidationError {
  readonly field: string;

  constructor(issues: Array<{ path: string; message: string }>) {
    const [first] = issues;
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
    this.field = first?.path ?? '';
  }
}

export interface BarcodeInput {
  /** The bank's three-digit code (001 Banco do Brasil, 237 Bradesco, 341 Itaú…). */
  bankCode: string;
  /** 9 is the real; the only currency FEBRABAN boletos carry. */
  currency?: '9' | undefined;
  /** Null: no due date (factor 0000). */
  dueDate: string | null;
  /** Zero: the payer types the amount. */
  amountCents: number;
  /** 25 digits whose layout each bank defines (agency, account, wallet, nosso número…). */
  freeField: string;
}

export interface BarcodeParts {
  barcode: string;
  bankCode: string;
  currency: '9';
  checkDigit: number;
  /** 0 when the boleto has no due date. */
  dueDateFactor: number;
  amountCents: number;
  freeField: string;
}

/** The due-date factor of a date from 2000-07-03 (factor 1000) on. */
export function dueDateFactor(dueDate: string): number {
  const days = (toUtc(dueDate, 'dueDate') - FACTOR_BASE) / DAY_MS;
  if (days < FIRST_FACTOR) throw new BoletoError([{ path: 'dueDate', message: 'factors below 1000 (dates before 2000-07-03) are no longer in use' }]);
  return FIRST_FACTOR + ((days - FIRST_FACTOR) % FACTOR_CYCLE);
}

/** The date a factor names nearest to `referenceDate` (the day a file or a payment was read); null for factor 0 (no due date). */
export function dueDateFromFactor(factor: number, referenceDate: string): string | null {
  if (factor === 0) return null;
  if (!Number.isInteger(factor) || factor < FIRST_FACTOR || factor > 9999) throw new BoletoError([{ path: 'dueDateFactor', message: 'a factor is 0 or from 1000 to 9999' }]);
  const reference = (toUtc(referenceDate, 'referenceDate') - FACTOR_BASE) / DAY_MS;
  const cycle = Math.max(0, Math.round((reference - factor) / FACTOR_CYCLE));
  // Ties (4500 days either way) go to the later date.
  const days = [cycle + 1, cycle, cycle - 1]
    .filter((c) => c >= 0)
    .map((c) => factor + c * FACTOR_CYCLE)
    .reduce((best, candidate) => (Math.abs(candidate - reference) < Math.abs(best - reference) ? candidate : best));
  return new Date(FACTOR_BASE + days * DAY_MS).toISOString().slice(0, 10);
}

/** The 44-digit barcode: bank, currency, general check digit, factor, amount, free field. */
export function barcode(input: BarcodeInput): string {
  const issues: Array<{ path: string; message: string }> = [];
  if (!/^\d{3}$/.test(input.bankCode)) issues.push({ path: 'bankCode', message: 'three digits' });
  if (input.currency !== undefined && input.currency !== '9') issues.push({ path: 'currency', message: '9 (real)' });
  if (!Number.isSafeInteger(input.amountCents) || input.amountCents < 0 || input.amountCents > MAX_AMOUNT_CENTS) {
    issues.push({ path: 'amountCents', message: `integer centavos from 0 to ${MAX_AMOUNT_CENTS} (ten digits)` });
  }
  if (!/^\d{25}$/.test(input.freeField)) issues.push({ path: 'freeField', message: 'exactly 25 digits' });
  if (issues.length > 0) throw new BoletoError(issues);
  const factor = input.dueDate === null ? 0 : dueDateFactor(input.dueDate);
  const withoutCheck = `${input.bankCode}9${String(factor).padStart(4, '0')}${String(input.amountCents).padStart(10, '0')}${input.freeField}`;
  return `${withoutCheck.slice(0, 4)}${generalCheckDigit(withoutCheck)}${withoutCheck.slice(4)}`;
}

/** Reads a barcode's parts, checking its length, currency and general check digit (position 5). */
export function parseBarcode(code: string): BarcodeParts {
  if (!/^\d{44}$/.test(code)) throw new BoletoError([{ path: 'barcode', message: 'exactly 44 digits' }]);
  if (code[3] !== '9') throw new BoletoError([{ path: 'barcode', message: 'currency (position 4) must be 9' }]);
  const checkDigit = Number(code[4]);
  const expected = generalCheckDigit(code.slice(0, 4) + code.slice(5));
  if (checkDigit !== expected) throw new BoletoError([{ path: 'barcode', message: `general check digit (position 5) is ${checkDigit}, expected ${expected}` }]);
  return {
    barcode: code,
    bankCode: code.slice(0, 3),
    currency: '9',
    checkDigit,
    dueDateFactor: Number(code.slice(5, 9)),
    amountCents: Number(code.slice(9, 19)),
    freeField: code.slice(19),
  };
}

/**
 * The linha digitável's 47 digits: field 1 = bank, currency and free field 1–5 plus a check digit; field 2 = free
 * field 6–15 plus a check digit; field 3 = free field 16–25 plus a check digit; field 4 = the general check digit;
 * field 5 = factor and amount.
 */
export function digitableLine(code: string): string {
  const parts = parseBarcode(code);
  const f1 = code.slice(0, 4) + parts.freeField.slice(0, 5);
  const f2 = parts.freeField.slice(5, 15);
  const f3 = parts.freeField.slice(15, 25);
  return `${f1}${mod10(f1)}${f2}${mod10(f2)}${f3}${mod10(f3)}${parts.checkDigit}${code.slice(5, 19)}`;
}

/** `AAAAA.AAAAA BBBBB.BBBBBB CCCCC.CCCCCC D EEEEEEEEEEEEEE`, as printed on the boleto. */
export function formatDigitableLine(line: string): string {
  const digits = line.replace(/[\s.]/g, '');
  if (!/^\d{47}$/.test(digits)) throw new BoletoError([{ path: 'line', message: 'exactly 47 digits' }]);
  return `${digits.slice(0, 5)}.${digits.slice(5, 10)} ${digits.slice(10, 15)}.${digits.slice(15, 21)} ${digits.slice(21, 26)}.${digits.slice(26, 32)} ${digits[32]} ${digits.slice(33)}`;
}

/**
 * The barcode a linha digitável (dots and spaces allowed) stands for, after checking the modulo-10 digits of
 * fields 1–3 and the general check digit (field 4); the error lists every field that is wrong.
 */
export function parseDigitableLine(line: string): string {
  const digits = line.replace(/[\s.]/g, '');
  if (!/^\d{47}$/.test(digits)) {
    const hint = /^\d{48}$/.test(digits) ? ' (48 digits is a utility or tax bill, not a boleto de cobrança)' : '';
    throw new BoletoError([{ path: 'line', message: `exactly 47 digits, got ${digits.length}${hint}` }]);
  }
  const issues: Array<{ path: string; message: string }> = [];
  for (const [field, start, end] of [
    ['field 1', 0, 9],
    ['field 2', 10, 20],
    ['field 3', 21, 31],
  ] as const) {
    const expected = mod10(digits.slice(start, end));
    if (Number(digits[end]) !== expected) issues.push({ path: field, message: `check digit is ${digits[end]}, expected ${expected}` });
  }
  if (digits[3] !== '9') issues.push({ path: 'field 1', message: 'currency (4th digit) must be 9' });
  const code = digits.slice(0, 4) + digits[32] + digits.slice(33) + digits.slice(4, 9) + digits.slice(10, 20) + digits.slice(21, 31);
  const general = generalCheckDigit(code.slice(0, 4) + code.slice(5));
  if (Number(digits[32]) !== general) issues.push({ path: 'field 4', message: `general check digit is ${digits[32]}, expected ${general}` });
  if (issues.length > 0) throw new BoletoError(issues);
  return code;
}

/** Modulo 11 over the barcode's other 43 digits, weights 2–9 from the right; 0, 10 and 11 become 1. */
function generalCheckDigit(digits43: string): number {
  let sum = 0;
  let weight = 2;
  for (let i = digits43.length - 1; i >= 0; i--) {
    sum += Number(digits43[i]) * weight;
    weight = weight === 9 ? 2 : weight + 1;
  }
  const digit = 11 - (sum % 11);
  return digit === 0 || digit === 10 || digit === 11 ? 1 : digit;
}

/** Modulo 10, weights 2 and 1 from the right, the digits of each product summed (14 counts 1 + 4). */
function mod10(digits: string): number {
  let sum = 0;
  let weight = 2;
  for (let i = digits.length - 1; i >= 0; i--) {
    const product = Number(digits[i]) * weight;
    sum += product > 9 ? product - 9 : product;
    weight = weight === 2 ? 1 : 2;
  }
  return (10 - (sum % 10)) % 10;
}

function toUtc(date: string, field: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const utc = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || new Date(utc).toISOString().slice(0, 10) !== date) throw new BoletoError([{ path: field, message: 'a calendar date as YYYY-MM-DD' }]);
  return utc;
}
