import { applyCalibration, fitCalibration, logLoss, type LabelledPoint } from './calibration.ts';

/** A deterministic sample whose true probability is σ(slope·logit(p) + intercept) of the model's p. */
function sample(slope: number, intercept: number, n = 4000): LabelledPoint[] {
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, () => {
    const probability = 0.05 + 0.9 * random();
    return { probability, paid: random() < applyCalibration(probability, { slope, intercept }) };
  });
}

describe('fitCalibration (Platt scaling)', () => {
  test('Given outcomes drawn from a known miscalibration, then it recovers slope and intercept', () => {
    const fitted = fitCalibration(sample(0.6, -0.8));
    expect(fitted.slope).toBeCloseTo(0.6, 1);
    expect(fitted.intercept).toBeCloseTo(-0.8, 1);
  });

  test('Given a calibrated model, then it stays near the identity', () => {
    const fitted = fitCalibration(sample(1, 0));
    expect(fitted.slope).toBeCloseTo(1, 1);
    expect(fitted.intercept).toBeCloseTo(0, 1);
  });

  test('Given the fitted calibration, then the log loss on the sample is lower than the raw model\'s', () => {
    const points = sample(0.5, -1);
    const fitted = fitCalibration(points);
    const after = points.map((p) => ({ ...p, probability: applyCalibration(p.probability, fitted) }));
    expect(logLoss(after)).toBeLessThan(logLoss(points));
  });

  test('Given perfectly separated outcomes, then the fit stays finite', () => {
    const fitted = fitCalibration([...Array.from({ length: 50 }, () => ({ probability: 0.9, paid: true })), ...Array.from({ length: 50 }, () => ({ probability: 0.1, paid: false }))]);
    expect(Number.isFinite(fitted.slope) && Number.isFinite(fitted.intercept)).toBe(true);
  });
});
