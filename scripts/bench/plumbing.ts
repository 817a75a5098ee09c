// Adapter: the plumbing baseline. Per invoice, the pipeline's Kafka hops and store writes, with the services'
// client settings and batch sizes and no business logic in between, on the bench's own Kafka and FerretDB
// before the services start: what the pipeline's design allows here, for its own figures to be read against.
import { buildEnvelope, causedBy, debtorKey, DebtorEnrichedV1, DebtorScoredV1, InvoiceRegisteredV1, InvoiceUpdatedV1, CasePlannedV1, NotificationSentV1, type BankInvoiceMessageV1, type EnvelopeHeader, type EventOf } from '@regua/contracts';
import { provisionTopics } from '@regua/kafka-bus';
import { forEachConcurrently, insertManyIfAbsent } from '@regua/mongo';
import { periodic } from '@regua/service-kit';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import mongoose, { type Connection } from 'mongoose';
import { kafkaDoorMessage, type FeedRecord } from './feed.ts';
import { summarize, type LatencySummary } from './stats.ts';
import { idle, within } from './timers.ts';
import { receiptBucket } from '../../services/ingestion/src/domain/receipt-buckets.ts';
import { RecentSet } from '../../services/ingestion/src/domain/recent-set.ts';
import { OUTBOX_EVENTS_PER_DOCUMENT } from '../../services/ingestion/src/store/invoice-store.ts';

export interface PlumbingFigure {
  /** Distinct invoices expected at the end. */
  invoices: number;
  /** Of them, reminders that reached the end consumer. */
  received: number;
  complete: boolean;
  /** From the first send to the last reminder's arrival (or to the timeout). */
  seconds: number;
  perSecond: number;
  /** Per invoice, from the feed's produce acknowledgement to its reminder's arrival. */
  latencyMs: LatencySummary;
  /** When each stage had done its last invoice, in seconds after the first send. */
  stages: Array<{ stage: string; done: number; untilS: number }>;
  settings: string[];
  /**
   * CPU seconds each process used from the baseline's first send until Kafka and the store were quiet again (the
   * baseline program itself included): what its hops and writes cost this machine, whatever the run's timing.
   */
  cpuSeconds?: Record<string, number>;
}

const TOPIC = {
  inbound: 'bench.plumbing.inbound',
  registered: 'bench.plumbing.registered',
  updated: 'bench.plumbing.updated',
  enriched: 'bench.plumbing.enriched',
  scored: 'bench.plumbing.scored',
  caseScored: 'bench.plumbing.case-scored',
  reminder: 'bench.plumbing.reminder',
  planned: 'bench.plumbing.planned',
};
const SERVICES = ['ingestion', 'enrichment', 'payment_reconciliation', 'scoring', 'notification'] as const;
type Service = (typeof SERVICES)[number];
const STAGES = ['accepted (produce ack)', 'registered', 'enriched', 'receivable stored', 'scored', 'reminder sent', 'reminder arrived'] as const;
type Stage = (typeof STAGES)[number];

/** packages/kafka-bus's consumer defaults. */
const MAX_RUN = 500;
const PARTITIONS_CONSUMED_CONCURRENTLY = 3;
/** Ingestion's OUTBOX_BATCH_SIZE and OUTBOX_INTERVAL_MS defaults. */
const RELAY_BATCH = 500;
const RELAY_INTERVAL_MS = 2000;
const OUTBOX_STALE_MS = 10_000;
/** The notification schedule's bucket size (services/notification/src/domain/schedule-buckets.ts). */
const BUCKET_MS = 10 * 60_000;
/** Where a medium-risk cadence's second step falls. */
const NEXT_STEP_MS = 3 * 86_400_000;

/** `schedule_<yyyymmddhhmm>` of the bucket holding `at`, like notification's schedule. */
export function scheduleBucket(at: Date): string {
  return `schedule_${new Date(Math.floor(at.getTime() / BUCKET_MS) * BUCKET_MS).toISOString().slice(0, 16).replace(/[-T:]/g, '')}`;
}

type Registered = EventOf<typeof InvoiceRegisteredV1>;
type Enriched = EventOf<typeof DebtorEnrichedV1>;
type Scored = EventOf<typeof DebtorScoredV1>;
type Planned = EventOf<typeof CasePlannedV1>;
type Outgoing = { key: string; envelope: EnvelopeHeader & { data: unknown } };

/**
 * Sends the feed's records (the invalid ones left out: the pipeline dead-letters them before any write) to its
 * own topics and databases, runs the five stages as concurrent consumer groups in this process, and times the
 * invoices from the first send to their reminder's arrival. Topics, groups and databases are removed after.
 */
export async function runPlumbing(settings: { brokers: string[]; mongoUrl: string; tenant: string; records: readonly FeedRecord[]; expected: readonly string[]; feedBatch: number; timeoutMs: number; stillWanted(): boolean; measureCpu?: () => () => Promise<Record<string, number>> }): Promise<PlumbingFigure> {
  const records = settings.records.filter((r) => r.kind !== 'invalid');
  const expected = new Set(settings.expected);
  // Kafka and store clients per service, as five processes would have them.
  const kafka = (name: string) => new Kafka({ clientId: `bench-plumbing-${name}`, brokers: settings.brokers, logLevel: logLevel.NOTHING, retry: { initialRetryTime: 300, retries: 8 } });
  const producers: Producer[] = [];
  const producer = async (name: string) => {
    const p = kafka(name).producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    producers.push(p);
    await p.connect();
    return p;
  };
  const consumers: Consumer[] = [];
  const dbs = {} as Record<Service, Connection>;
  const admin = kafka('admin').admin();
  let relay: ReturnType<typeof periodic> | undefined;
  let stopping = false;

  let t0 = performance.now();
  const now = () => performance.now() - t0;
  const reached = Object.fromEntries(STAGES.map((s) => [s, new Map<string, number>()])) as Record<Stage, Map<string, number>>;
  const mark = (stage: Stage, invoiceIds: readonly string[]) => {
    const at = now();
    for (const id of invoiceIds) if (expected.has(id) && !reached[stage].has(id)) reached[stage].set(id, at);
  };

  await admin.connect();
  try {
    await provisionTopics(admin, Object.values(TOPIC));
    for (const service of SERVICES) dbs[service] = await mongoose.createConnection(settings.mongoUrl, { dbName: `plumbing_${service}`, serverSelectionTimeoutMS: 10_000 }).asPromise();
    const col = (service: Service, name: string) => ({ collection: dbs[service].db!.collection<{ _id: string }>(name) });
    // The services' collections and secondary indexes exist before any invoice, as their start-up creates them.
    for (const name of ['invoices', receiptBucket(new Date())]) await dbs.ingestion.db!.createCollection(name).catch(() => undefined);
    await col('ingestion', 'outbox').collection.createIndex({ createdAt: 1, seq: 1 });
    await col('enrichment', 'debtor_profiles').collection.createIndex({ tenant: 1, debtorId: 1 });
    await col('scoring', 'scores').collection.createIndex({ tenant: 1, segment: 1 });
    for (const [service, name] of [['payment_reconciliation', 'receivables'], ['notification', 'cases'], ['notification', 'deliveries'], ['notification', 'sent_confirmations']] as const) await dbs[service].db!.createCollection(name).catch(() => undefined);

    const envelopeMessage = (key: string, envelope: Outgoing['envelope']) => ({ key, value: JSON.stringify(envelope), headers: { 'event-type': envelope.type, 'event-id': envelope.id, 'content-type': 'application/json' } });
    const send = (p: Producer, topic: string, items: Outgoing[]) => p.send({ topic, acks: -1, messages: items.map(({ key, envelope }) => envelopeMessage(key, envelope)) });
    const consume = async <T>(service: string, topic: string, handle: (values: T[]) => Promise<void>) => {
      consumers.push(await runStage(kafka(service), `bench.plumbing.${service}`, topic, handle));
    };
    const next = (cause: EnvelopeHeader, source: string) => causedBy(cause, { id: randomUUID(), occurredAt: new Date(), source });

    // Ingestion: invoices, outbox and receipts written per run; the writer publishes its outbox documents at once and
    // deletes them by _id; the relay, under its lease, only looks for documents left older than OUTBOX_STALE_MS.
    const ingestionProducer = await producer('ingestion');
    type OutboxEvent = { topic: string; key: string; envelope: Registered };
    // Stored as ingestion stores it: the events as one JSON string.
    const outbox = dbs.ingestion.db!.collection<{ _id: string; payload: string; count: number; createdAt: Date; seq: number }>('outbox');
    const leases = dbs.ingestion.db!.collection<{ _id: string; holder: string; until: Date }>('leases');
    const publishOutbox = async (docs: Array<{ _id: string; events: OutboxEvent[] }>) => {
      const events = docs.flatMap((d) => d.events);
      await Promise.all([...Map.groupBy(events, (e) => e.topic)].map(([topic, some]) => send(ingestionProducer, topic, some)));
      mark('registered', events.filter((e) => e.topic === TOPIC.registered).map((e) => e.envelope.data.invoiceId));
      await Promise.all(docs.map((d) => outbox.deleteOne({ _id: d._id })));
    };
    // The service's own scheduler (one run at a time, every RELAY_INTERVAL_MS); errors wait for the next tick.
    relay = periodic(RELAY_INTERVAL_MS, async () => {
      while (!stopping) {
        await leases.updateOne({ _id: 'outbox-relay' }, { $set: { holder: 'plumbing', until: new Date(Date.now() + 10_000) } }, { upsert: true });
        const pending = await outbox.find({ createdAt: { $lt: new Date(Date.now() - OUTBOX_STALE_MS) } }).sort({ createdAt: 1, seq: 1 }).limit(RELAY_BATCH / OUTBOX_EVENTS_PER_DOCUMENT).toArray();
        if (pending.length === 0) return;
        await publishOutbox(pending.map((d) => ({ _id: d._id, events: JSON.parse(d.payload) as OutboxEvent[] })));
        if (pending.reduce((n, d) => n + d.count, 0) < RELAY_BATCH) return;
      }
    }, () => undefined);
    relay.start();
    const recentlySeen = new RecentSet(50_000);
    await consume<BankInvoiceMessageV1>('ingestion', TOPIC.inbound, async (messages) => {
      const at = new Date();
      const invoices = messages.map(({ tenant, eventId, occurredAt, invoice }) => ({ _id: `${tenant}:${invoice.externalId}`, tenant, externalId: invoice.externalId, debtorExternalId: invoice.debtor.externalId, invoice, lastEventId: eventId, lastOccurredAt: new Date(occurredAt), lastEvent: { outcome: 'registered', kind: 'registered', changedFields: [] }, history: [{ eventId, door: 'kafka', outcome: 'registered', occurredAt: new Date(occurredAt), receivedAt: at }], createdAt: at, updatedAt: at }));
      // Every invoice inserted as if new (one registration event each); one that existed already is read and updated
      // by _id, as an update (one updated event each). Resends and updates in the same run end at the insert.
      // As ingestion does, invoices this stage saw lately skip the insert and go straight to the update.
      const inserted = await insertManyIfAbsent(col('ingestion', 'invoices'), invoices.filter((d) => !recentlySeen.has(d._id)));
      const existed = [...new Map(invoices.filter((d) => !inserted.has(d._id)).map((d) => [d._id, d])).values()];
      for (const d of invoices) recentlySeen.add(d._id);
      const invoicesCollection = dbs.ingestion.db!.collection<{ _id: string; lastEventId: string }>('invoices');
      const updated: typeof invoices = [];
      await forEachConcurrently(existed, 16, async (d) => {
        const found = await invoicesCollection.findOne({ _id: d._id });
        if (!found || found.lastEventId === d.lastEventId) return;
        await invoicesCollection.updateOne({ _id: d._id, lastEventId: found.lastEventId }, { $set: { invoice: d.invoice, lastEventId: d.lastEventId, lastOccurredAt: d.lastOccurredAt, updatedAt: at }, $push: { history: { $each: d.history } } } as never);
        updated.push(d);
      });
      const eventOf = (kind: 'registered' | 'updated') => ({ _id, tenant, debtorExternalId, invoice, lastEventId }: (typeof invoices)[number]) => {
        const context = { id: randomUUID(), occurredAt: at, source: 'ingestion', tenant, correlationId: lastEventId };
        const envelope = kind === 'registered' ? buildEnvelope(InvoiceRegisteredV1, context, { invoiceId: _id, invoice }) : buildEnvelope(InvoiceUpdatedV1, context, { invoiceId: _id, invoice, changedFields: ['amountCents'] });
        return { id: envelope.id, topic: kind === 'registered' ? TOPIC.registered : TOPIC.updated, key: debtorKey(tenant, debtorExternalId), envelope: envelope as Registered };
      };
      const firstOfEach = invoices.filter((d) => inserted.delete(d._id));
      const events = [...firstOfEach.map(eventOf('registered')), ...updated.map(eventOf('updated'))];
      // As ingestion's outbox: one document per ≤ 250 events of a write.
      const docs = Array.from({ length: Math.ceil(events.length / OUTBOX_EVENTS_PER_DOCUMENT) }, (_, seq) => ({ _id: randomUUID(), events: events.slice(seq * OUTBOX_EVENTS_PER_DOCUMENT, (seq + 1) * OUTBOX_EVENTS_PER_DOCUMENT), createdAt: at, seq }));
      await insertManyIfAbsent(col('ingestion', 'outbox'), docs.map(({ events: some, ...doc }) => ({ ...doc, payload: JSON.stringify(some), count: some.length })));
      // In the background, as ingestion does; what fails is left to the relay.
      publishOutbox(docs).catch(() => undefined);
      await insertManyIfAbsent(
        col('ingestion', receiptBucket(at)),
        messages.map(({ tenant, eventId, occurredAt, invoice }) => ({ _id: `${tenant}:${eventId}`, tenant, invoiceId: `${tenant}:${invoice.externalId}`, door: 'kafka', outcome: 'registered', occurredAt: new Date(occurredAt), receivedAt: at })),
      );
    });

    const enrichmentProducer = await producer('enrichment');
    await consume<Registered>('enrichment', TOPIC.registered, async (events) => {
      const at = new Date();
      const profiles = events.map((event) => ({ event, profile: profileOf(event) }));
      await insertManyIfAbsent(
        col('enrichment', 'debtor_profiles'),
        profiles.map(({ event, profile }) => ({ _id: profile.invoiceId, tenant: event.tenant, debtorId: profile.debtorId, profile, discardedContacts: 0, sourceEventId: event.id, enrichedAt: at })),
      );
      await send(enrichmentProducer, TOPIC.enriched, profiles.map(({ event, profile }) => ({ key: debtorKey(event.tenant, profile.debtorId), envelope: buildEnvelope(DebtorEnrichedV1, next(event, 'enrichment'), profile) })));
      mark('enriched', events.map((e) => e.data.invoiceId));
    });

    await consume<Registered>('payment_reconciliation', TOPIC.registered, async (events) => {
      const at = new Date();
      await insertManyIfAbsent(
        col('payment_reconciliation', 'receivables'),
        events.map(({ tenant, data: { invoiceId, invoice } }) => ({ _id: invoiceId, tenant, externalId: invoice.externalId, debtorId: invoice.debtor.externalId, amountCents: invoice.amountCents, registeredAt: at, payments: [] })),
      );
      mark('receivable stored', events.map((e) => e.data.invoiceId));
    });
    // Updates change the amount owed: one upsert by _id per event, as payment-reconciliation does.
    await consume<Registered>('payment_reconciliation_updates', TOPIC.updated, async (events) => {
      const receivables = dbs.payment_reconciliation.db!.collection<{ _id: string }>('receivables');
      await forEachConcurrently(events, 16, async ({ tenant, data: { invoiceId, invoice } }) => {
        await receivables.updateOne({ _id: invoiceId }, { $set: { tenant, externalId: invoice.externalId, debtorId: invoice.debtor.externalId, amountCents: invoice.amountCents }, $setOnInsert: { payments: [] } }, { upsert: true });
      });
    });

    // Scoring, as services/scoring does per run: the model pointer and the tenant's rules (one read by _id each), the
    // debtors' histories (reads by _id), the scores and first-score labels (one insertMany each), new debtors'
    // histories (one insertMany) and known debtors' (one $addToSet update by _id each), then debtor.scored and
    // case.scored for every invoice in one send.
    const scoringProducer = await producer('scoring');
    const histories = dbs.scoring.db!.collection<{ _id: string; invoiceIds?: string[] }>('debtor_histories');
    const scoringSingletons = dbs.scoring.db!.collection<{ _id: string }>('model_active');
    await consume<Enriched>('scoring', TOPIC.enriched, async (events) => {
      const at = new Date();
      const score = { score: 550, segment: 'medium_risk' as const, factors: { base: 700, delay: -150, amount: -80, reachable: 80, product: 0 }, modelVersion: 'pd-2026.11.26-1' };
      await Promise.all([scoringSingletons.findOne({ _id: 'active' }), dbs.scoring.db!.collection<{ _id: string }>('scoring_rules').findOne({ _id: settings.tenant })]);
      const debtorIds = [...new Set(events.map(({ tenant, data }) => debtorKey(tenant, data.debtorId)))];
      const known = new Set<string>();
      await forEachConcurrently(debtorIds, 16, async (id) => {
        if (await histories.findOne({ _id: id })) known.add(id);
      });
      await insertManyIfAbsent(
        col('scoring', 'scores'),
        events.map(({ id, tenant, data }) => ({ _id: data.invoiceId, tenant, debtorId: data.debtorId, ...score, sourceEventId: id, scoredAt: at })),
      );
      await insertManyIfAbsent(col('scoring', `scoring_labels_${at.toISOString().slice(0, 7).replace('-', '')}`), events.map(({ tenant, data }) => ({ _id: data.invoiceId, tenant, probability: 0.55, modelVersion: score.modelVersion, scoredAt: at })));
      const byDebtor = Map.groupBy(events, ({ tenant, data }) => debtorKey(tenant, data.debtorId));
      const fresh = await insertManyIfAbsent(col('scoring', 'debtor_histories'), [...byDebtor].filter(([id]) => !known.has(id)).map(([id, group]) => ({ _id: id, invoiceIds: group.map((e) => e.data.invoiceId) })));
      await forEachConcurrently([...byDebtor].filter(([id]) => !fresh.has(id)), 8, async ([id, group]) => {
        await histories.updateOne({ _id: id }, { $addToSet: { invoiceIds: { $each: group.map((e) => e.data.invoiceId) } } }, { upsert: true });
      });
      const { factors: _factors, ...scored } = score;
      await scoringProducer.sendBatch({
        acks: -1,
        topicMessages: [
          { topic: TOPIC.scored, messages: events.map((event) => envelopeMessage(debtorKey(event.tenant, event.data.debtorId), buildEnvelope(DebtorScoredV1, next(event, 'scoring'), { invoiceId: event.data.invoiceId, debtorId: event.data.debtorId, ...scored, profile: event.data }))) },
          // case.scored carries ids, figures and three reasons: about a third of debtor.scored's size.
          { topic: TOPIC.caseScored, messages: events.map((event) => ({ key: debtorKey(event.tenant, event.data.debtorId), value: JSON.stringify({ id: randomUUID(), invoiceId: event.data.invoiceId, debtorId: event.data.debtorId, ...scored, reasons: [{ feature: 'daysPastDue', text: '20 dias de atraso: reduz a chance de pagamento', effect: -0.4 }, { feature: 'amountCents', text: 'valor de R$ 1.234,56: reduz a chance de pagamento', effect: -0.2 }, { feature: 'hasValidMobile', text: 'celular válido: aumenta a chance de pagamento', effect: 0.3 }] }) })) },
        ],
      });
      mark('scored', events.map((e) => e.data.invoiceId));
    });

    // Notification, in the services' order: which case each invoice is in (a read by _id per invoice), the cases
    // (a read by _id per case), new cases inserted and existing ones updated (one write by _id each), the invoices
    // linked, the case.planned events; then the dispatch: the debtors' contact documents (a read each), step records,
    // the next step's schedule entry, the contact's claim, its confirmation once sent, the case's settled step and
    // the debtor's contact log (a write by _id each), the notification.sent events.
    const notificationProducer = await producer('notification');
    const notificationCases = dbs.notification.db!.collection('cases');
    const debtorContacts = dbs.notification.db!.collection('debtor_contacts');
    await consume<Scored>('notification', TOPIC.scored, async (events) => {
      const at = new Date();
      const later = new Date(at.getTime() + NEXT_STEP_MS);
      const entry = (caseId: string, step: number, dueAt: Date) => ({ _id: `${caseId}@${step}@${dueAt.getTime()}`, caseId, step, dueAt });
      const caseOf = (e: Scored) => `case-${e.tenant}:${e.data.debtorId}`;
      await forEachConcurrently(events, 16, async (e) => void (await dbs.notification.db!.collection('invoice_cases').findOne({ _id: e.data.invoiceId as never })));
      const byCase = Map.groupBy(events, caseOf);
      const found = new Set<string>();
      await forEachConcurrently([...byCase.keys()], 16, async (id) => void ((await notificationCases.findOne({ _id: id as never })) && found.add(id)));
      const newCases = [...byCase].filter(([id]) => !found.has(id)).map(([id, group]) => ({
        _id: id,
        tenant: group[0]!.tenant,
        debtorId: group[0]!.data.debtorId,
        status: 'open',
        openedAt: at,
        version: 0,
        invoices: group.map(({ data }) => ({ invoiceId: data.invoiceId, amountCents: data.profile.amountCents, dueDate: data.profile.dueDate, status: 'open', segment: data.segment, strategy: 'standard', joinedAt: at })),
        profile: { debtorName: group[0]!.data.profile.debtorName, uf: group[0]!.data.profile.uf, timeZone: group[0]!.data.profile.timeZone, contacts: group[0]!.data.profile.contacts },
        settledSteps: [],
        timeline: [{ at, what: 'case opened' }],
      }));
      await insertManyIfAbsent(col('notification', 'cases'), newCases);
      await forEachConcurrently([...byCase].filter(([id]) => found.has(id)), 16, async ([id, group]) => {
        await notificationCases.updateOne({ _id: id as never, version: 0 }, { $push: { invoices: { $each: group.map(({ data }) => ({ invoiceId: data.invoiceId, amountCents: data.profile.amountCents })) }, timeline: { at, what: 'invoice joined' } } as never, $inc: { version: 1 } });
      });
      await insertManyIfAbsent(col('notification', 'invoice_cases'), events.map((e) => ({ _id: e.data.invoiceId, caseId: caseOf(e), tenant: e.tenant })));
      await send(
        notificationProducer,
        TOPIC.planned,
        [...byCase].map(([id, group]) => ({
          key: debtorKey(group[0]!.tenant, group[0]!.data.debtorId),
          envelope: buildEnvelope(CasePlannedV1, { id: randomUUID(), occurredAt: at, source: 'notification', tenant: group[0]!.tenant, correlationId: group[0]!.correlationId }, { caseId: id, debtorId: group[0]!.data.debtorId, joinedInvoiceIds: group.map((e) => e.data.invoiceId), openInvoiceIds: group.map((e) => e.data.invoiceId), strategy: 'standard', arm: 'champion', cadenceId: 'standard', cadenceVersion: 0, nextContact: { step: 2, stepId: 'd-plus-1', dueAt: at.toISOString(), channels: ['sms'] } }),
        })),
      );
      mark('reminder sent', events.map((e) => e.data.invoiceId));
      // The dispatch of the cases' due step.
      const fresh = newCases;
      await forEachConcurrently(fresh, 16, async (c) => void (await debtorContacts.findOne({ _id: `${c.tenant}:${c.debtorId}` as never })));
      await insertManyIfAbsent(col('notification', scheduleBucket(later)), fresh.map((c) => entry(c._id, 3, later)));
      await insertManyIfAbsent(col('notification', 'case_steps'), fresh.map((c) => ({ _id: `${c._id}:2`, caseId: c._id, step: 2, stepId: 'd-plus-1', outcome: 'sent', channels: ['sms'], at })));
      await insertManyIfAbsent(
        col('notification', 'deliveries'),
        fresh.map((c) => ({ _id: `${c._id}:2:sms`, tenant: c.tenant, caseId: c._id, step: 2, stepId: 'd-plus-1', outcome: 'sending', channel: 'sms', address: c.profile.contacts.mobilePhones[0] ?? '', template: 'primeiro-aviso', text: reminderText(byCase.get(c._id)![0]!.data.profile), invoiceIds: c.invoices.map((i) => i.invoiceId), amountCents: 0, arm: 'champion', sentAt: at })),
      );
      await insertManyIfAbsent(col('notification', 'sent_confirmations'), fresh.map((c) => ({ _id: `${c._id}:2:sms`, caseId: c._id, sentAt: at })));
      await forEachConcurrently(fresh, 16, async (c) => {
        await notificationCases.updateOne({ _id: c._id as never }, { $addToSet: { settledSteps: { $each: [0, 1, 2] } }, $push: { timeline: { at, what: 'step d-plus-1 sent by sms' } } as never });
        await debtorContacts.updateOne({ _id: `${c.tenant}:${c.debtorId}` as never }, { $push: { recent: { $each: [{ at, channel: 'sms', caseId: c._id }], $slice: -30 } } as never, $setOnInsert: { tenant: c.tenant } }, { upsert: true });
      });
      await send(
        notificationProducer,
        TOPIC.reminder,
        fresh.map((c) => ({
          key: debtorKey(c.tenant, c.debtorId),
          envelope: buildEnvelope(NotificationSentV1, { id: randomUUID(), occurredAt: at, source: 'notification', tenant: c.tenant, correlationId: c._id }, { contactId: `${c._id}:2:sms`, caseId: c._id, debtorId: c.debtorId, channel: 'sms', invoiceIds: c.invoices.map((i) => i.invoiceId), step: 2, stepId: 'd-plus-1', template: 'primeiro-aviso', strategy: 'standard', cadenceId: 'standard', cadenceVersion: 0, arm: 'champion', amountCents: 0 }),
        })),
      );
    });

    // Scoring learns engagement from notification.sent: one update by _id per debtor per batch.
    await consume<EventOf<typeof NotificationSentV1>>('scoring_engagement', TOPIC.reminder, async (events) => {
      await forEachConcurrently([...Map.groupBy(events, (e) => debtorKey(e.tenant, e.data.debtorId))], 8, async ([id, group]) => {
        await histories.updateOne({ _id: id }, { $inc: { 'engagement.sent': group.length }, $push: { 'contactsSeen.sent': { $each: group.map((e) => e.data.contactId), $slice: -100 } } } as never);
      });
    });

    // The end, read like the bench's observer reads the pipeline's reminders.
    const end = kafka('observer').consumer({ groupId: 'bench.plumbing.observer', maxWaitTimeInMs: 100 });
    consumers.push(end);
    const endJoined = new Promise<void>((resolve) => end.on(end.events.GROUP_JOIN, () => resolve()));
    await end.connect();
    await end.subscribe({ topics: [TOPIC.planned], fromBeginning: true });
    await end.run({ eachBatch: async ({ batch }) => mark('reminder arrived', batch.messages.flatMap((m) => (JSON.parse(m.value!.toString('utf8')) as Planned).data.joinedInvoiceIds)) });
    await within(endJoined, 60_000, 'the plumbing observer did not join its group within 60 s');

    // The feed: the Kafka door's records, one send of `feedBatch` at a time, like the bench's bank producer.
    const feed = await producer('bank');
    t0 = performance.now();
    const cpuUntilQuiet = settings.measureCpu?.();
    for (let from = 0; from < records.length; from += settings.feedBatch) {
      const chunk = records.slice(from, from + settings.feedBatch);
      await feed.send({ topic: TOPIC.inbound, acks: -1, messages: chunk.map((r) => ({ key: debtorKey(settings.tenant, r.debtorExternalId), value: kafkaDoorMessage(settings.tenant, r) })) });
      mark('accepted (produce ack)', chunk.map((r) => r.invoiceId));
    }
    const [accepted, arrived] = [reached['accepted (produce ack)'], reached['reminder arrived']];
    while (arrived.size < expected.size && now() < settings.timeoutMs && settings.stillWanted()) await idle(100);

    const complete = arrived.size >= expected.size;
    const seconds = (complete ? latest(arrived) : now()) / 1000;
    const cpuSeconds = complete ? await cpuUntilQuiet?.() : undefined;
    return {
      invoices: expected.size,
      received: arrived.size,
      complete,
      seconds,
      perSecond: seconds > 0 ? arrived.size / seconds : 0,
      latencyMs: summarize([...arrived].flatMap(([id, at]) => (accepted.has(id) ? [at - accepted.get(id)!] : []))),
      stages: STAGES.map((stage) => ({ stage, done: reached[stage].size, untilS: latest(reached[stage]) / 1000 })),
      settings: [
        `feed: ${records.length} Kafka-door records (updates and resends included, invalid ones left out), ${settings.feedBatch} per send, one send at a time`,
        'producers: one per stage, kafkajs, idempotent, acks -1 (all), maxInFlightRequests 1',
        `consumers: one group per stage (two on registered), eachBatch, partitionsConsumedConcurrently ${PARTITIONS_CONSUMED_CONCURRENTLY}, runs of ≤ ${MAX_RUN} messages, offsets committed after each run`,
        `hops per invoice: 5 produces (inbound, registered, enriched, scored, reminder) and 6 consumes, on topics of 6 partitions`,
        `store writes per invoice: 10 inserts and a share of an outbox document (ingestion 2: invoice, receipt, plus one outbox document per ≤ ${OUTBOX_EVENTS_PER_DOCUMENT} events; enrichment 1; payment-reconciliation 1; scoring 2: score, label, plus a history read by _id per debtor, a history insert for a new debtor or an $addToSet update for a known one, and debtor.scored with case.scored; notification 4: case, next step's schedule entry, the step's claim and its confirmation) and the outbox documents' deletes by _id, the writer publishing its own outbox documents at once, one insertMany (unordered, duplicates ignored) per collection per run; every ${RELAY_INTERVAL_MS / 1000} s the outbox relay, with one lease update, looks for documents older than ${OUTBOX_STALE_MS / 1000} s`,
        'an invoice that existed already (an update): read by _id and updated by _id in ingestion (16 at a time), an updated event, and an upsert by _id in payment-reconciliation; resends end at the insert',
        'no other reads besides the relay\'s, no validation, no domain logic; all stages in one Node process',
      ],
      ...(cpuSeconds ? { cpuSeconds } : {}),
    };
  } finally {
    stopping = true;
    await Promise.allSettled(consumers.map((c) => c.disconnect()));
    await relay?.stop();
    await Promise.allSettled(producers.map((p) => p.disconnect()));
    // Nothing of the baseline may weigh on the services measured next.
    await admin.deleteGroups([...SERVICES, 'payment_reconciliation_updates', 'observer'].map((s) => `bench.plumbing.${s}`)).catch(() => undefined);
    await admin.deleteTopics({ topics: Object.values(TOPIC) }).catch(() => undefined);
    await admin.disconnect();
    for (const db of Object.values(dbs)) {
      await db.dropDatabase().catch(() => undefined);
      await db.close();
    }
  }
}

/** The largest time in the map (a spread of one argument per invoice could overflow the stack). */
function latest(times: ReadonlyMap<string, number>): number {
  let max = 0;
  for (const t of times.values()) max = Math.max(max, t);
  return max;
}

/** Enrichment's profile, copied from the invoice without cleaning: the same fields and about the same size. */
function profileOf({ data: { invoiceId, invoice } }: Registered): Enriched['data'] {
  const { debtor } = invoice;
  return {
    invoiceId,
    debtorId: debtor.externalId,
    debtorName: debtor.name,
    amountCents: invoice.amountCents,
    dueDate: invoice.dueDate,
    status: invoice.status,
    productType: invoice.productType,
    creditorName: invoice.creditor.name,
    contacts: { emails: debtor.emails ?? [], mobilePhones: (debtor.phones ?? []).map((p) => `+55${p.replace(/\D/g, '')}`), landlines: [] },
    ...(debtor.address?.uf ? { uf: debtor.address.uf } : {}),
    timeZone: 'America/Sao_Paulo',
  };
}

/** About the length of notification's first template. */
function reminderText(profile: Enriched['data']): string {
  return `Olá, ${profile.debtorName.split(' ')[0]}! Aqui é da ${profile.creditorName}. Identificamos uma fatura de R$ ${(profile.amountCents / 100).toFixed(2)} com vencimento em ${profile.dueDate} que ainda está em aberto. Se já pagou, desconsidere esta mensagem.`;
}

/** A consumer group on one topic with packages/kafka-bus's settings: runs of ≤ 500, offsets committed after each. */
async function runStage<T>(kafka: Kafka, groupId: string, topic: string, handle: (values: T[]) => Promise<void>): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000, retry: { retries: 10 } });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: PARTITIONS_CONSUMED_CONCURRENTLY,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale }) => {
      for (let start = 0; start < batch.messages.length; start += MAX_RUN) {
        if (!isRunning() || isStale()) return;
        const run = batch.messages.slice(start, start + MAX_RUN);
        await handle(run.map((m) => JSON.parse(m.value!.toString('utf8')) as T));
        resolveOffset(run.at(-1)!.offset);
        await commitOffsetsIfNecessary();
        await heartbeat();
      }
    },
  });
  await within(joined, 60_000, `plumbing consumer group ${groupId} did not join within 60 s`);
  return consumer;
}

