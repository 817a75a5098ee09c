import { Schema, type Connection, type Model } from 'mongoose';
import { findByIds, forEachConcurrently, insertManyIfAbsent } from '@regua/mongo';
import type { BureauAnswer } from '../bureau/contract.ts';
import { cacheBucket, expiredCacheBuckets, liveCacheBuckets } from '../bureau/cache-buckets.ts';

/** One bureau answer, for one tenant and person (`_id`: tenant + the CPF's SHA-256, never the CPF itself). */
export interface BureauCacheDoc {
  _id: string;
  tenant: string;
  fetchedAt: Date;
  expiresAt: Date;
  answer: BureauAnswer;
}

/** The answers paid for, kept `ttlDays` (cache-buckets.ts): read and written by `_id` only, expired spans dropped whole. */
export interface BureauCache {
  /** Fresh answers among `ids` (expiry checked on read), by id. */
  get(ids: readonly string[], now: Date): Promise<Map<string, BureauCacheDoc>>;
  put(docs: BureauCacheDoc[], now: Date): Promise<void>;
  /** Erasure: the answers for these ids go, wherever they are. */
  forget(ids: readonly string[], now: Date): Promise<void>;
  /** Drops the spans that can hold nothing fresh; returns their names. */
  dropExpired(now: Date): Promise<string[]>;
}

const schema = new Schema<BureauCacheDoc>(
  { _id: String, tenant: String, fetchedAt: Date, expiresAt: Date, answer: Schema.Types.Mixed },
  { versionKey: false, minimize: false },
);

export function createBureauCache(db: Connection, options: { ttlDays: number }): BureauCache {
  const bucket = (name: string): Model<BureauCacheDoc> => (db.models[name] as Model<BureauCacheDoc> | undefined) ?? db.model<BureauCacheDoc>(name, schema, name);
  return {
    async get(ids, now) {
      const found = new Map<string, BureauCacheDoc>();
      let missing = [...new Set(ids)];
      for (const name of liveCacheBuckets(now, options.ttlDays)) {
        if (missing.length === 0) break;
        for (const doc of await findByIds<BureauCacheDoc>(bucket(name), missing)) if (doc.expiresAt.getTime() > now.getTime()) found.set(doc._id, doc);
        missing = missing.filter((id) => !found.has(id));
      }
      return found;
    },
    async put(docs, now) {
      // Another replica may have paid for the same person a moment ago: its answer stays.
      await insertManyIfAbsent(bucket(cacheBucket(now, options.ttlDays)), docs);
    },
    async forget(ids, now) {
      for (const name of liveCacheBuckets(now, options.ttlDays)) {
        await forEachConcurrently(ids, 8, async (id) => {
          await bucket(name).collection.deleteOne({ _id: id as never });
        });
      }
    },
    async dropExpired(now) {
      const names = (await db.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
      const expired = expiredCacheBuckets(names, now, options.ttlDays);
      // Another replica may drop the same span at the same time: gone is what was wanted.
      for (const name of expired) await db.db!.dropCollection(name).catch(() => undefined);
      return expired;
    },
  };
}
