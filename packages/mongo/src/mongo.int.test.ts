import { Schema } from 'mongoose';
import { createLogger } from '@regua/telemetry';
import { testEndpoints, uniqueName } from '@regua/testing';
import { connectMongo, findByIds, insertManyIfAbsent, insertOneIfAbsent, type BulkReads, type Connection } from './index.ts';

interface Thing {
  _id: string;
  n: number;
}

describe('the store helpers on the real database', () => {
  const connections: Connection[] = [];
  afterAll(async () => {
    for (const c of connections) {
      await c.dropDatabase();
      await c.close();
    }
  });

  async function things(bulkReads: BulkReads) {
    const db = await connectMongo({ url: testEndpoints().mongoUrl, dbName: uniqueName('mongo'), logger: createLogger({ service: 'test', level: 'silent' }), bulkReads });
    connections.push(db);
    return db.model<Thing>('Thing', new Schema<Thing>({ _id: String, n: Number }, { collection: 'things', versionKey: false }));
  }

  test.each<BulkReads>(['by-id', 'in'])('with %s reads: insertManyIfAbsent reports what was new, findByIds finds what exists', async (bulkReads) => {
    const model = await things(bulkReads);
    expect([...(await insertManyIfAbsent(model, [{ _id: 'a', n: 1 }, { _id: 'b', n: 2 }]))].sort()).toEqual(['a', 'b']);
    // An existing id and the same id twice in one call: only the first new one counts, nothing is overwritten.
    expect([...(await insertManyIfAbsent(model, [{ _id: 'b', n: 20 }, { _id: 'c', n: 3 }, { _id: 'c', n: 30 }]))]).toEqual(['c']);

    const found = await findByIds<Thing>(model, ['c', 'a', 'missing', 'a', 'b']);
    expect(found.sort((x, y) => x._id.localeCompare(y._id))).toEqual([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 2 },
      { _id: 'c', n: 3 },
    ]);
    expect(await findByIds<{ _id: string }>(model, ['a'], { projection: { _id: 1 } })).toEqual([{ _id: 'a' }]);
    expect(await findByIds(model, [])).toEqual([]);
  });

  test('insertOneIfAbsent inserts a new document, and reports a duplicate without overwriting it', async () => {
    const model = await things('by-id');
    expect(await insertOneIfAbsent(model, { _id: 'x', n: 1 })).toBe(true);
    expect(await insertOneIfAbsent(model, { _id: 'x', n: 2 })).toBe(false);
    expect(await findByIds<Thing>(model, ['x'])).toEqual([{ _id: 'x', n: 1 }]);
  });
});
