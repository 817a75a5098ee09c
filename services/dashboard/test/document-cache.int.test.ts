// The projection's document cache on the real database: an invoice is read from the store once for all its events,
// the cache is dropped when partitions are reassigned, and a failed write never leaves a copy the store does not hold.
import { CaseScoredV1, InvoiceRegisteredV1, PaymentReconciledV1, type AnyEventDefinition, type EventOf } from '@regua/contracts';
import { useScratchDatabase } from '@regua/mongo/testing';
import { projectorSubscriptions } from '../src/handlers/kafka/events.ts';
import { createChangeFeed } from '../src/projection/change-feed.ts';
import { withDocumentCache, type CachedProjectionStore } from '../src/store/document-cache.ts';
import { createReadModelStore, type ReadModelStore } from '../src/store/read-model.ts';
import { eventsOf, portfolio } from './fixture.ts';
import { event } from './support.ts';

const NOW = '2026-11-30T12:00:00.000Z';
const TIME_ZONE = 'America/Sao_Paulo';
const CACHE_CHARS = 1_000_000;

describe("the projection's document cache", () => {
  const db = useScratchDatabase('dashcache');

  /** The store, with its invoice reads counted and its invoice writes refused while `refuseWrites` is set. */
  function instrumented(real: ReadModelStore) {
    const reads: string[] = [];
    const control = { refuseWrites: false };
    const store: ReadModelStore = {
      ...real,
      invoice: async (id) => {
        reads.push(id);
        return real.invoice(id);
      },
      saveInvoices: async (docs, fresh) => (control.refuseWrites ? Promise.reject(new Error('refused for the test')) : real.saveInvoices(docs, fresh)),
    };
    return { store, reads, control };
  }

  function projector(store: CachedProjectionStore | ReadModelStore, tenant: string) {
    const subscriptions = projectorSubscriptions({ store, clock: { now: () => new Date(NOW) }, changes: createChangeFeed(), timeZone: TIME_ZONE });
    let offset = 0;
    return async <D extends AnyEventDefinition>(definition: D, data: EventOf<D>['data']) => {
      const envelope = event(definition, tenant, NOW, data);
      await subscriptions.find((s) => s.topic === definition.topic)!.handleBatch([{ value: envelope, meta: { topic: definition.topic, partition: 0, offset: String(offset++), key: `${tenant}:D-1` } }]);
    };
  }

  function registration(tenant: string): EventOf<typeof InvoiceRegisteredV1>['data'] {
    const [placed] = eventsOf(tenant, portfolio(tenant, 1, 5));
    return (placed!.find((p) => p.topic === InvoiceRegisteredV1.topic)!.envelope as EventOf<typeof InvoiceRegisteredV1>).data;
  }
  const scoring = (invoiceId: string, score: number): EventOf<typeof CaseScoredV1>['data'] => ({ caseId: invoiceId, invoiceId, debtorId: 'D-1', score, probability: score / 1000, band: 'B', segment: 'low_risk', strategy: 'standard', rule: null, rulesVersion: 0, reasons: [], modelVersion: 'test-model', trigger: 'debtor-enriched' });
  const payment = (invoiceId: string, amountCents: number): EventOf<typeof PaymentReconciledV1>['data'] => ({ paymentId: `P-${amountCents}`, invoiceId, debtorId: 'D-1', amountCents, paidTotalCents: amountCents, outstandingCents: 1, settled: false, paidAt: NOW });

  test('an invoice is read from the store once for all its events, and ends as it would without the cache', async () => {
    const tenant = 'bank-c1';
    const { store, reads } = instrumented(createReadModelStore(db()));
    const apply = projector(withDocumentCache(store, CACHE_CHARS), tenant);
    const registered = registration(tenant);
    const { invoiceId } = registered;

    await apply(InvoiceRegisteredV1, registered);
    await apply(CaseScoredV1, scoring(invoiceId, 700));
    await apply(PaymentReconciledV1, payment(invoiceId, 500));

    // Read once, when its registration found it missing; its other events found the copy written then.
    expect(reads.filter((id) => id === invoiceId)).toHaveLength(1);

    const uncachedTenant = 'bank-c1u';
    const same = registration(uncachedTenant);
    const { store: plain, reads: plainReads } = instrumented(createReadModelStore(db()));
    const applyUncached = projector(plain, uncachedTenant);
    await applyUncached(InvoiceRegisteredV1, same);
    await applyUncached(CaseScoredV1, scoring(same.invoiceId, 700));
    await applyUncached(PaymentReconciledV1, payment(same.invoiceId, 500));
    expect(plainReads.filter((id) => id === same.invoiceId)).toHaveLength(3);

    const real = createReadModelStore(db());
    const [cached, uncached] = [await real.invoice(invoiceId), await real.invoice(same.invoiceId)];
    expect(cached).toMatchObject({ registered: true, score: 700, paidTotalCents: 500 });
    const comparable = (doc: typeof cached) => ({ ...doc, _id: undefined, tenant: undefined });
    expect(comparable(cached)).toEqual(comparable(uncached));
  });

  test('once the cache is dropped (partitions reassigned), what another replica wrote meanwhile is read, not overwritten', async () => {
    const tenant = 'bank-c2';
    const { store, reads } = instrumented(createReadModelStore(db()));
    const cachedStore = withDocumentCache(store, CACHE_CHARS);
    const apply = projector(cachedStore, tenant);
    const registered = registration(tenant);
    const { invoiceId } = registered;
    await apply(InvoiceRegisteredV1, registered);

    // Another replica, holding the partition for a while, scores the invoice.
    await projector(createReadModelStore(db()), tenant)(CaseScoredV1, scoring(invoiceId, 640));
    cachedStore.dropCachedDocuments();
    await apply(PaymentReconciledV1, payment(invoiceId, 300));

    expect(reads.filter((id) => id === invoiceId)).toHaveLength(2);
    expect(await createReadModelStore(db()).invoice(invoiceId)).toMatchObject({ score: 640, paidTotalCents: 300 });
  });

  test('a write that fails drops the documents it was writing: the next event reads them from the store', async () => {
    const tenant = 'bank-c3';
    const { store, reads, control } = instrumented(createReadModelStore(db()));
    const apply = projector(withDocumentCache(store, CACHE_CHARS), tenant);
    const registered = registration(tenant);
    const { invoiceId } = registered;
    await apply(InvoiceRegisteredV1, registered);

    control.refuseWrites = true;
    await expect(apply(CaseScoredV1, scoring(invoiceId, 810))).rejects.toThrow('refused for the test');
    control.refuseWrites = false;
    await apply(PaymentReconciledV1, payment(invoiceId, 200));

    expect(reads.filter((id) => id === invoiceId)).toHaveLength(2);
    const stored = await createReadModelStore(db()).invoice(invoiceId);
    // The failed run's score never reached the store, and the cache did not bring it back.
    expect(stored).toMatchObject({ paidTotalCents: 200 });
    expect(stored?.score).not.toBe(810);
  });

  test('a cache too small to hold a document reads it every time; a size of 0 turns the cache off', async () => {
    for (const [tenant, chars] of [
      ['bank-c4', 10],
      ['bank-c5', 0],
    ] as const) {
      const { store, reads } = instrumented(createReadModelStore(db()));
      const cachedStore = withDocumentCache(store, chars);
      const apply = projector(cachedStore, tenant);
      const registered = registration(tenant);
      await apply(InvoiceRegisteredV1, registered);
      await apply(CaseScoredV1, scoring(registered.invoiceId, 500));
      expect(reads.filter((id) => id === registered.invoiceId)).toHaveLength(2);
      expect(cachedStore.cacheStats().documents).toBe(0);
    }
  });
});
