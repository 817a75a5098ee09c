// The dashboard's inbox on the real database: an event is applied once, and again only if the run that claimed it
// never finished (a crash mid-run), whatever runs its redelivery comes in.
import { useScratchDatabase } from '@regua/mongo/testing';
import { createReadModelStore } from '../src/store/read-model.ts';

const AT = new Date('2026-11-26T12:00:00Z');
const events = (...ids: string[]) => ids.map((id) => ({ id, topic: 'collections.invoice.registered.v1' }));

describe('the projection inbox', () => {
  const db = useScratchDatabase('dashinbox');

  test('events of a finished run are not applied again; those of a run that crashed are, in whatever later run they come', async () => {
    const store = createReadModelStore(db());

    // A run that finished
    expect([...(await store.claim(events('e1', 'e2'), 'run-1', AT))].sort()).toEqual(['e1', 'e2']);
    await store.markDone('run-1', 2);
    expect([...(await store.claim(events('e1', 'e2', 'e3'), 'run-2', AT))]).toEqual(['e3']);

    // run-2 crashes before it is done: its event comes back split over two later runs, and is applied in the first
    // of them only
    expect([...(await store.claim(events('e3', 'e4'), 'run-3', AT))].sort()).toEqual(['e3', 'e4']);
    await store.markDone('run-3', 2);
    expect([...(await store.claim(events('e3'), 'run-4', AT))]).toEqual([]);

    // A crashed run whose events come back one at a time: each is applied once
    await store.claim(events('e5', 'e6'), 'run-5', AT);
    expect([...(await store.claim(events('e5'), 'run-6', AT))]).toEqual(['e5']);
    await store.markDone('run-6', 1);
    expect([...(await store.claim(events('e6'), 'run-7', AT))]).toEqual(['e6']);
    await store.markDone('run-7', 1);
    expect([...(await store.claim(events('e5', 'e6'), 'run-8', AT))]).toEqual([]);
  });

  test('an event claimed before runs had ids counts as done by its own inbox_done entry', async () => {
    const store = createReadModelStore(db());
    await db().collection('inbox').insertMany([{ _id: 'old-1', topic: 't', at: AT }, { _id: 'old-2', topic: 't', at: AT }] as never[]);
    await db().collection('inbox_done').insertOne({ _id: 'old-1' } as never);

    expect([...(await store.claim(events('old-1', 'old-2'), 'run-1', AT))]).toEqual(['old-2']);
  });

  test('one inbox_done document per run, whatever its number of events', async () => {
    const store = createReadModelStore(db());
    await store.claim(events(...Array.from({ length: 50 }, (_, i) => `x${i}`)), 'run-1', AT);
    await store.markDone('run-1', 50);

    expect(await db().collection('inbox_done').find({}).toArray()).toEqual([{ _id: 'run-1', count: 50 }]);
  });
});
