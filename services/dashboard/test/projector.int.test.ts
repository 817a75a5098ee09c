// The projector on the real database: consumer runs that arrive while one is applied are applied together, each
// resolved only once applied, and a run that fails among others fails alone.
import { CaseEscalatedV1, CasePlannedV1, CaseScoredV1, DebtorScoredV1, InvoiceRegisteredV1, NotificationSentV1, PaymentReconciledV1, type AnyEventDefinition, type EventOf } from '@regua/contracts';
import type { Delivery, Subscription } from '@regua/kafka-bus';
import { useScratchDatabase } from '@regua/mongo/testing';
import { createChangeFeed } from '../src/projection/change-feed.ts';
import { projectorSubscriptions } from '../src/handlers/kafka/events.ts';
import { createReadModelStore, type ReadModelStore } from '../src/store/read-model.ts';
import { eventsOf, portfolio, type Published } from './fixture.ts';
import { event } from './support.ts';

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

  test('runs that wait are applied together up to the most events a run may hold, oldest first; a larger consumer run still goes whole', async () => {
    const store = createReadModelStore(db());
    const subscriptions = projectorSubscriptions({ store, clock: { now: () => NOW }, changes: createChangeFeed(), timeZone: TIME_ZONE, maxEventsPerRun: 3 });
    const [placed] = eventsOf('bank-m', portfolio('bank-m', 10, 13));
    const registered = deliveries(placed!, InvoiceRegisteredV1).slice(0, 10);
    const handler = handlerOf(subscriptions, InvoiceRegisteredV1);

    // The first is applied at once; the others arrive meanwhile: 2, 2, 1 and a consumer run of 4 events.
    await Promise.all([handler.handleBatch(registered.slice(0, 1)), handler.handleBatch(registered.slice(1, 3)), handler.handleBatch(registered.slice(3, 5)), handler.handleBatch(registered.slice(5, 6)), handler.handleBatch(registered.slice(6, 10))]);

    const runs = (await db().collection<{ _id: string; count: number }>('inbox_done').find({}).toArray()).map((r) => r.count).sort((a, b) => a - b);
    expect(runs).toEqual([1, 2, 3, 4]);
    expect((await store.invoicesByIds(registered.map((d) => (d.value as EventOf<typeof InvoiceRegisteredV1>).data.invoiceId))).filter((i) => i.registered)).toHaveLength(10);
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

  test("an escalated case's work-queue entry is recomputed when its priority may change (a payment), not for a message sent or the debtor's validated contacts", async () => {
    const store = createReadModelStore(db());
    let now = new Date('2026-11-30T12:00:00Z');
    const subscriptions = projectorSubscriptions({ store, clock: { now: () => now }, changes: createChangeFeed(), timeZone: TIME_ZONE });
    const tenant = 'bank-q';
    const [invoiceId, caseId, debtorId] = [`${tenant}:INV-1`, `${tenant}:case-1`, 'D-1'];
    const apply = async <D extends AnyEventDefinition>(definition: D, data: EventOf<D>['data']) => {
      const envelope = event(definition, tenant, now.toISOString(), data);
      await handlerOf(subscriptions, definition).handleBatch([{ value: envelope, meta: { topic: definition.topic, partition: 0, offset: '0', key: `${tenant}:${debtorId}` } }]);
    };
    const entry = async () => (await store.queueOf(tenant)).find((e) => e._id === caseId);

    const [placed] = eventsOf(tenant, portfolio(tenant, 1, 3));
    const registered = placed!.find((p) => p.topic === InvoiceRegisteredV1.topic)!.envelope as EventOf<typeof InvoiceRegisteredV1>;
    await apply(InvoiceRegisteredV1, { ...registered.data, invoiceId, invoice: { ...registered.data.invoice, amountCents: 10_000 } });
    await apply(CaseScoredV1, { caseId: invoiceId, invoiceId, debtorId, score: 500, probability: 0.5, band: 'B', segment: 'low_risk', strategy: 'standard', rule: null, rulesVersion: 0, reasons: [], modelVersion: 'test-model', trigger: 'debtor-enriched' });
    await apply(CasePlannedV1, { caseId, debtorId, joinedInvoiceIds: [invoiceId], openInvoiceIds: [invoiceId], strategy: 'standard', segment: 'low_risk', arm: 'champion', cadenceId: 'standard', cadenceVersion: 1, nextContact: null });
    await apply(CaseEscalatedV1, { caseId, debtorId, invoiceIds: [invoiceId], reason: 'cadence-exhausted', detail: 'régua esgotada', openAmountCents: 10_000 });
    const escalated = await entry();
    expect(escalated).toMatchObject({ active: true, openCents: 10_000, priorityCents: 5_000, updatedAt: now.toISOString() });

    now = new Date('2026-11-30T13:00:00Z');
    await apply(NotificationSentV1, { contactId: `${caseId}:1:sms`, caseId, debtorId, channel: 'sms', invoiceIds: [invoiceId], step: 1, stepId: 's1', template: 'lembrete', strategy: 'standard', cadenceId: 'standard', cadenceVersion: 1, arm: 'champion', amountCents: 10_000 });
    const profile = { invoiceId, debtorId, debtorName: 'Pessoa 0', amountCents: 10_000, dueDate: '2026-10-01', status: 'open' as const, productType: 'telecom' as const, creditorName: 'Credor Exemplo', contacts: { emails: ['nova@example.com'], mobilePhones: ['+5511987654321'], landlines: [] }, uf: 'SP', city: 'Campinas', timeZone: TIME_ZONE };
    await apply(DebtorScoredV1, { invoiceId, debtorId, score: 500, segment: 'low_risk', strategy: 'standard', modelVersion: 'test-model', profile });
    expect(await entry()).toEqual(escalated);
    // The debtor's contacts as enrichment validated them, from the profile `debtor.scored` carries.
    expect((await store.invoice(invoiceId))?.debtor).toMatchObject({ emails: ['nova@example.com'], phones: ['+5511987654321'], uf: 'SP', city: 'Campinas' });

    now = new Date('2026-11-30T14:00:00Z');
    await apply(PaymentReconciledV1, { paymentId: 'P-1', invoiceId, debtorId, amountCents: 4_000, paidTotalCents: 4_000, outstandingCents: 6_000, settled: false, paidAt: now.toISOString() });
    expect(await entry()).toMatchObject({ active: true, openCents: 6_000, priorityCents: 3_000, updatedAt: now.toISOString() });
  });
});
