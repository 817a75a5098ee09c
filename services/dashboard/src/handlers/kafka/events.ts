import { randomUUID } from 'node:crypto';
import { onBatch, type Subscription } from '@regua/kafka-bus';
import type { EnvelopeHeader } from '@regua/contracts';
import { forEachConcurrently } from '@regua/mongo';
import type { Clock } from '@regua/service-kit';
import type { ChangeFeed } from '../../projection/change-feed.ts';
import { PROJECTIONS } from '../../projection/apply.ts';
import { ProjectionRun } from '../../projection/run.ts';
import type { ReadModelStore } from '../../store/read-model.ts';

/** Keys (debtors) of a run applied at once; one debtor's events one after the other, in offset order. */
const KEY_CONCURRENCY = 16;

export interface ProjectorDeps {
  store: ReadModelStore;
  clock: Clock;
  changes: ChangeFeed;
  timeZone: string;
}

/**
 * One subscription per event type, all in the dashboard's one consumer group. Runs are applied one at a time in a
 * replica: a run's documents and counters are read, changed in memory and written back whole, so two runs must not
 * interleave on one document (FerretDB applies updates without a lock). Within a run, debtors go concurrently.
 */
export function projectorSubscriptions(deps: ProjectorDeps): Subscription[] {
  let tail: Promise<unknown> = Promise.resolve();
  const oneRunAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work);
    tail = run.catch(() => undefined);
    return run;
  };

  return PROJECTIONS.map(({ event, apply }) =>
    onBatch(event, (items) =>
      oneRunAtATime(async () => {
        const now = deps.clock.now();
        const events = items.map((item) => ({ value: item.value as EnvelopeHeader, key: item.meta.key ?? '' }));
        const runId = randomUUID();
        const todo = await deps.store.claim(
          events.map((e) => ({ id: e.value.id, topic: event.topic })),
          runId,
          now,
        );
        // An event delivered twice in one run is applied once.
        const fresh = events.filter((e) => todo.delete(e.value.id));
        if (fresh.length === 0) return;
        const run = new ProjectionRun(deps.store, deps.timeZone, now);
        const byKey = [...Map.groupBy(fresh, (e) => e.key).values()];
        await forEachConcurrently(byKey, KEY_CONCURRENCY, async (group) => {
          for (const e of group) await apply(e.value as never, run);
        });
        await run.flush();
        await deps.store.markDone(runId, fresh.length);
        deps.changes.publish(run.tenants);
      }),
    ),
  );
}
