/** The dates a label gathers after its invoice's first score (`scoring_labels_<yyyymm>`), the earliest of each. */
export interface LabelDates {
  scoredAt: Date;
  paidAt?: Date;
  agreementAt?: Date;
  brokenAt?: Date;
}

const DAY_MS = 86_400_000;

/**
 * A label's outcome for the model's label (paid within the window of the first score):
 * - paid within the window: paid;
 * - taken into an agreement within the window: the agreement decides. Broken: not paid. Settled: paid, whenever the
 *   last installment came (payment-reconciliation then reconciles every invoice of the agreement, which sets
 *   `paidAt`). Still running: unknown, left out, however long it runs;
 * - otherwise, not paid once the window has passed; unknown before.
 * An agreement made after the window changes nothing: the invoice was already a "not paid".
 */
export function outcomeOf(label: LabelDates, now: Date, windowDays: number): boolean | undefined {
  const deadline = label.scoredAt.getTime() + windowDays * DAY_MS;
  if (label.paidAt && label.paidAt.getTime() <= deadline) return true;
  if (label.agreementAt && label.agreementAt.getTime() <= deadline) {
    if (label.brokenAt) return false;
    if (label.paidAt) return true;
    return undefined;
  }
  if (now.getTime() >= deadline) return false;
  return undefined;
}
