import type { Collection } from 'mongoose';
import { isDuplicateKeyError } from '@regua/mongo';

export interface Versioned {
  _id: string;
  version: number;
}

export type Mutation<T> = (current: T | null) => T | null;

/**
 * Changes one document by `_id` under its `version`: read, apply `mutate` (null: nothing to change), write only if no
 * one wrote in between, else read again and apply again. FerretDB applies updates as read-modify-write without a
 * lock, so two writers of one document (a consumer and the scheduler) must not rely on `$set` alone.
 */
export async function updateVersioned<T extends Versioned>(collection: Collection<T>, id: string, mutate: Mutation<T>, attempts = 10): Promise<{ doc: T | null; changed: boolean }> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const current = (await collection.findOne({ _id: id } as never)) as T | null;
    const next = mutate(current === null ? null : structuredClone(current));
    if (next === null) return { doc: current, changed: false };
    if (current === null) {
      try {
        await collection.insertOne({ ...next, _id: id, version: 1 } as never);
        return { doc: { ...next, _id: id, version: 1 }, changed: true };
      } catch (error) {
        if (isDuplicateKeyError(error)) continue;
        throw error;
      }
    }
    const written = { ...next, _id: id, version: current.version + 1 };
    const result = await collection.replaceOne({ _id: id, version: current.version } as never, written as never);
    if (result.matchedCount === 1) return { doc: written, changed: true };
  }
  throw new Error(`document ${id} kept changing under concurrent writers`);
}
