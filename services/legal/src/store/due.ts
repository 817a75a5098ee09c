import type { Connection } from 'mongoose';
import { insertManyIfAbsent } from '@regua/mongo';
import { bucketName, dueBuckets, isClosedBucket } from '../domain/due-buckets.ts';

export type DueAction = 'notice' | 'register' | 'withdraw' | 'five-years';

export interface DueEntry {
  /** `caseId@cycle@action@dueAtMs`: asking for the same step at the same time twice stores it once. */
  _id: string;
  caseId: string;
  cycle: number;
  action: DueAction;
  dueAt: Date;
}

/**
 * What falls due when, one collection per UTC day (`legal_due_<yyyymmdd>`): a tick reads the days that have started,
 * never the registrations themselves. Entries are checked against their file when they come due (a cancelled or
 * already-done step is dropped), so writers add entries freely and never update them.
 */
export function createDueSteps(db: Connection) {
  const collection = (name: string) => db.collection<DueEntry>(name);

  return {
    async add(items: Array<Omit<DueEntry, '_id'>>, now: Date): Promise<void> {
      const entries = items.map((item) => ({ ...item, _id: `${item.caseId}@${item.cycle}@${item.action}@${item.dueAt.getTime()}`, dueAt: item.dueAt.getTime() < now.getTime() ? now : item.dueAt }));
      const byBucket = Map.groupBy(entries, (entry) => bucketName(entry.dueAt));
      await Promise.all([...byBucket].map(([name, group]) => insertManyIfAbsent({ collection: collection(name) }, group)));
    },

    /**
     * Hands every entry due at `now` to `handle`, `concurrency` at a time; an entry is removed once handled. One that
     * fails stays for the next tick (`onError` says why) and does not hold up the others.
     */
    async drainDue(now: Date, handle: (entry: DueEntry) => Promise<void>, onError: (entry: DueEntry, error: unknown) => void, concurrency = 8): Promise<number> {
      const names = (await db.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
      let handled = 0;
      for (const name of dueBuckets(names, now)) {
        const bucket = collection(name);
        const due = (await bucket.find({ dueAt: { $lte: now } }).toArray()) as DueEntry[];
        let next = 0;
        const worker = async () => {
          while (next < due.length) {
            const entry = due[next++]!;
            try {
              await handle(entry);
              await bucket.deleteOne({ _id: entry._id } as never);
              handled++;
            } catch (error) {
              onError(entry, error);
            }
          }
        };
        await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, worker));
        if (isClosedBucket(name, now) && (await bucket.countDocuments({})) === 0) await bucket.drop().catch(() => undefined);
      }
      return handled;
    },
  };
}

export type DueSteps = ReturnType<typeof createDueSteps>;
