// Large CNAB 240 return files on the real broker and database: checked whole as a stream, then applied in batches.
import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '@regua/config';
import { CaseSettledV1, CreditRecordedV1, invoiceId as toInvoiceId, PaymentReconciledV1, type EventOf } from '@regua/contracts';
import type { OutgoingMessage } from '@regua/kafka-bus';
import { connectMongo, type Connection } from '@regua/mongo';
import type { RunningService } from '@regua/service-kit';
import { createLogger } from '@regua/telemetry';
import { recordTopics, testEndpoints, uniqueName, waitFor, serviceTestEnv } from '@regua/testing';
import { createSettlementBatches } from '../src/cnab-batch.ts';
import { createCnabImport } from '../src/cnab-import.ts';
import { ourNumberKey, settlementPayments } from '../src/domain/cnab-settlement.ts';
import { fileFingerprint, parseCnab240Return } from '../src/domain/cnab240.ts';
import { LATE_PAYMENT_REASON } from '../src/domain/matching.ts';
import { createCaseInstruments } from '../src/instruments/case-instruments.ts';
import { createPaymentFollowUp } from '../src/payment-follow-up.ts';
import { createReconciliation, receivedEvent } from '../src/reconciliation.ts';
import { PaymentReconciliationEnvSchema, startPaymentReconciliation } from '../src/service.ts';
import { createCnabFileProgress } from '../src/store/cnab-file-progress.ts';
import { createCnabFiles } from '../src/store/cnab-files.ts';
import { createInstrumentStore } from '../src/store/instruments.ts';
import { createLedger } from '../src/store/ledger.ts';
import { createNegotiationStore } from '../src/store/negotiation.ts';
import { createParkedPayments } from '../src/store/parked-payments.ts';
import { createPaymentMatchingStore } from '../src/store/payment-matching.ts';
import { overwrite, returnFile, type TitleSpec } from './support/cnab240-file.ts';
import { receivableAsRead } from './support/receivables.ts';

const NOW = new Date('2026-12-14T13:00:00Z');
const clock = { now: () => NOW };
const logger = createLogger({ service: 'cnab-large-test', level: 'silent' });

type Reconciled = EventOf<typeof PaymentReconciledV1>;
type CreditRecorded = EventOf<typeof CreditRecordedV1>;
interface Receivable {
  _id: string;
  payments: Array<{ paymentId: string; amountCents: number }>;
}
interface CnabResponse {
  fileId: string;
  duplicate: boolean;
  counts: Record<string, number>;
  settlements: Array<{ line: number; paymentId: string; outcome: string; invoiceId?: string }>;
}

/** An invoice of the ledger and the title that settles it: by seu número, or (every third) by nosso número only. */
interface Seeded {
  externalId: string;
  ourNumber: string;
  amountCents: number;
}

function seedDocs(tenant: string, count: number): Seeded[] {
  const run = randomBytes(3).toString('hex');
  return Array.from({ length: count }, (_, i) => ({ externalId: `L${run}-${i}`, ourNumber: `9${run.replace(/\D/g, '1')}${String(i).padStart(7, '0')}`, amountCents: 1000 + i }));
}

/** Receivables and their nosso número index written as registrations write them, in one insert each. */
async function seed(db: Connection, tenant: string, invoices: Seeded[]): Promise<void> {
  await db.collection('receivables').insertMany(
    invoices.map((inv) => ({ _id: toInvoiceId(tenant, inv.externalId), tenant, externalId: inv.externalId, debtorId: `${tenant}:D-${inv.externalId}`, amountCents: inv.amountCents, ourNumber: inv.ourNumber, registeredAt: NOW, revision: 1, payments: [] })) as never[],
  );
  await db.collection('boleto_our_numbers').insertMany(invoices.map((inv) => ({ _id: `${tenant}:${ourNumberKey(inv.ourNumber)}`, invoiceId: toInvoiceId(tenant, inv.externalId) })) as never[]);
}

const title = (inv: Seeded, i: number): TitleSpec => ({
  movementCode: '06',
  nossoNumero: inv.ourNumber,
  seuNumero: i % 3 === 2 ? '' : inv.externalId,
  faceValueCents: inv.amountCents,
  paidCents: inv.amountCents,
  occurrenceDate: '12122026',
  creditDate: '13122026',
});

/** One file of exactly `lines` lines in two batches: 6 lines of headers and trailers, two per title. */
function fileOf(nsa: number, titles: TitleSpec[]): string[] {
  const half = Math.ceil(titles.length / 2);
  return returnFile({ nsa, batches: [titles.slice(0, half), titles.slice(half)] });
}

describe('CNAB 240 files of thousands of lines, uploaded', () => {
  const { kafkaBrokers } = testEndpoints();
  const namespace = `${uniqueName('cnablarge')}.`;
  const tenant = uniqueName('bank');
  const apiKey = `key-${randomUUID()}`;
  let service: RunningService;
  let recorder: Awaited<ReturnType<typeof recordTopics>>;

  beforeAll(async () => {
    const env = loadConfig(PaymentReconciliationEnvSchema, serviceTestEnv(namespace, {
      PAYMENT_API_KEYS: `${tenant}:${apiKey}`,
      PAYMENT_PARK_SWEEP_MS: '600000',
    }));
    service = await startPaymentReconciliation(env, { clock, logger });
    recorder = await recordTopics(kafkaBrokers, [PaymentReconciledV1.topic, CreditRecordedV1.topic].map((t) => namespace + t));
  });

  afterAll(async () => {
    await recorder?.stop();
    await service?.context.db.dropDatabase();
    await service?.stop();
  });

  const db = () => service.context.db.db!;
  const postCnab = (lines: string[]) => fetch(`http://127.0.0.1:${service.port}/v1/cnab240`, { method: 'POST', headers: { 'content-type': 'text/plain', 'x-api-key': apiKey }, body: `${lines.join('\r\n')}\r\n` });
  const receivablesOf = (invoices: Seeded[]) => Promise.all(invoices.map((inv) => receivableAsRead(db(), toInvoiceId(tenant, inv.externalId))));

  test('a 5,000-line file is applied in batches: every settlement reconciled once, one event each; the same file again changes nothing', async () => {
    const invoices = seedDocs(tenant, 2497);
    await seed(service.context.db, tenant, invoices);
    const lines = fileOf(201, invoices.map(title));
    expect(lines).toHaveLength(5000);

    const response = await postCnab(lines);

    expect(response.status).toBe(200);
    const body = (await response.json()) as CnabResponse;
    expect(body).toMatchObject({ duplicate: false, counts: { settlements: 2497, reconciled: 2497, parked: 0, unmatched: 0, repeated: 0, movements: 0 } });
    expect(body.settlements).toHaveLength(1000);
    const receivables = await receivablesOf(invoices);
    expect(receivables.every((r, i) => r!.payments.length === 1 && r!.payments[0]!.amountCents === invoices[i]!.amountCents)).toBe(true);
    const ofThisFile = () => recorder.messages.filter((m) => m.topic === namespace + PaymentReconciledV1.topic).map((m) => m.json<Reconciled>()).filter((e) => e.correlationId === `cnab240:${body.fileId}`);
    await waitFor('every reconciliation published', () => ofThisFile().length >= 2497);
    expect(new Set(ofThisFile().map((e) => e.data.invoiceId)).size).toBe(2497);
    expect(ofThisFile().every((e) => e.data.settled)).toBe(true);
    expect(await db().collection('cnab_files').findOne({ _id: body.fileId as never })).toMatchObject({ status: 'processed', progress: { linesDone: 5000, lines: 5000, settlementsApplied: 2497 } });
    // Every line's outcome kept, a batch to a document
    const chunks = await db().collection<{ entries: Array<{ line: number; kind: string; outcome?: string }> }>('cnab_file_entries').find({ fileId: body.fileId }).toArray();
    const entries = chunks.flatMap((c) => c.entries);
    expect(entries).toHaveLength(2497);
    expect(new Set(entries.map((e) => e.line)).size).toBe(2497);
    expect(entries.every((e) => e.kind === 'settlement' && e.outcome === 'reconciled')).toBe(true);

    // When the same file comes again
    const payments = await db().collection('payments').countDocuments({ tenant });
    const again = await postCnab(lines);

    // Then it is a duplicate, and nothing changed
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true, counts: { settlements: 2497, reconciled: 2497 } });
    expect(await db().collection('payments').countDocuments({ tenant })).toBe(payments);
    expect(await receivablesOf(invoices)).toEqual(receivables);
  });

  test("a settlement paying more than its invoice owes leaves the excess as the debtor's credit; one of an invoice already settled goes to the operators' queue as credit, counted once", async () => {
    // Given an invoice of 10,00
    const [invoice] = seedDocs(tenant, 1);
    await seed(service.context.db, tenant, [invoice!]);
    const invoiceId = toInvoiceId(tenant, invoice!.externalId);
    const debtorId = `${tenant}:D-${invoice!.externalId}`;
    const over: TitleSpec = { ...title(invoice!, 0), paidCents: invoice!.amountCents + 250 };
    const late: TitleSpec = { ...title(invoice!, 0), paidCents: 400, occurrenceDate: '13122026', creditDate: '14122026' };

    // When a file pays it 2,50 too much, and pays it again on the next day
    const response = await postCnab(returnFile({ nsa: 203, batches: [[over, late]] }));

    // Then the first settles it with 2,50 of credit, and the second is a late payment: an exception and credit, never added to the invoice
    expect(response.status).toBe(200);
    const body = (await response.json()) as CnabResponse;
    expect(body.counts).toMatchObject({ settlements: 2, reconciled: 1, parked: 0, unmatched: 1, repeated: 0 });
    const [overId, lateId] = body.settlements.map((r) => r.paymentId);
    expect(body.settlements.map((r) => r.outcome)).toEqual(['reconciled', 'unmatched']);
    const credits = () => recorder.messages.filter((m) => m.topic === namespace + CreditRecordedV1.topic).map((m) => m.json<CreditRecorded>()).filter((e) => e.data.invoiceId === invoiceId);
    await waitFor('both credits published', () => credits().length >= 2);
    expect(credits().map((e) => e.data)).toEqual([
      expect.objectContaining({ paymentId: overId, debtorId, reason: 'overpayment', creditCents: 250 }),
      expect.objectContaining({ paymentId: lateId, reason: 'late-payment', creditCents: 400 }),
    ]);
    expect(await db().collection('payment_exceptions').findOne({ _id: `${tenant}:${lateId}` as never })).toMatchObject({ reason: LATE_PAYMENT_REASON, invoiceId });
    const reconciledOf = (paymentId: string | undefined) => recorder.messages.filter((m) => m.topic === namespace + PaymentReconciledV1.topic).map((m) => m.json<Reconciled>()).filter((e) => e.data.paymentId === paymentId);
    await waitFor('the overpayment reconciled', () => reconciledOf(overId).length > 0);
    expect(reconciledOf(overId)[0]!.data).toMatchObject({ invoiceId, paidTotalCents: invoice!.amountCents + 250, outstandingCents: 0, settled: true });
    expect(reconciledOf(lateId)).toEqual([]);

    // When the late settlement comes again in another file
    const again = (await (await postCnab(returnFile({ nsa: 204, batches: [[late]] }))).json()) as CnabResponse;

    // Then it is a repeat: still one exception, the invoice holds the first payment only, and the credit counts once
    expect(again.counts).toMatchObject({ settlements: 1, reconciled: 0, unmatched: 1, repeated: 1 });
    expect((await receivablesOf([invoice!]))[0]!.payments).toEqual([{ paymentId: overId, amountCents: invoice!.amountCents + 250 }]);
    expect(await db().collection('payment_exceptions').countDocuments({ paymentId: lateId })).toBe(1);
    expect(await db().collection('credit_balances').findOne({ _id: `${tenant}:${debtorId}` as never })).toMatchObject({ balanceCents: 650 });
  });

  test('a file whose last line is bad is refused whole with its line and column, and applies nothing', async () => {
    const invoices = seedDocs(tenant, 600);
    await seed(service.context.db, tenant, invoices);
    const lines = fileOf(202, invoices.map(title));
    lines[lines.length - 1] = overwrite(lines[lines.length - 1]!, 24, '00000X');

    const response = await postCnab(lines);

    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { details: Array<{ line: number; column: number; message: string }> } };
    expect(body.error.details.map(({ line, column }) => ({ line, column }))).toEqual([{ line: lines.length, column: 29 }]);
    expect((await receivablesOf(invoices)).every((r) => r!.payments.length === 0)).toBe(true);
    expect(await db().collection('payments').countDocuments({ paymentId: { $regex: `^001:${invoices[0]!.ourNumber}` } })).toBe(0);
    expect(await db().collection('cnab_files').countDocuments({ fileSequence: 202 })).toBe(0);
  });
});

describe('the batch path, against the one-by-one path and a crash', () => {
  const { mongoUrl } = testEndpoints();
  const connections: Connection[] = [];
  afterAll(async () => {
    for (const c of connections) {
      await c.dropDatabase();
      await c.close();
    }
  });

  async function world() {
    const db = await connectMongo({ url: mongoUrl, dbName: uniqueName('cnabbatch').replace(/\W/g, '_'), logger });
    connections.push(db);
    const sent: OutgoingMessage[] = [];
    let failOnCall = 0;
    let calls = 0;
    const publisher = {
      async publish(messages: OutgoingMessage[]) {
        calls += 1;
        if (calls === failOnCall) throw new Error('broker gone (a crash half-way)');
        sent.push(...messages);
      },
    };
    const ledger = createLedger(db);
    const parked = createParkedPayments(db);
    const matching = createPaymentMatchingStore(db);
    const negotiation = createNegotiationStore(db);
    const instruments = createInstrumentStore(db);
    const source = 'payment-reconciliation';
    const followUp = createPaymentFollowUp({ ledger, parked, store: matching, cases: negotiation, logger, source });
    const settings = { pixKey: 'pix@regua.example', merchantName: 'REGUA', merchantCity: 'SAO PAULO', dueInDays: 5 };
    const cases = createCaseInstruments({ store: instruments, ledger, publisher, clock, logger, source: `${source}.instruments`, settings });
    const deps = { ledger, parked, publisher, clock, logger, source, parkWindowHours: 72, followUp, cases };
    const stores = { files: createCnabFiles(db), progress: createCnabFileProgress(db), settlements: createSettlementBatches(deps) };
    const importer = (batchSize: number) => createCnabImport({ ...stores, clock, logger, source: `${source}.cnab240`, batchSize });
    /** A case of two invoices (the second one due first) whose instruments carry a boleto with this nosso número. */
    const seedCase = async (tenant: string, caseId: string, ourNumber: string, link: 'receivables' | 'legacy invoice_cases' = 'receivables') => {
      const debtorId = `${tenant}:D-${caseId}`;
      const invoices = [
        { externalId: `${caseId}-A`, amountCents: 2_000, dueDate: '2026-11-01' },
        { externalId: `${caseId}-B`, amountCents: 3_000, dueDate: '2026-10-01' },
      ].map((inv) => ({ _id: toInvoiceId(tenant, inv.externalId), tenant, debtorId, registeredAt: NOW, revision: 1, payments: [], ...inv }));
      await db.collection('receivables').insertMany(invoices as never[]);
      const invoiceIds = invoices.map((inv) => inv._id);
      await instruments.addVersion({ _id: caseId, tenant, debtorId }, { version: 1, amountCents: 5_000, dueDate: '2026-12-19', invoiceIds, txid: `${caseId}v1`.replace(/\W/g, ''), copyPaste: '-', issuedAt: NOW });
      await instruments.claimOurNumber(tenant, ourNumber, caseId, 1);
      await negotiation.planCases([{ _id: caseId, tenant, debtorId, openInvoiceIds: invoiceIds, updatedAt: NOW }]);
      // Links written before they were kept on the receivables are in `invoice_cases`, which is still read for them.
      if (link === 'receivables') await ledger.linkCase({ caseId, debtorId, openInvoiceIds: invoiceIds }, invoiceIds);
      else await db.collection('invoice_cases').insertMany(invoiceIds.map((_id) => ({ _id, caseId })) as never[]);
      return invoiceIds;
    };
    return { db, sent, ledger, seedCase, reconciliation: createReconciliation(deps), importer, failOn: (call: number) => ((failOnCall = call), (calls = 0)) };
  }

  const snapshot = async (db: Connection) => {
    const all = async (name: string) => (await db.db!.collection(name).find({}).toArray()).map((d) => JSON.stringify(d)).sort();
    return {
      receivables: await all('receivables'),
      firstPayments: await all('first_payments'),
      payments: await all('payments'),
      parked: await all('parked_payments'),
      exceptions: await all('payment_exceptions'),
      credits: await all('credit_balances'),
      settledCases: await all('settled_cases'),
      casePayments: await all('case_instrument_payments'),
    };
  };

  test('the same small file gives the same receivables, payments, parking, credit, case settlement and events one by one and in batches', async () => {
    const tenant = uniqueName('eq');
    const invoices = seedDocs(tenant, 9);
    const [a, b, c, d] = invoices;
    const overpaid = invoices[8]!;
    const caseId = `case-${randomBytes(4).toString('hex')}`;
    const caseOurNumber = `7654321${String(randomBytes(4).readUInt32BE()).padStart(10, '0')}`;
    const caseBoleto = (paidCents: number, creditDate: string): TitleSpec => ({ movementCode: '06', nossoNumero: caseOurNumber, seuNumero: '', faceValueCents: 5_000, paidCents, occurrenceDate: creditDate, creditDate });
    const titles: TitleSpec[] = [
      ...invoices.slice(0, 8).map(title),
      // Two late payments of a settled invoice, a repeat of a payment within the file, two titles nobody's.
      { ...title(a!, 0), paidCents: 300, creditDate: '14122026' },
      { ...title(a!, 0), paidCents: 200, creditDate: '15122026' },
      { ...title(b!, 1) },
      { ...title(c!, 2), nossoNumero: '4444', seuNumero: '' },
      { ...title(d!, 0), nossoNumero: '5555', seuNumero: 'NOBODY-1' },
      // An overpayment; the case's boleto paid in two settlements (the invoice due first, then the case settled).
      { ...title(overpaid, 0), paidCents: overpaid.amountCents + 700 },
      caseBoleto(4_000, '13122026'),
      caseBoleto(1_000, '14122026'),
      { movementCode: '02', nossoNumero: '77', seuNumero: 'X', faceValueCents: 5 },
    ];
    const content = fileOf(301, titles).join('\n');

    const oneByOne = await world();
    await seed(oneByOne.db, tenant, invoices);
    const caseInvoices = await oneByOne.seedCase(tenant, caseId, caseOurNumber);
    const context = { source: 'payment-reconciliation.cnab240', correlationId: `cnab240:${fileFingerprint(content).sha256}`, occurredAt: NOW };
    const parsed = parseCnab240Return(content);
    for (const p of settlementPayments(parsed).payments) await oneByOne.reconciliation.receive(receivedEvent(tenant, p.data, context), { ourNumber: p.ourNumber });

    const batched = await world();
    await seed(batched.db, tenant, invoices);
    await batched.seedCase(tenant, caseId, caseOurNumber);
    const result = await batched.importer(4).importFile(tenant, content, { origin: 'upload' });

    expect(result.counts).toEqual({ settlements: 16, reconciled: 12, parked: 2, unmatched: 2, repeated: 1, movements: 1 });
    const batchedState = await snapshot(batched.db);
    expect(batchedState).toEqual(await snapshot(oneByOne.db));
    expect(batched.sent.map((m) => JSON.stringify(m))).toEqual(oneByOne.sent.map((m) => JSON.stringify(m)));
    // What the follow-up and the case instruments did, the same on both paths
    expect(result.settlements.filter((r) => r.paymentId.includes(caseOurNumber)).map((r) => [r.outcome, r.invoiceId])).toEqual([
      ['reconciled', caseInvoices[1]],
      ['reconciled', caseInvoices[0]],
    ]);
    const topics = batched.sent.map((m) => m.topic);
    expect(topics.filter((t) => t === CaseSettledV1.topic)).toHaveLength(1);
    expect(batched.sent.filter((m) => m.topic === CreditRecordedV1.topic).map((m) => (m.envelope.data as CreditRecorded['data']).reason)).toEqual(['late-payment', 'late-payment', 'overpayment']);
    expect(batchedState.exceptions).toHaveLength(2);
    expect(batchedState.settledCases).toHaveLength(1);
  });

  test('invoices of a case linked before links were kept on the receivables, paid by their own boletos, still settle the case once', async () => {
    const tenant = uniqueName('legacy');
    const w = await world();
    const caseId = `case-${randomBytes(4).toString('hex')}`;
    const [first, second] = await w.seedCase(tenant, caseId, `7654321${String(randomBytes(4).readUInt32BE()).padStart(10, '0')}`, 'legacy invoice_cases');
    const [a, b] = [first!, second!].map((id) => id.slice(tenant.length + 1)) as [string, string];
    const paid = (externalId: string, cents: number): TitleSpec => ({ movementCode: '06', nossoNumero: `1${randomBytes(3).readUIntBE(0, 3)}`, seuNumero: externalId, faceValueCents: cents, paidCents: cents, occurrenceDate: '12122026', creditDate: '13122026' });

    const result = await w.importer(10).importFile(tenant, fileOf(501, [paid(a, 2_000), paid(b, 3_000)]).join('\n'), { origin: 'upload' });

    expect(result.counts).toMatchObject({ settlements: 2, reconciled: 2 });
    const settled = w.sent.filter((m) => m.topic === CaseSettledV1.topic);
    expect(settled.map((m) => (m.envelope.data as { caseId: string }).caseId)).toEqual([caseId]);
  });

  test("cases whose invoices are paid by their own boletos settle once, whether their invoices are paid in one batch or in two, and a case with an invoice unpaid does not", async () => {
    const tenant = uniqueName('cases');
    const w = await world();
    const seeded = async () => {
      const caseId = `case-${randomBytes(4).toString('hex')}`;
      const [a, b] = await w.seedCase(tenant, caseId, `7654321${String(randomBytes(4).readUInt32BE()).padStart(10, '0')}`);
      return { caseId, a: a!.slice(tenant.length + 1), b: b!.slice(tenant.length + 1) };
    };
    const [inOneBatch, inTwoBatches, halfPaid] = [await seeded(), await seeded(), await seeded()];
    const paid = (externalId: string, cents: number): TitleSpec => ({ movementCode: '06', nossoNumero: `1${randomBytes(3).readUIntBE(0, 3)}`, seuNumero: externalId, faceValueCents: cents, paidCents: cents, occurrenceDate: '12122026', creditDate: '13122026' });

    // Batches of two settlements: [one A, one B], [two A, half A], [two B]
    const titles = [paid(inOneBatch.a, 2_000), paid(inOneBatch.b, 3_000), paid(inTwoBatches.a, 2_000), paid(halfPaid.a, 2_000), paid(inTwoBatches.b, 3_000)];
    const result = await w.importer(2).importFile(tenant, fileOf(601, titles).join('\n'), { origin: 'upload' });

    expect(result.counts).toMatchObject({ settlements: 5, reconciled: 5 });
    const settled = w.sent.filter((m) => m.topic === CaseSettledV1.topic).map((m) => (m.envelope.data as { caseId: string; paidCents: number }));
    expect(settled.map((d) => [d.caseId, d.paidCents])).toEqual([
      [inOneBatch.caseId, 5_000],
      [inTwoBatches.caseId, 5_000],
    ]);
    expect((await w.db.collection('settled_cases').find({}).toArray()).map((d) => d._id).sort()).toEqual([inOneBatch.caseId, inTwoBatches.caseId].sort());

    // The same settlements again in another file (the bank sends them twice): repeats, and no case is settled again
    const again = await w.importer(2).importFile(tenant, fileOf(602, titles).join('\n'), { origin: 'upload' });
    expect(again.counts).toMatchObject({ settlements: 5, repeated: 5 });
    expect(w.sent.filter((m) => m.topic === CaseSettledV1.topic)).toHaveLength(2);
  });

  test('a case a batch settles is marked settled only once its event is published: when the publish fails nothing is marked, and the file applied again settles it once', async () => {
    const tenant = uniqueName('markafter');
    const w = await world();
    const caseId = `case-${randomBytes(4).toString('hex')}`;
    const [a, b] = (await w.seedCase(tenant, caseId, `7654321${String(randomBytes(4).readUInt32BE()).padStart(10, '0')}`)).map((id) => id.slice(tenant.length + 1));
    const paid = (externalId: string, cents: number): TitleSpec => ({ movementCode: '06', nossoNumero: `1${randomBytes(3).readUIntBE(0, 3)}`, seuNumero: externalId, faceValueCents: cents, paidCents: cents, occurrenceDate: '12122026', creditDate: '13122026' });
    const content = fileOf(701, [paid(a!, 2_000), paid(b!, 3_000)]).join('\n');
    const marks = async () => (await w.db.collection('settled_cases').find({}).toArray()).map((d) => d._id);

    w.failOn(1);
    await expect(w.importer(2).importFile(tenant, content, { origin: 'upload' })).rejects.toThrow('broker gone');
    expect(await marks()).toEqual([]);

    w.failOn(0);
    await w.importer(2).importFile(tenant, content, { origin: 'upload' });
    expect(w.sent.filter((m) => m.topic === CaseSettledV1.topic).map((m) => (m.envelope.data as { caseId: string }).caseId)).toEqual([caseId]);
    expect(await marks()).toEqual([caseId]);
  });

  test('a crash half-way leaves the file in processing with its progress; the retry applies it from the start and every payment counts once', async () => {
    const tenant = uniqueName('crash');
    const invoices = seedDocs(tenant, 1200);
    const w = await world();
    await seed(w.db, tenant, invoices);
    const content = fileOf(401, invoices.map(title)).join('\n');

    // Given the broker fails on the second batch's publish
    w.failOn(2);
    await expect(w.importer(500).importFile(tenant, content, { origin: 'inbox' })).rejects.toThrow('broker gone');

    // Then the file says it is in progress, one batch done
    const [file] = await w.db.db!.collection('cnab_files').find({}).toArray();
    expect(file).toMatchObject({ status: 'processing', progress: { settlementsApplied: 500, lines: 2406 } });
    expect(await w.db.db!.collection('payments').countDocuments({})).toBe(1000);

    // When it is taken again
    w.failOn(0);
    const result = await w.importer(500).importFile(tenant, content, { origin: 'inbox' });

    // Then it is processed, the payments recorded before count as repeats, and every invoice holds one payment
    expect(result.counts).toEqual({ settlements: 1200, reconciled: 1200, parked: 0, unmatched: 0, repeated: 1000, movements: 0 });
    const invoiceIds = (await w.db.db!.collection<Receivable>('receivables').find({}).toArray()).map((r) => r._id);
    const receivables = await w.ledger.findReceivables(invoiceIds);
    expect(receivables).toHaveLength(1200);
    expect(receivables.every((r) => r.payments.length === 1)).toBe(true);
    expect(await w.db.db!.collection('payments').countDocuments({})).toBe(1200);
    expect(new Set(w.sent.map((m) => m.envelope.id)).size).toBe(1200);
  });
});
