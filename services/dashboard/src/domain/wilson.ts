/** z for a two-sided 95% interval. */
export const Z_95 = 1.959963984540054;

export interface Proportion {
  rate: number | null;
  low: number | null;
  high: number | null;
}

/**
 * The Wilson score interval of a proportion (successes out of trials): unlike the normal approximation it stays
 * inside [0, 1] and behaves with few trials or rates near 0 or 1, which is what small experiment arms have.
 */
export function wilsonInterval(successes: number, trials: number, z: number = Z_95): Proportion {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0 || trials < 0 || successes > trials) throw new RangeError(`invalid proportion ${successes}/${trials}`);
  if (trials === 0) return { rate: null, low: null, high: null };
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const margin = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // At 0 and at all successes the bound is exactly 0 or 1; floating point would leave it a hair inside.
  return { rate: p, low: successes === 0 ? 0 : Math.max(0, centre - margin), high: successes === trials ? 1 : Math.min(1, centre + margin) };
}

/** Two arms differ at 95% when their intervals do not overlap (conservative: a real difference may still overlap). */
export function clearlyBetter(a: Proportion, b: Proportion): boolean {
  return a.low !== null && b.high !== null && a.low > b.high;
}
