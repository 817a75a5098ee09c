// Money in integer centavos and rates as the decimals a tenant writes (0.02, 0.0199). Products of an amount and rates are
// computed exactly on the rate's decimal digits (BigInt) and rounded once, half-up (half away from zero), to the centavo:
// 33.30 at 1% a month for 50 days is 3330 × 0.01 × 50/30 = 55.5 centavos exactly, so 56, where floating point gives
// 55.49999… and 55.
import { ValidationError } from '@regua/errors';

/** An exact fraction num/den, den > 0. */
export interface Ratio {
  num: bigint;
  den: bigint;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;

/** The decimal a number prints as (0.0199 → 199/10000), which is the rate the tenant wrote, not the binary float behind it. */
export function decimalRatio(value: number): Ratio {
  const match = DECIMAL.exec(String(value));
  if (!Number.isFinite(value) || !match) throw new RangeError(`not a finite decimal: ${value}`);
  const [, sign = '', whole = '0', fraction = '', exponent = '0'] = match;
  const scale = fraction.length - Number(exponent);
  const digits = BigInt(`${sign}${whole}${fraction}`);
  return scale >= 0 ? { num: digits, den: 10n ** BigInt(scale) } : { num: digits * 10n ** BigInt(-scale), den: 1n };
}

export function multiply(...ratios: Ratio[]): Ratio {
  return ratios.reduce((acc, r) => ({ num: acc.num * r.num, den: acc.den * r.den }), { num: 1n, den: 1n });
}

export function ratio(num: number | bigint, den: number | bigint = 1n): Ratio {
  return { num: BigInt(num), den: BigInt(den) };
}

/** num/den rounded half away from zero to an integer. */
export function roundHalfUp({ num, den }: Ratio): number {
  const negative = num < 0n !== den < 0n;
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  const rounded = Number((2n * n + d) / (2n * d));
  return negative ? -rounded : rounded;
}

/** cents × rate × … rounded half-up: the one rounding of a stated step. */
export function applyRates(cents: number, ...factors: Ratio[]): number {
  return roundHalfUp(multiply(ratio(cents), ...factors));
}

/** 123456 → 'R$ 1.234,56'. */
export function formatBrl(cents: number): string {
  const abs = Math.abs(cents);
  const reais = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${cents < 0 ? '-' : ''}R$ ${reais},${String(abs % 100).padStart(2, '0')}`;
}

/** 0.0199 → '1,99%', 0.02 → '2%': the rate as the tenant wrote it, in percent. */
export function formatPercent(rate: number): string {
  const { num, den } = multiply(decimalRatio(rate), ratio(100));
  const whole = num / den;
  let rest = num % den;
  if (rest < 0n) rest = -rest;
  if (rest === 0n) return `${whole}%`;
  const places = den.toString().length - 1;
  const fraction = rest.toString().padStart(places, '0').replace(/0+$/, '');
  return `${num < 0n && whole === 0n ? '-' : ''}${whole},${fraction}%`;
}

/** A positive (or, with `allowZero`, non-negative) safe integer of centavos. */
export function assertCents(value: number, path: string, allowZero = false): void {
  if (!Number.isSafeInteger(value) || value < 0 || (!allowZero && value === 0)) {
    const message = `must be ${allowZero ? 'zero or more' : 'more than zero'}, in integer centavos`;
    throw new ValidationError(`${path}: ${message}`, [{ path, message }]);
  }
}
