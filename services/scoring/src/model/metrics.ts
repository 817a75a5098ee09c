/**
 * Ranking and calibration measures for a model's predictions against observed outcomes, for the report test and the
 * retraining job's before/after comparison.
 */

/** Area under the ROC curve: the chance a random payer scores above a random non-payer (ties count half). */
export function auc(outcomes: readonly boolean[], probabilities: readonly number[]): number {
  const order = probabilities.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j]![0] === order[i]![0]) j++;
    const midRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (outcomes[order[k]![1]]) { positives++; rankSum += midRank; }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean squared difference between predicted probability and outcome (0 is perfect). */
export function brier(outcomes: readonly boolean[], probabilities: readonly number[]): number {
  let sum = 0;
  probabilities.forEach((p, i) => { sum += (p - (outcomes[i] ? 1 : 0)) ** 2; });
  return sum / probabilities.length;
}
