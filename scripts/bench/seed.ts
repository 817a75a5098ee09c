// Adapter: N open cases' worth of state, written straight into each service's own database through the services'
// own store modules, so that a run measures the pipeline with that portfolio already held. Every document has the
// shape the services write: the same store calls, fed by the same domain functions the services' handlers use.
import { DebtorEnrichedV1, InvoiceRegisteredV1 } from '@regua/contracts';
import { SERVICE_NAMES, type ServiceName } from '@regua/local-infra';
import { connectMongo, ensureIndexes, type Connection } from '@regua/mongo';
import { derivedEventId } from '@regua/service-kit';
import { createLogger } from '@regua/telemetry';
import { enrichInvoiceDebtor } from '../../services/enrichment/src/domain/enrich.ts';
import { createProfileStore, type ProfileDoc } from '../../services/enrichment/src/store/profiles.ts';
import { foldSubmissions } from '../../services/ingestion/src/domain/ingest.ts';
import { createInvoiceStore, type InvoiceWrite } from '../../services/ingestion/src/store/invoice-store.ts';
import { registerModels, type ReceiptDoc } from '../../services/ingestion/src/store/models.ts';
import { cadenceById } from '../../services/notification/src/cadence-book.ts';
import { DEFAULT_CADENCE_CONFIG, strategyFor } from '../../services/notification/src/domain/cadence-spec.ts';
import { addressOn, anchorOf, dueSteps, type CaseInvoice } from '../../services/notification/src/domain/plan.ts';
import { bucketName } from '../../services/notification/src/domain/schedule-buckets.ts';
import { caseIdFor, contactId, createCaseStore, stepRecordId, type CaseDoc, type DeliveryDoc, type StepRecord } from '../../services/notification/src/store/cases.ts';
import { createSchedule, type ScheduleEntry } from '../../services/notification/src/store/schedule.ts';
import { createLedger, type ReceivableDoc } from '../../services/payment-reconciliation/src/store/ledger.ts';
import { MODEL_VERSION, scoreDebtor } from '../../services/scoring/src/domain/score.ts';
import { createScoreStore, type ScoreDoc } from '../../services/scoring/src/store/scores.ts';
import { generateFeed } from './feed.ts';

/** Invoices per chunk: one `insertMany` per collection per chunk. */
export const SEED_CHUNK = 1000;
/** Chunks written at once (each writes its collections concurrently). */
const CHUNKS_IN_FLIGHT = 2;
/** Cases opened over this span, a day before the run: their next steps fall due 1 to 4 days after it, in ~20 buckets. */
const OPENED_SPAN_MS = 3_600_000;
const OPENED_BEFORE_MS = 86_400_000;

export interface SeedOptions {
  mongoUrl: string;
  openCases: number;
  /** Not the feed's tenant: every invoice the feed sends is new. */
  tenant: string;
  /** Generator seed (the feed's, so the same flags seed the same portfolio). */
  seed: number;
  now: Date;
  say(line: string): void;
  progressEveryMs?: number;
  stillWanted(): boolean;
}

export interface SeedFigures {
  openCases: number;
  tenant: string;
  /** Documents written, all collections together. */
  documents: number;
  seconds: number;
  /** Documents per second. */
  perSecond: number;
  /** `database.collection` (the schedule's buckets together) → documents written. */
  collections: Record<string, number>;
  /** Schedule bucket collections the cases' next steps fell into. */
  scheduleBuckets: number;
  settings: string;
}

/** The database a service uses on the local infrastructure: service-kit's `regua_<name>` (localServiceEnv unsets MONGO_DB). */
export const serviceDbName = (name: ServiceName) => `regua_${name.replace(/-/g, '_')}`;

const SCHEDULE_KEY = 'schedule_* (buckets)';
const pad = (n: number) => String(n).padStart(7, '0');

/** One chunk of seeded state: every service's documents for `count` invoices, open cases whose first reminder went out. */
export function seedChunk(options: { tenant: string; seed: number; now: Date; openCases: number }, first: number, count: number) {
  const debtorsPerChunk = Math.ceil(SEED_CHUNK / 2);
  // The feed's generator (same invoices and debtors as the bench sends), renamed into the seeded portfolio.
  const feed = generateFeed({ tenant: options.tenant, invoices: count, debtors: Math.max(1, Math.ceil(count / 2)), updates: 0, duplicates: 0, invalid: 0, kafkaShare: 0.5, seed: (options.seed * 1_000_003 + first + 1) >>> 0, now: options.now });
  const openedFrom = options.now.getTime() - OPENED_BEFORE_MS;
  const out = {
    invoices: [] as InvoiceWrite[],
    receipts: [] as ReceiptDoc[],
    profiles: [] as ProfileDoc[],
    scores: [] as ScoreDoc[],
    cases: [] as CaseDoc[],
    links: [] as Array<{ invoiceId: string; caseId: string; tenant: string }>,
    steps: [] as StepRecord[],
    deliveries: [] as DeliveryDoc[],
    wakes: [] as Array<Omit<ScheduleEntry, '_id'>>,
    receivables: [] as ReceivableDoc[],
    /** The chunk's first time: ingestion's `createdAt` (one `now` per insert, as in a batch request). */
    at: new Date(openedFrom),
  };
  feed.records.forEach((record, j) => {
    const n = first + j;
    const at = new Date(openedFrom + Math.floor((n * OPENED_SPAN_MS) / Math.max(1, options.openCases)));
    if (j === 0) out.at = at;
    const localDebtor = Number(record.debtorExternalId.replace(/^CUST-/, ''));
    const debtor = { ...record.submission.invoice.debtor, externalId: `SEED-CUST-${pad(Math.floor(first / SEED_CHUNK) * debtorsPerChunk + localDebtor)}` };
    const invoice = { ...record.submission.invoice, externalId: `SEED-${pad(n + 1)}`, debtor };
    const submission = { ...record.submission, occurredAt: new Date(at.getTime() - 60_000).toISOString(), invoice };
    const invoiceId = `${options.tenant}:${invoice.externalId}`;

    // ingestion: the state a registration leaves, and its receipt.
    const { final } = foldSubmissions(undefined, [submission]);
    out.invoices.push({ invoiceId, tenant: options.tenant, state: final!, history: [{ eventId: submission.eventId, door: record.door, outcome: 'registered', occurredAt: new Date(submission.occurredAt), receivedAt: at }] });
    out.receipts.push({ _id: `${options.tenant}:${submission.eventId}`, tenant: options.tenant, invoiceId, door: record.door, outcome: 'registered', occurredAt: new Date(submission.occurredAt), receivedAt: at });
    // enrichment and scoring: their views, keyed by the events that caused them.
    const registeredId = derivedEventId(`${options.tenant}:${submission.eventId}`, InvoiceRegisteredV1.type);
    const enrichedId = derivedEventId(registeredId, DebtorEnrichedV1.type);
    const { profile, discardedContacts } = enrichInvoiceDebtor(invoiceId, invoice);
    out.profiles.push({ _id: invoiceId, tenant: options.tenant, debtorId: profile.debtorId, profile, discardedContacts, sourceEventId: registeredId, enrichedAt: at });
    const { score, segment, factors } = scoreDebtor(profile, at);
    out.scores.push({ _id: invoiceId, tenant: options.tenant, debtorId: profile.debtorId, score, segment, factors, modelVersion: MODEL_VERSION, sourceEventId: enrichedId, scoredAt: at });
    // notification: the debtor's case with the creditor as onDebtorScored opens it (its invoices added below).
    const strategy = segment === 'low_risk' ? 'digital-light' : segment === 'medium_risk' ? 'standard' : 'intensive';
    const caseId = caseIdFor(options.tenant, invoice.creditor.cnpj, profile.debtorId);
    const caseInvoice: CaseInvoice = { invoiceId, amountCents: invoice.amountCents, dueDate: invoice.dueDate, status: 'open', segment, strategy, joinedAt: at };
    out.links.push({ invoiceId, caseId, tenant: options.tenant });
    const existing = out.cases.find((c) => c._id === caseId);
    if (existing) existing.invoices.push(caseInvoice);
    else {
      out.cases.push({
        _id: caseId,
        tenant: options.tenant,
        debtorId: profile.debtorId,
        creditor: { name: invoice.creditor.name, cnpj: invoice.creditor.cnpj },
        correlationId: submission.eventId,
        status: 'open',
        openedAt: at,
        version: 0,
        strategy,
        arm: 'champion',
        cadenceId: strategyFor(DEFAULT_CADENCE_CONFIG, strategy).cadenceId,
        cadenceVersion: 0,
        invoices: [caseInvoice],
        profile: { debtorName: profile.debtorName, uf: profile.uf, timeZone: profile.timeZone, contacts: profile.contacts },
        settledSteps: [],
        paused: null,
        timeline: [{ at, what: `case opened: strategy ${strategy}` }],
      });
    }
    // payment-reconciliation: what the invoice owes.
    const pixTxid = invoice.paymentInstruments?.pix?.txid;
    out.receivables.push({ _id: invoiceId, tenant: options.tenant, externalId: invoice.externalId, debtorId: debtor.externalId, amountCents: invoice.amountCents, ...(pixTxid ? { pixTxid } : {}), registeredAt: at, payments: [] });
  });
  // Each case as the dispatcher leaves it by the run's start: the steps due by then settled (the latest sent), the
  // next one scheduled after it, so the portfolio held adds no dispatch work of its own to the run.
  for (const doc of out.cases) {
    const cadence = cadenceById(DEFAULT_CADENCE_CONFIG, doc.cadenceId!)!;
    const { take, skip, next } = dueSteps(cadence, anchorOf(doc.invoices)!.dueDate, doc.openedAt, options.now, new Set());
    for (const { step, reason } of skip) out.steps.push({ _id: stepRecordId(doc._id, step), caseId: doc._id, step, stepId: cadence.steps[step]!.id, outcome: 'skipped', reason, channels: [], at: doc.openedAt });
    doc.settledSteps = skip.map((s) => s.step);
    if (take !== undefined) {
      const spec = cadence.steps[take]!;
      const channel = spec.channels[0]!;
      out.steps.push({ _id: stepRecordId(doc._id, take), caseId: doc._id, step: take, stepId: spec.id, outcome: 'sent', channels: [channel], at: doc.openedAt });
      out.deliveries.push({ _id: contactId(doc._id, take, channel), tenant: doc.tenant, caseId: doc._id, step: take, stepId: spec.id, outcome: 'sent', channel, address: addressOn(channel, doc.profile.contacts) ?? '', template: spec.template, text: '(seeded)', invoiceIds: doc.invoices.map((i) => i.invoiceId), amountCents: doc.invoices.reduce((sum, i) => sum + i.amountCents, 0), arm: doc.arm, sentAt: doc.openedAt });
      doc.settledSteps.push(take);
    }
    if (next) out.wakes.push({ caseId: doc._id, step: next.step, dueAt: next.dueAt });
  }
  return out;
}

/**
 * Seeds `openCases` open cases into the five services' databases, before the services start: the models' indexes
 * first (ensureIndexes, as each service does at start-up, which then finds them there), then chunks of
 * `SEED_CHUNK` invoices, each chunk one insert per collection, the five databases written concurrently.
 */
export async function seedOpenCases(options: SeedOptions): Promise<SeedFigures> {
  const logger = createLogger({ service: 'bench-seed', level: 'silent' });
  const dbs = {} as Record<ServiceName, Connection>;
  const start = performance.now();
  try {
    for (const name of SERVICE_NAMES) dbs[name] = await connectMongo({ url: options.mongoUrl, dbName: serviceDbName(name), logger });
    const ingestion = createInvoiceStore(registerModels(dbs.ingestion), { receiptMonths: 3 });
    const profiles = createProfileStore(dbs.enrichment);
    const scores = createScoreStore(dbs.scoring);
    const cases = createCaseStore(dbs.notification);
    const schedule = createSchedule(dbs.notification);
    const ledger = createLedger(dbs['payment-reconciliation']);
    await Promise.all(Object.values(dbs).map((db) => ensureIndexes(db)));

    const written: Record<string, number> = {};
    const buckets = new Set<string>();
    let documents = 0;
    let doneCases = 0;
    let nextProgress = options.progressEveryMs ?? 5000;
    const writeChunk = async (first: number) => {
      const chunk = seedChunk(options, first, Math.min(SEED_CHUNK, options.openCases - first));
      // Every id is new (a fresh stack, ids unique by construction): a store that finds one already there means a bug here.
      const allNew = (what: string, wanted: number, inserted: number) => {
        if (inserted !== wanted) throw new Error(`seeding: ${wanted - inserted} of ${wanted} ${what} existed already`);
      };
      await Promise.all([
        // ingestion: state before receipt, as ingestion writes them.
        (async () => {
          allNew('invoices', chunk.invoices.length, chunk.invoices.length - (await ingestion.insertInvoices(chunk.invoices, chunk.at)).size);
          allNew('receipts', chunk.receipts.length, chunk.receipts.length - (await ingestion.insertReceipts(chunk.receipts, chunk.at)).size);
        })(),
        profiles.saveAll(chunk.profiles),
        scores.saveAll(chunk.scores),
        // notification: schedule entry, case, delivery; each an insert, so all three at once.
        schedule.add(chunk.wakes, options.now),
        cases.openAll(chunk.cases).then((opened) => allNew('cases', chunk.cases.length, opened.size)),
        cases.linkInvoices(chunk.links),
        cases.recordSteps(chunk.steps),
        cases.recordDeliveries(chunk.deliveries).then((recorded) => allNew('deliveries', chunk.deliveries.length, recorded.size)),
        ledger.registerAll(chunk.receivables),
      ]);
      for (const wake of chunk.wakes) buckets.add(bucketName(wake.dueAt));
      const sizes: Array<[ServiceName, string, number]> = [
        ['ingestion', 'invoices', chunk.invoices.length],
        ['ingestion', 'ingestion_receipts_* (months)', chunk.receipts.length],
        ['enrichment', 'debtor_profiles', chunk.profiles.length],
        ['scoring', 'scores', chunk.scores.length],
        ['notification', 'cases', chunk.cases.length],
        ['notification', 'deliveries', chunk.deliveries.length],
        ['notification', 'invoice_cases', chunk.links.length],
        ['notification', 'case_steps', chunk.steps.length],
        ['notification', SCHEDULE_KEY, chunk.wakes.length],
        ['payment-reconciliation', 'receivables', chunk.receivables.length],
      ];
      for (const [db, collection, n] of sizes) {
        const key = `${serviceDbName(db)}.${collection}`;
        written[key] = (written[key] ?? 0) + n;
        documents += n;
      }
      doneCases += chunk.links.length;
      const elapsed = performance.now() - start;
      if (elapsed >= nextProgress) {
        nextProgress += options.progressEveryMs ?? 5000;
        options.say(`seeding: ${doneCases.toLocaleString('en-US')} / ${options.openCases.toLocaleString('en-US')} open cases, ${Math.round(documents / (elapsed / 1000)).toLocaleString('en-US')} documents/s`);
      }
    };
    let next = 0;
    const worker = async () => {
      while (next < options.openCases) {
        if (!options.stillWanted()) throw new Error('stopped');
        const first = next;
        next += SEED_CHUNK;
        await writeChunk(first);
      }
    };
    await Promise.all(Array.from({ length: CHUNKS_IN_FLIGHT }, worker));
    const seconds = (performance.now() - start) / 1000;

    return {
      openCases: options.openCases,
      tenant: options.tenant,
      documents,
      seconds,
      perSecond: seconds > 0 ? documents / seconds : 0,
      collections: written,
      scheduleBuckets: buckets.size,
      settings: `indexes created first (ensureIndexes); ${SEED_CHUNK} invoices per chunk, ${CHUNKS_IN_FLIGHT} chunks in flight, each one insertMany (unordered) per collection, the five databases concurrently`,
    };
  } finally {
    await Promise.all(Object.values(dbs).map((db) => db.close()));
  }
}
