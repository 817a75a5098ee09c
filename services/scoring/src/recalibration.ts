import type { Lease } from '@regua/mongo';
import type { Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import { fitCalibration, logLoss, type LabelledPoint } from './domain/calibration.ts';
import { outcomeOf } from './domain/label-outcome.ts';
import { calibrated, type ScoringModel } from './domain/model-port.ts';
import type { ModelRegistry } from './model-registry.ts';
import { baseVersionDoc } from './model-registry.ts';
import { monthsUpTo, type LabelStore } from './store/labels.ts';
import type { ModelStore } from './store/models.ts';

export type RecalibrationOutcome = { outcome: 'created'; version: string; labels: number; logLossBefore: number; logLossAfter: number } | { outcome: 'skipped'; reason: string };

/**
 * Recalibrates the active model on recent labels (Platt scaling of its base model's log-odds), stores the result
 * as a new version derived from the active one and points at it, keeping the one it replaces for a rollback.
 * One replica at a time, under a lease; it does nothing without enough labels of both outcomes, or when the new
 * calibration does not lower the log loss of the active model on them.
 */
export function createRecalibration(deps: { registry: ModelRegistry; models: ModelStore; labels: LabelStore; lease: Lease; clock: Clock; logger: Logger; fallback: ScoringModel; minLabels: number; windowDays: number; keepMonths: number }) {
  return {
    async runOnce(): Promise<RecalibrationOutcome> {
      const now = deps.clock.now();
      if (!(await deps.lease.tryAcquire(now))) return { outcome: 'skipped', reason: 'another replica holds the lease' };
      try {
        const months = monthsUpTo(now, deps.keepMonths);
        await deps.labels.dropBefore(months.at(-1)!);
        const activeDoc = (await deps.registry.activeDoc()) ?? baseVersionDoc({ kind: 'rules', version: deps.fallback.version }, now);
        await deps.models.saveVersion(activeDoc);
        const active = deps.registry.modelOf(activeDoc);
        const base = deps.registry.modelOf({ ...activeDoc, _id: activeDoc.base.version, calibration: null });

        const known = (await deps.labels.readMonths(months)).flatMap((label) => {
          const paid = outcomeOf(label, now, deps.windowDays);
          return paid === undefined ? [] : [{ label, paid }];
        });
        const paidCount = known.filter((k) => k.paid).length;
        if (known.length < deps.minLabels) return skipped(`${known.length} labels with a known outcome, fewer than ${deps.minLabels}`);
        if (paidCount === 0 || paidCount === known.length) return skipped('labels of one outcome only');

        const onBase: LabelledPoint[] = known.map(({ label, paid }) => ({ probability: base.predict(label.features).probability, paid }));
        const calibration = fitCalibration(onBase);
        const version = `${activeDoc.base.version}+cal.${now.toISOString().replace(/\D/g, '').slice(0, 14)}`;
        const candidate = calibrated(base, calibration, version);
        const logLossBefore = logLoss(known.map(({ label, paid }) => ({ probability: active.predict(label.features).probability, paid })));
        const logLossAfter = logLoss(known.map(({ label, paid }) => ({ probability: candidate.predict(label.features).probability, paid })));
        if (!(logLossAfter < logLossBefore)) return skipped(`no improvement: log loss ${logLossAfter.toFixed(4)} vs ${logLossBefore.toFixed(4)} now`);

        await deps.models.saveVersion({ _id: version, base: activeDoc.base, calibration, parent: activeDoc._id, createdAt: now, training: { labels: known.length, paid: paidCount, logLossBefore, logLossAfter } });
        await deps.models.activate(version, now, activeDoc._id);
        deps.logger.info({ version, parent: activeDoc._id, labels: known.length, logLossBefore, logLossAfter }, 'model recalibrated');
        return { outcome: 'created', version, labels: known.length, logLossBefore, logLossAfter };
      } finally {
        await deps.lease.release();
      }
    },
  };

  function skipped(reason: string): RecalibrationOutcome {
    deps.logger.info({ reason }, 'model recalibration skipped');
    return { outcome: 'skipped', reason };
  }
}

export type Recalibration = ReturnType<typeof createRecalibration>;
