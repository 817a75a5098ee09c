import type { Connection } from 'mongoose';
import { forEachConcurrently, insertManyIfAbsent, isDuplicateKeyError, readById } from '@regua/mongo';
import type { CounterCollection, CounterInc } from '../domain/counters.ts';
import type { CaseDoc, ContactDoc, InvoiceDoc, QueueDoc, TimelineDoc } from './documents.ts';

/** Single-document operations by `_id` in flight at once (FerretDB on PostgreSQL: one pool connection each). */
const CONCURRENCY = 16;

type Doc = { _id: string };

/**
 * The dashboard's own database (`regua_dashboard`). Hot paths: the inbox and the timeline are bulk inserts of unique
 * `_id`s; invoices, cases, contacts and counters are read and written by `_id`; pages read counters of one tenant
 * (and a day range), the timeline by subject, the work queue by tenant: none of them grows with a page view.
 */
export function createReadModelStore(db: Connection) {
  const col = <T extends Doc>(name: string) => db.collection<T>(name);
  const inbox = col<{ _id: string; topic: string; at: Date; run?: string }>('inbox');
  /** `_id` = a run's id (`count`: its events); an event id for runs applied before runs had ids. */
  const inboxDone = col<{ _id: string; count?: number }>('inbox_done');
  const invoices = col<InvoiceDoc>('invoices');
  const cases = col<CaseDoc>('cases');
  const contacts = col<ContactDoc>('contacts');
  const timeline = col<TimelineDoc>('timeline');
  const queue = col<QueueDoc>('work_queue');

  const one = <T extends Doc>(collection: ReturnType<typeof col<T>>, id: string) => readById<T>({ collection: collection as never }, id);
  /** Reads by `_id`, concurrently (an `$in` would scan the collection on FerretDB); missing ids are left out. */
  async function many<T extends Doc>(collection: ReturnType<typeof col<T>>, ids: readonly string[]): Promise<T[]> {
    const found = new Map<string, T>();
    await forEachConcurrently([...new Set(ids)], CONCURRENCY, async (id) => {
      const doc = await one(collection, id);
      if (doc) found.set(id, doc);
    });
    return ids.flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
  }

  /**
   * Writes documents whole. Those the run created (`fresh`: not found when read) go in one unordered insert; one that
   * collides (another replica wrote it since the read) and every other one is replaced by `_id`. On FerretDB an
   * upsert is a read and a write, so a run's new invoices cost one insert instead of one upsert each.
   */
  async function save<T extends Doc>(collection: ReturnType<typeof col<T>>, docs: readonly T[], fresh: ReadonlySet<string> = new Set()): Promise<void> {
    const inserted = await insertManyIfAbsent({ collection: collection as never }, docs.filter((doc) => fresh.has(doc._id)));
    await forEachConcurrently(
      docs.filter((doc) => !inserted.has(doc._id)),
      CONCURRENCY,
      async (doc) => {
        await collection.replaceOne({ _id: doc._id } as never, doc as never, { upsert: true });
      },
    );
  }

  return {
    async ensureIndexes(): Promise<void> {
      await timeline.createIndex({ subject: 1 });
      await queue.createIndex({ tenant: 1 });
      for (const name of ['counters_due', 'counters_open', 'counters_daily', 'counters_funnel', 'counters_strategy'] satisfies CounterCollection[]) await col(name).createIndex({ tenant: 1 });
    },

    /**
     * The inbox, by event id: which events of a run to apply. New ids are claimed by one unordered insert, under the
     * run's id; an id already there is applied again only if the run that claimed it never finished (no `inbox_done`
     * document for that run: a crash mid-run), and is then claimed again under this run (one update by `_id` each,
     * on that rare path only). One `inbox_done` document per run rather than one per event: half the inserts.
     */
    async claim(events: ReadonlyArray<{ id: string; topic: string }>, runId: string, now: Date): Promise<Set<string>> {
      const fresh = await insertManyIfAbsent({ collection: inbox as never }, events.map((e) => ({ _id: e.id, topic: e.topic, at: now, run: runId })));
      const seen = events.map((e) => e.id).filter((id) => !fresh.has(id));
      if (seen.length === 0) return fresh;
      const claimed = await many(inbox, seen);
      // Claimed before runs had ids: the `inbox_done` entry is the event's own id.
      const doneIds = [...new Set(claimed.map((d) => d.run ?? d._id))];
      const finished = new Set((await many(inboxDone, doneIds)).map((d) => d._id));
      await forEachConcurrently(
        claimed.filter((d) => !finished.has(d.run ?? d._id)),
        CONCURRENCY,
        async (d) => {
          await inbox.updateOne({ _id: d._id } as never, { $set: { run: runId } });
          fresh.add(d._id);
        },
      );
      return fresh;
    },
    async markDone(runId: string, count: number): Promise<void> {
      await insertManyIfAbsent({ collection: inboxDone as never }, [{ _id: runId, count }]);
    },

    invoice: (id: string) => one(invoices, id),
    invoicesByIds: (ids: readonly string[]) => many(invoices, ids),
    saveInvoices: (docs: readonly InvoiceDoc[], fresh?: ReadonlySet<string>) => save(invoices, docs, fresh),
    case: (id: string) => one(cases, id),
    saveCases: (docs: readonly CaseDoc[], fresh?: ReadonlySet<string>) => save(cases, docs, fresh),
    contact: (id: string) => one(contacts, id),
    saveContacts: (docs: readonly ContactDoc[], fresh?: ReadonlySet<string>) => save(contacts, docs, fresh),

    async appendTimeline(entries: readonly TimelineDoc[]): Promise<void> {
      await insertManyIfAbsent({ collection: timeline as never }, [...entries]);
    },
    /** A case's timeline: its own events and those of its invoices, by subject (an equality each), oldest first. */
    async timelineOf(subjects: readonly string[]): Promise<TimelineDoc[]> {
      const found = await Promise.all([...new Set(subjects)].map((subject) => timeline.find({ subject }).toArray()));
      return found.flat().sort((a, b) => a.at.localeCompare(b.at) || a._id.localeCompare(b._id));
    },

    /**
     * One `$inc` per counter document (the run's increments already merged), concurrently over documents. Each
     * document gets one write per run, and runs are applied one at a time, so no two writes of one counter overlap.
     */
    async applyCounters(incs: readonly CounterInc[]): Promise<void> {
      await forEachConcurrently(incs, CONCURRENCY, async (c) => {
        const write = () => col(c.collection).updateOne({ _id: c.id }, { $inc: c.inc, $setOnInsert: c.keys }, { upsert: true });
        try {
          await write();
        } catch (error) {
          // Two replicas creating one counter at once: the loser's upsert meets the winner's document; increment it.
          if (!isDuplicateKeyError(error)) throw error;
          await write();
        }
      });
    },
    /** Counters of one tenant, optionally narrowed: a filter on top-level fields only (pushed down to PostgreSQL). */
    async counters<T>(collection: CounterCollection, filter: Record<string, unknown>): Promise<T[]> {
      return (await col(collection).find(filter).toArray()) as T[];
    },

    saveQueue: (docs: readonly QueueDoc[]) => save(queue, docs),
    /** The work queue of a tenant: escalated cases only, a small set, read whole and sorted by the caller. */
    queueOf: (tenant: string) => queue.find({ tenant, active: true }).toArray(),
  };
}

export type ReadModelStore = ReturnType<typeof createReadModelStore>;
