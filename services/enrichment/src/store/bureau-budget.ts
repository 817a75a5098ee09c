import type { Connection } from 'mongoose';
import { budgetBucket, expiredBudgetBuckets } from '../bureau/cache-buckets.ts';

/** Lookups reserved per tenant and billing day: one document (`tenant:day`) per pair, changed by `_id` with `$inc`. */
export interface BureauBudget {
  /** Adds `count` to the tenant's day and returns the day's total after it. */
  reserve(tenant: string, day: string, count: number): Promise<number>;
  /** Gives back lookups reserved and not made. */
  release(tenant: string, day: string, count: number): Promise<void>;
  dropExpired(now: Date): Promise<string[]>;
}

interface BudgetDoc {
  _id: string;
  tenant: string;
  day: string;
  reserved: number;
}

export function createBureauBudget(db: Connection): BureauBudget {
  const counters = (day: string) => db.collection<BudgetDoc>(budgetBucket(day));
  return {
    async reserve(tenant, day, count) {
      const doc = await counters(day).findOneAndUpdate({ _id: `${tenant}:${day}` }, { $inc: { reserved: count }, $setOnInsert: { tenant, day } }, { upsert: true, returnDocument: 'after' });
      return doc?.reserved ?? count;
    },
    async release(tenant, day, count) {
      if (count > 0) await counters(day).updateOne({ _id: `${tenant}:${day}` }, { $inc: { reserved: -count } });
    },
    async dropExpired(now) {
      const names = (await db.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
      const expired = expiredBudgetBuckets(names, now);
      for (const name of expired) await db.db!.dropCollection(name).catch(() => undefined);
      return expired;
    },
  };
}
