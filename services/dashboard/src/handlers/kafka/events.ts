import { randomUUID } from 'node:crypto';
import { onBatch, type Subscription } from '@regua/kafka-bus';
import type { EnvelopeHeader } from '@regua/contracts';
import { forEachConcurrently } from '@regua/mongo';
import type { Clock } from '@regua/service-kit';
import type { ChangeFeed } from '../../projection/change-feed.ts';
import { PROJECTIONS, type Projection } from '../../projection/apply.ts';
import { ProjectionRun } from '../../projection/run.ts';
import type { ReadModelStore } from '../../store/read-model.ts';

/** Keys (debtors) of a run applied at once; one debtor's events one after the other, in offset order. */
const KEY_CONCURRENCY = 16;

/**
 * Most events applied as one run: a lagging consumer's fetch hands over up to 4 MB of events at once (every
 * partition's batch, service.ts), and a run holds in memory every document its events touch.
 */
const MAX_EVENTS_PER_RUN = 5_000;

export interface ProjectorDeps {
  store: ReadModelStore;
  clock: Clock;
  changes: ChangeFeed;
  timeZone: string;
  /** `MAX_EVENTS_PER_RUN` unless given (tests). A consumer run larger than this is still applied whole. */
  maxEventsPerRun?: number;
}

/** One consumer run of one topic, waiting to be applied. */
interface Submitted {
  topic: string;
  apply: Projection['apply'];
  events: Array<{ value: EnvelopeHeader; key: string }>;
  done: PromiseWithResolvers<void>;
}

/** Applies consumer runs as one projection run: one claim, each document read and written once, one `$inc` per counter. */
async function applyRuns(deps: ProjectorDeps, group: readonly Submitted[]): Promise<void> {
  const now = deps.clock.now();
  const events = group.flatMap((s) => s.events.map((e) => ({ ...e, topic: s.topic, apply: s.apply })));
  const runId = randomUUID();
  const todo = await deps.store.claim(
    events.map((e) => ({ id: e.value.id, topic: e.topic })),
    runId,
    now,
  );
  // An event delivered twice in one run is applied once.
  const fresh = events.filter((e) => todo.delete(e.value.id));
  if (fresh.length === 0) return;
  const run = new ProjectionRun(deps.store, deps.timeZone, now);
  const byKey = [...Map.groupBy(fresh, (e) => e.key).values()];
  await forEachConcurrently(byKey, KEY_CONCURRENCY, async (events) => {
    for (const e of events) await e.apply(e.value as never, run);
  });
  await run.flush();
  await deps.store.markDone(runId, fresh.length);
  deps.changes.publish(run.tenants);
}

/**
 * One subscription per event type, all in the dashboard's one consumer group. Runs are applied one at a time in a
 * replica: a run's documents and counters are read, changed in memory and written back whole, so two runs must not
 * interleave on one document (FerretDB applies updates without a lock). Within a run, debtors go concurrently.
 *
 * The consumer's runs that arrive while one is applied (other topics and partitions, fetched concurrently) wait and
 * are then applied as one, up to `MAX_EVENTS_PER_RUN` events: an invoice's events on several topics are read and
 * written once, and the counters they move get one `$inc` each instead of one per topic. Each consumer run still
 * resolves (commits) only once applied, and a run that fails when applied with others is applied again alone, so one
 * run's failure is only its own.
 */
export function projectorSubscriptions(deps: ProjectorDeps): Subscription[] {
  const waiting: Submitted[] = [];
  let applying = false;

  /** How many of the waiting consumer runs, oldest first, fit in one projection run (at least one). */
  function runsUpTo(maxEvents: number): number {
    let count = 1;
    let events = waiting[0]!.events.length;
    while (count < waiting.length && events + waiting[count]!.events.length <= maxEvents) events += waiting[count++]!.events.length;
    return count;
  }

  async function applyWaiting(): Promise<void> {
    applying = true;
    try {
      while (waiting.length > 0) {
        const group = waiting.splice(0, runsUpTo(deps.maxEventsPerRun ?? MAX_EVENTS_PER_RUN));
        try {
          await applyRuns(deps, group);
          for (const s of group) s.done.resolve();
        } catch (error) {
          if (group.length === 1) {
            group[0]!.done.reject(error);
            continue;
          }
          for (const s of group) {
            try {
              await applyRuns(deps, [s]);
              s.done.resolve();
            } catch (alone) {
              s.done.reject(alone);
            }
          }
        }
      }
    } finally {
      applying = false;
    }
  }

  return PROJECTIONS.map(({ event, apply }) =>
    onBatch(event, (items) => {
      const submitted: Submitted = { topic: event.topic, apply, events: items.map((item) => ({ value: item.value as EnvelopeHeader, key: item.meta.key ?? '' })), done: Promise.withResolvers<void>() };
      waiting.push(submitted);
      if (!applying) void applyWaiting();
      return submitted.done.promise;
    }),
  );
}
