// Large CNAB 240 return files on the real broker and database: checked whole as a stream, then applied in batches.
import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '@regua/config';
import { invoiceId as toInvoiceId, PaymentReconciledV1, type EventOf } from '@regua/contracts';
import type { OutgoingMessage } from '@regua/kafka-bus';
import { connectMongo, type Connection } from '@regua/mongo';
import type { RunningService } from '@regua/service-kit';
import { createLogger } from '@regua/telemetry';
import { recordTopics, testEndpoints, uniqueName, waitFor } from '@regua/testing';
import { createSettlementBatches } from '../src/cnab-batch.ts';
import { createCnabImport } from '../src/cnab-import.ts';
import { ourNumberKey, settlementPayments } from '../src/domain/cnab-settlement.ts';
import { fileFingerprint, parseCnab240Return } from '../src/domain/cnab240.ts';
import { createReconciliation, receivedEvent } from '../src/reconciliation.ts';
import { PaymentReconciliationEnvSchema, startPaymentReconciliation } from '../src/service.ts';
import { createCnabFileProgress } from '../src/store/cnab-file-progress.ts';
import { createCnabFiles } from '../src/store/cnab-files.ts';
import { createLedger } from '../src/store/ledger.ts';
import { createParkedPayments } from '../src/store/parked-payments.ts';
import { overwrite, returnFile, type TitleSpec } from './support/cnab240-file.ts';

const NOW = new Date('2026-12-14T13:00:00Z');
const clock = { now: () => NOW };
const logger = createLogger({ service: 'cnab-large-test', level: 'silent' });

type Reconciled = EventOf<typeof PaymentReconciledV1>;
interface Receivable {
  _id: string;
  payments: Array<{ paymentId: string; amountCents: number }>;
}
interface CnabResponse {
  fileId: string;
  duplicate: boolean;
  counts: Record<string, number>;
  settlements: unknown[];
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
  const { kafkaBrokers, mongoUrl } = testEndpoints();
  const namespace = `${uniqueName('cnablarge')}.`;
  const tenant = uniqueName('bank');
  const apiKey = `key-${randomUUID()}`;
  let service: RunningService;
  let recorder: Awaited<ReturnType<typeof recordTopics>>;

  beforeAll(async () => {
    const env = loadConfig(PaymentReconciliationEnvSchema, {
      KAFKA_BROKERS: kafkaBrokers.join(','),
      MONGO_URL: mongoUrl,
      MONGO_DB: namespace.replace(/\W/g, '_'),
      KAFKA_NAMESPACE: namespace,
      KAFKA_TOPIC_PARTITIONS: '1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'silent',
      PAYMENT_API_KEYS: `${tenant}:${apiKey}`,
      PAYMENT_PARK_SWEEP_MS: '600000',
    });
    service = await startPaymentReconciliation(env, { clock, logger });
    recorder = await recordTopics(kafkaBrokers, [namespace + PaymentReconciledV1.topic]);
  });

  afterAll(async () => {
    await recorder?.stop();
    await service?.context.db.dropDatabase();
    await service?.stop();
  });

  const db = () => service.context.db.db!;
  const postCnab = (lines: string[]) => fetch(`http://127.0.0.1:${service.port}/v1/cnab240`, { method: 'POST', headers: { 'content-type': 'text/plain', 'x-api-key': apiKey }, body: `${lines.join('\r\n')}\r\n` });
  const receivablesOf = (invoices: Seeded[]) => Promise.all(invoices.map((inv) => db().collection<Receivable>('receivables').findOne({ _id: toInvoiceId(tenant, inv.externalId) })));

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
    const ofThisFile = () => recorder.messages.map((m) => m.json<Reconciled>()).filter((e) => e.correlationId === `cnab240:${body.fileId}`);
    await waitFor('every reconciliation published', () => ofThisFile().length >= 2497);
    expect(new Set(ofThisFile().map((e) => e.data.invoiceId)).size).toBe(2497);
    expect(ofThisFile().every((e) => e.data.settled)).toBe(true);
    expect(await db().collection('cnab_files').findOne({ _id: body.fileId as never })).toMatchObject({ status: 'processed', progress: { linesDone: 5000, lines: 5000, settlementsApplied: 2497 } });
    expect(await db().collection('cnab_file_entries').countDocuments({ fileId: body.fileId })).toBe(2497);

    // When the same file comes again
    const payments = await db().collection('payments').countDocuments({ tenant });
    const again = await postCnab(lines);

    // Then it is a duplicate, and nothing changed
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true, counts: { settlements: 2497, reconciled: 2497 } });
    expect(await db().collection('payments').countDocuments({ tenant })).toBe(payments);
    expect(await receivablesOf(invoices)).toEqual(receivables);
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
    const deps = { ledger, parked, publisher, clock, logger, source: 'payment-reconciliation', parkWindowHours: 72 };
    const stores = { files: createCnabFiles(db), progress: createCnabFileProgress(db), settlements: createSettlementBatches(deps) };
    const importer = (batchSize: number) => createCnabImport({ ...stores, clock, logger, source: 'payment-reconciliation.cnab240', batchSize });
    return { db, sent, ledger, reconciliation: createReconciliation(deps), importer, failOn: (call: number) => ((failOnCall = call), (calls = 0)) };
  }

  const snapshot = async (db: Connection) => {
    const all = async (name: string) => (await db.db!.collection(name).find({}).toArray()).map((d) => JSON.stringify(d)).sort();
    return { receivables: await all('receivables'), payments: await all('payments'), parked: await all('parked_payments'), exceptions: await all('payment_exceptions') };
  };

  test('the same small file gives the same receivables, payments, parking and events one by one and in batches', async () => {
    const tenant = uniqueName('eq');
    const invoices = seedDocs(tenant, 8);
    const [a, b, c, d] = invoices;
    const titles: TitleSpec[] = [
      ...invoices.map(title),
      // Two partial payments of one invoice on other days, a repeat of a payment within the file, a title nobody's.
      { ...title(a!, 0), paidCents: 300, creditDate: '14122026' },
      { ...title(a!, 0), paidCents: 200, creditDate: '15122026' },
      { ...title(b!, 1) },
      { ...title(c!, 2), nossoNumero: '4444', seuNumero: '' },
      { ...title(d!, 0), nossoNumero: '5555', seuNumero: 'NOBODY-1' },
      { movementCode: '02', nossoNumero: '77', seuNumero: 'X', faceValueCents: 5 },
    ];
    const content = fileOf(301, titles).join('\n');

    const oneByOne = await world();
    await seed(oneByOne.db, tenant, invoices);
    const context = { source: 'payment-reconciliation.cnab240', correlationId: `cnab240:${fileFingerprint(content).sha256}`, occurredAt: NOW };
    const parsed = parseCnab240Return(content);
    for (const p of settlementPayments(parsed).payments) await oneByOne.reconciliation.receive(receivedEvent(tenant, p.data, context), { ourNumber: p.ourNumber });

    const batched = await world();
    await seed(batched.db, tenant, invoices);
    const result = await batched.importer(4).importFile(tenant, content, { origin: 'upload' });

    expect(result.counts).toEqual({ settlements: 13, reconciled: 11, parked: 2, unmatched: 0, repeated: 1, movements: 1 });
    expect(await snapshot(batched.db)).toEqual(await snapshot(oneByOne.db));
    expect(batched.sent.map((m) => JSON.stringify(m))).toEqual(oneByOne.sent.map((m) => JSON.stringify(m)));
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
    const receivables = await w.db.db!.collection<Receivable>('receivables').find({}).toArray();
    expect(receivables.every((r) => r.payments.length === 1)).toBe(true);
    expect(await w.db.db!.collection('payments').countDocuments({})).toBe(1200);
    expect(new Set(w.sent.map((m) => m.envelope.id)).size).toBe(1200);
  });
});
