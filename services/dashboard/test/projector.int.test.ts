// The projector on the real database: consumer runs that arrive while one is applied are applied together, each
// resolved only once applied, and a run that fails among others fails alone.
import { CaseScoredV1, InvoiceRegisteredV1, type AnyEventDefinition, type EventOf } from '@regua/contracts';
import type { Delivery, Subscription } from '@regua/kafka-bus';
import { useScratchDatabase } from '@regua/mongo/testing';
import { createChangeFeed } from '../src/projection/change-feed.ts';
import { projectorSubscriptions } from '../src/handlers/kafka/events.ts';
import { createReadModelStore, type ReadModelStore } from '../src/store/read-model.ts';
import { eventsOf, portfolio, type Published } from './fixture.ts';

const NOW = new Date('2026-11-30T12:00:00Z');
const TIME_ZONE = 'America/Sao_Paulo';

describe('the projector', () => {
  const db = useScratchDatabase('dashproj');

  const subscriptionsOver = (store: ReadModelStore) => projectorSubscriptions({ store, clock: { now: () => NOW }, changes: createChangeFeed(), timeZone: TIME_ZONE });
  const handlerOf = (subscriptions: Subscription[], definition: AnyEventDefinition) => subscriptions.find((s) => s.topic === definition.topic)!;
  const deliveries = (published: readonly Published[], definition: AnyEventDefinition): Array<Delivery<unknown>> =>
    published.filter((p) => p.topic === definition.topic).map((p, i) => ({ value: p.envelope, meta: { topic: p.topic, partition: 0, offset: String(i), key: `${p.envelope.tenant}:${p.debtorId}` } }));

  test('runs of two topics that arrive while one is applied are applied as one run, and every invoice gets what both say', async () => {
    const store = createReadModelStore(db());
    const subscriptions = subscriptionsOver(store);
    const [placed] = eventsOf('bank-a', portfolio('bank-a', 8, 7));
    const registered = deliveries(placed!, InvoiceRegisteredV1);
    const scored = deliveries(placed!, CaseScoredV1);
    const [first, ...rest] = registered;

    // The first is applied at once; the other two arrive meanwhile and wait for it.
    await Promise.all([handlerOf(subscriptions, InvoiceRegisteredV1).handleBatch([first!]), handlerOf(subscriptions, InvoiceRegisteredV1).handleBatch(rest), handlerOf(subscriptions, CaseScoredV1).handleBatch(scored)]);

    const runs = (await db().collection<{ _id: string; count: number }>('inbox_done').find({}).toArray()).map((r) => r.count).sort((a, b) => a - b);
    expect(runs).toEqual([1, rest.length + scored.length]);
    const invoices = await store.invoicesByIds(registered.map((d) => (d.value as EventOf<typeof InvoiceRegisteredV1>).data.invoiceId));
    expect(invoices).toHaveLength(registered.length);
    for (const invoice of invoices) expect(invoice).toMatchObject({ registered: true, modelVersion: 'test-model', band: 'B' });
  });

  test('a run that fails among others is applied again alone: it fails, the others are applied and resolve', async () => {
    const real = createReadModelStore(db());
    const [placed] = eventsOf('bank-b', portfolio('bank-b', 6, 11));
    const registered = deliveries(placed!, InvoiceRegisteredV1);
    const scored = deliveries(placed!, CaseScoredV1);
    const poisoned = (scored[0]!.value as EventOf<typeof CaseScoredV1>).data.invoiceId;
    // The store refuses one invoice for good: only runs holding an event of it can fail.
    const store: ReadModelStore = { ...real, invoice: async (id) => (id === poisoned ? Promise.reject(new Error('refused for the test')) : real.invoice(id)) };
    const subscriptions = subscriptionsOver(store);
    const registering = registered.filter((d) => (d.value as EventOf<typeof InvoiceRegisteredV1>).data.invoiceId !== poisoned);

    const outcomes = await Promise.allSettled([handlerOf(subscriptions, InvoiceRegisteredV1).handleBatch(registering.slice(0, 1)), handlerOf(subscriptions, CaseScoredV1).handleBatch(scored.slice(0, 1)), handlerOf(subscriptions, InvoiceRegisteredV1).handleBatch(registering.slice(1))]);

    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const applied = await real.invoicesByIds(registering.map((d) => (d.value as EventOf<typeof InvoiceRegisteredV1>).data.invoiceId));
    expect(applied.filter((i) => i.registered)).toHaveLength(registering.length);
    expect(await real.invoice(poisoned)).toBeNull();
  });
});
