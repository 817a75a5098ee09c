import { logit, sigmoid, type Calibration } from './model-port.ts';

/** A scored invoice whose outcome is known: the model's probability then, and whether it was paid. */
export interface LabelledPoint {
  probability: number;
  paid: boolean;
}

/**
 * Platt scaling: the slope and intercept on the model's log-odds that maximise the likelihood of the outcomes, by
 * Newton's method on two parameters (with a small ridge so a separable sample does not run off to infinity).
 */
export function fitCalibration(points: readonly LabelledPoint[], iterations = 50): Calibration {
  let slope = 1;
  let intercept = 0;
  const ridge = 1e-3;
  for (let i = 0; i < iterations; i++) {
    let gA = -ridge * (slope - 1);
    let gB = -ridge * intercept;
    let hAA = ridge;
    let hAB = 0;
    let hBB = ridge;
    for (const { probability, paid } of points) {
      const x = logit(probability);
      const p = sigmoid(slope * x + intercept);
      const r = (paid ? 1 : 0) - p;
      const w = p * (1 - p);
      gA += r * x;
      gB += r;
      hAA += w * x * x;
      hAB += w * x;
      hBB += w;
    }
    const det = hAA * hBB - hAB * hAB;
    if (!(det > 1e-12)) break;
    const dA = (hBB * gA - hAB * gB) / det;
    const dB = (hAA * gB - hAB * gA) / det;
    slope += dA;
    intercept += dB;
    if (Math.abs(dA) < 1e-9 && Math.abs(dB) < 1e-9) break;
  }
  return { slope, intercept };
}

/** Mean log loss of probabilities against outcomes (lower is better). */
export function logLoss(points: readonly LabelledPoint[]): number {
  if (points.length === 0) return 0;
  const eps = 1e-6;
  const total = points.reduce((sum, { probability, paid }) => {
    const p = Math.min(1 - eps, Math.max(eps, probability));
    return sum - (paid ? Math.log(p) : Math.log(1 - p));
  }, 0);
  return total / points.length;
}

export function applyCalibration(probability: number, calibration: Calibration): number {
  return sigmoid(calibration.slope * logit(probability) + calibration.intercept);
}
