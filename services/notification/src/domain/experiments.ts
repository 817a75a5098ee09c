import { createHash } from 'node:crypto';
import type { Strategy } from './cadence-spec.ts';

export interface ArmAssignment {
  /** `champion`, `holdout` or a challenger's name. */
  arm: string;
  /** The cadence the case follows; null on the holdout, which gets no automated contact. */
  cadenceId: string | null;
}

/**
 * A debtor's place in [0, 100): uniform, and the same every time for the same tenant, strategy and debtor, so a
 * debtor's cases stay on one arm however often they are planned, on any replica.
 */
export function bucketOf(tenant: string, strategyId: string, debtorId: string): number {
  const digest = createHash('sha256').update(`${tenant}\u0000${strategyId}\u0000${debtorId}`).digest();
  return (digest.readUIntBE(0, 6) / 2 ** 48) * 100;
}

/**
 * Which arm of a strategy's experiment a debtor is on: the holdout takes [0, holdout%), each challenger the next
 * `percent` in order, and the champion the rest. Without an experiment, everyone is on the champion.
 */
export function assignArm(strategy: Strategy, tenant: string, debtorId: string): ArmAssignment {
  const experiment = strategy.experiment;
  if (!experiment) return { arm: 'champion', cadenceId: strategy.cadenceId };
  const point = bucketOf(tenant, strategy.id, debtorId);
  if (point < experiment.holdoutPercent) return { arm: 'holdout', cadenceId: null };
  let upTo = experiment.holdoutPercent;
  for (const challenger of experiment.challengers) {
    upTo += challenger.percent;
    if (point < upTo) return { arm: challenger.name, cadenceId: challenger.cadenceId };
  }
  return { arm: 'champion', cadenceId: strategy.cadenceId };
}
