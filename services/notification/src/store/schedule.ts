import type { Connection } from 'mongoose';
import { insertManyIfAbsent } from '@regua/mongo';
import { bucketName, dueBuckets, isClosedBucket } from '../domain/schedule-buckets.ts';

export interface ScheduleEntry {
  /** `caseId@step@dueAtMs`: scheduling the same step of a case for the same time twice stores it once. */
  _id: string;
  caseId: string;
  /** The cadence step to carry out. */
  step: number;
  dueAt: Date;
}

/**
 * Which step of which case is due when, in time-bucket collections (see domain/schedule-buckets.ts). An entry is
 * removed only once it was dealt with; it is checked against the case and its delivery records when it comes
 * due (a closed case or a step already done is skipped), so writers add entries freely and never update them.
 */
export function createSchedule(db: Connection) {
  const collection = (name: string) => db.collection<ScheduleEntry>(name);

  async function drainBucket(name: string, now: Date, chunkSize: number, handle: (entries: ScheduleEntry[]) => Promise<void>): Promise<number> {
    const bucket = collection(name);
    let handled = 0;
    let chunk: ScheduleEntry[] = [];
    const flush = async () => {
      if (chunk.length === 0) return;
      await handle(chunk);
      handled += chunk.length;
      await bucket.deleteMany({ _id: { $in: chunk.map((e) => e._id) } });
      chunk = [];
    };
    for await (const entry of bucket.find({ dueAt: { $lte: now } }, { batchSize: chunkSize })) {
      chunk.push(entry as ScheduleEntry);
      if (chunk.length >= chunkSize) await flush();
    }
    await flush();
    if (isClosedBucket(name, now) && (await bucket.countDocuments({})) === 0) await bucket.drop().catch(() => undefined);
    return handled;
  }

  return {
    /** Adds entries; a time in the past is due now (a past bucket may already be drained and dropped). */
    async add(items: Array<Omit<ScheduleEntry, '_id'>>, now: Date): Promise<void> {
      const byBucket = Map.groupBy(items.map((item) => entryFor(item, now)), (entry) => bucketName(entry.dueAt));
      await Promise.all([...byBucket].map(([name, entries]) => insertManyIfAbsent({ collection: collection(name) }, entries)));
    },


    /**
     * Streams what is due at `now`, bucket by bucket, in chunks of `chunkSize`: one scan of each due bucket per
     * call, whatever the chunk size (FerretDB does not push `limit` down). `handle` returns once the chunk is
     * dealt with; its entries are then removed, and a closed bucket that was read to its end is dropped.
     */
    async drainDue(now: Date, chunkSize: number, handle: (entries: ScheduleEntry[]) => Promise<void>): Promise<number> {
      const names = (await db.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
      let handled = 0;
      for (const name of dueBuckets(names, now)) {
        try {
          handled += await drainBucket(name, now, chunkSize, handle);
        } catch (error) {
          // Another replica drained and dropped this bucket under us: what it held has been dealt with. (If the
          // cursor went for another reason, the entries not yet handled are still there for the next tick.)
          if (!isGoneUnderUs(error)) throw error;
        }
      }
      return handled;
    },
  };
}

export type Schedule = ReturnType<typeof createSchedule>;

function entryFor({ caseId, step, dueAt }: Omit<ScheduleEntry, '_id'>, now: Date): ScheduleEntry {
  return {
    // Identified by the asked time, so that asking again is a no-op even once that time has passed.
    _id: `${caseId}@${step}@${dueAt.getTime()}`,
    caseId,
    step,
    dueAt: dueAt.getTime() < now.getTime() ? now : dueAt,
  };
}

/**
 * A bucket dropped by another replica while this one read it: the collection is gone (FerretDB fails a query
 * that raced the drop, where MongoDB answers empty) or the open cursor was killed with it.
 */
function isGoneUnderUs(error: unknown): boolean {
  const e = error as { code?: unknown; codeName?: unknown; message?: unknown };
  if (e.code === 26 || e.codeName === 'NamespaceNotFound' || e.code === 43 || e.codeName === 'CursorNotFound') return true;
  return /does not exist \(SQLSTATE 42P01\)|no such table|cursor id \d+ not found/.test(String(e.message ?? ''));
}
