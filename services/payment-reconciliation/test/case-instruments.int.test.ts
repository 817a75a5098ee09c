// A case's own instruments on the real broker and database, with the bank stand-in: two invoices and their case
// planned → a Pix BR Code for the total and a boleto registered once with the bank, published as
// CaseInstrumentsIssued; a Pix payment of the case's txid settles both invoices; a redelivered plan registers nothing;
// a CNAB return file settling the case's boleto pays its invoices oldest first and settles the case.
import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { startBankStandIn, type BankStandIn } from '@regua/bank-standin';
import { loadConfig } from '@regua/config';
import { buildEnvelope, CaseInstrumentsIssuedV1, CasePlannedV1, CaseSettledV1, debtorKey, exampleInvoice, invoiceId as toInvoiceId, InvoiceRegisteredV1, PaymentReconciledV1, type EventOf } from '@regua/contracts';
import type { RunningService } from '@regua/service-kit';
import { createLogger } from '@regua/telemetry';
import { recordTopics, testEndpoints, uniqueName, waitFor, serviceTestEnv } from '@regua/testing';
import { parseBarcode, parseDigitableLine } from '../src/domain/boleto.ts';
import { decodeBrCode, txidFor } from '../src/domain/pix-brcode.ts';
import { pixSignature } from '../src/domain/pix-webhook.ts';
import { PaymentReconciliationEnvSchema, startPaymentReconciliation } from '../src/service.ts';
import { returnFile } from './support/cnab240-file.ts';
import { receivableAsRead } from './support/receivables.ts';

type Issued = EventOf<typeof CaseInstrumentsIssuedV1>;
type Reconciled = EventOf<typeof PaymentReconciledV1>;
type CaseSettled = EventOf<typeof CaseSettledV1>;

const NOW = new Date('2026-12-14T13:00:00Z');
const BANK_TOKEN = `bank-${randomUUID()}`;

describe("a case's own instruments: a Pix BR Code and a registered boleto", () => {
  const { kafkaBrokers } = testEndpoints();
  const namespace = `${uniqueName('instr')}.`;
  const tenant = uniqueName('bank');
  const pixSecret = `pix-secret-${randomUUID()}`;
  const apiKey = `key-${randomUUID()}`;
  let bank: BankStandIn;
  let service: RunningService;
  let producer: Producer;
  let recorder: Awaited<ReturnType<typeof recordTopics>>;
  const published = <T>(topic: string) => recorder.messages.filter((m) => m.topic === namespace + topic).map((m) => m.json<T>());
  const context = () => ({ id: randomUUID(), occurredAt: NOW, source: 'test', tenant, correlationId: randomUUID() });
  const send = (topic: string, key: string, envelope: unknown) => producer.send({ topic: namespace + topic, messages: [{ key, value: JSON.stringify(envelope) }] });
  /** Invoices of one debtor (the first one's), registered as ingestion publishes them; their ids in the same order. */
  async function registerForOneDebtor(...invoices: Array<ReturnType<typeof exampleInvoice>>) {
    const debtorId = invoices[0]!.debtor.externalId;
    const key = debtorKey(tenant, debtorId);
    const ids = invoices.map((i) => toInvoiceId(tenant, i.externalId));
    for (const [n, invoice] of invoices.entries()) await send(InvoiceRegisteredV1.topic, key, buildEnvelope(InvoiceRegisteredV1, context(), { invoiceId: ids[n]!, invoice, revision: 1 }));
    return { debtorId, key, ids };
  }

  beforeAll(async () => {
    bank = await startBankStandIn({ token: BANK_TOKEN, latencyMs: [5, 30], seed: 3 });
    const env = loadConfig(PaymentReconciliationEnvSchema, serviceTestEnv(namespace, {
      PAYMENT_PIX_WEBHOOK_SECRETS: `${tenant}:${pixSecret}`,
      PAYMENT_API_KEYS: `${tenant}:${apiKey}`,
      PAYMENT_BANK_URL: bank.url,
      PAYMENT_BANK_TOKEN: BANK_TOKEN,
      PAYMENT_BANK_AGREEMENT: '7654321',
    }));
    service = await startPaymentReconciliation(env, { clock: { now: () => NOW }, logger: createLogger({ service: 'case-instruments-test', level: 'silent' }) });
    recorder = await recordTopics(kafkaBrokers, [CaseInstrumentsIssuedV1.topic, PaymentReconciledV1.topic, CaseSettledV1.topic].map((t) => namespace + t));
    producer = new Kafka({ clientId: 'case-instruments-test', brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await recorder?.stop();
    await service?.context.db.dropDatabase();
    await service?.stop();
    await bank?.close();
  });

  test('given two open invoices and their case planned, then one Pix and one registered boleto for the total; a redelivered plan registers nothing; a Pix of the total settles both invoices', async () => {
    // Given two invoices of one debtor, registered as ingestion publishes them
    const older = exampleInvoice({ externalId: `INV-${randomBytes(5).toString('hex')}`, amountCents: 50_000, dueDate: '2026-11-05' });
    const newer = exampleInvoice({ externalId: `INV-${randomBytes(5).toString('hex')}`, amountCents: 30_000, dueDate: '2026-11-20' });
    const { debtorId, key, ids } = await registerForOneDebtor(older, newer);

    // When notification plans their case
    const caseId = `case-${randomUUID()}`;
    const planned = buildEnvelope(CasePlannedV1, context(), { caseId, debtorId, joinedInvoiceIds: ids, openInvoiceIds: ids, strategy: 'default', segment: 'medium_risk', arm: 'control', cadenceId: null, cadenceVersion: 0, nextContact: null });
    await send(CasePlannedV1.topic, key, planned);

    // Then CaseInstrumentsIssued carries a Pix BR Code and a registered boleto for the 800,00 open, due in 5 days
    const issued = await waitFor('CaseInstrumentsIssued', () => published<Issued>(CaseInstrumentsIssuedV1.topic).find((e) => e.data.caseId === caseId));
    const txid = txidFor({ caseId }, 'static');
    expect(issued.data).toMatchObject({ caseId, debtorId, instrumentsVersion: 1, invoiceIds: ids, amountCents: 80_000, dueDate: '2026-12-19', pix: { txid } });
    expect(issued.correlationId).toBe(planned.correlationId);
    expect(decodeBrCode(issued.data.pix.copyPaste)).toMatchObject({ kind: 'static', amountCents: 80_000, txid });
    const boleto = issued.data.boleto!;
    expect(boleto.ourNumber).toMatch(/^7654321\d{10}$/);
    expect(parseDigitableLine(boleto.digitableLine)).toBe(boleto.barcode);
    expect(parseBarcode(boleto.barcode)).toMatchObject({ bankCode: '001', amountCents: 80_000 });
    expect(bank.registrations(`000${boleto.ourNumber}`)).toBe(1);

    // When the plan is delivered again (a redelivery), then notification plans the case again unchanged
    const issuedFor = () => published<Issued>(CaseInstrumentsIssuedV1.topic).filter((e) => e.data.caseId === caseId);
    await send(CasePlannedV1.topic, key, planned);
    await waitFor('the redelivered plan handled', () => issuedFor().length >= 2);
    await send(CasePlannedV1.topic, key, { ...planned, id: randomUUID() });

    // Then the same instruments are published again under the same event id, and the bank saw one registration
    await waitFor('the plans handled again', () => issuedFor().length >= 3);
    const all = published<Issued>(CaseInstrumentsIssuedV1.topic).filter((e) => e.data.caseId === caseId);
    expect(new Set(all.map((e) => e.id))).toEqual(new Set([issued.id]));
    expect(bank.requests().filter((r) => r.method === 'POST' && r.path === '/cobrancas/v2/boletos')).toHaveLength(1);

    // When the debtor pays the case's Pix for the total (the PSP's signed webhook with the case's txid)
    const body = JSON.stringify({ pix: [{ endToEndId: `E12345678202612141300${randomBytes(8).toString('hex').slice(0, 11)}`, txid, valor: '800.00', horario: NOW.toISOString() }] });
    const paid = await fetch(`http://127.0.0.1:${service.port}/v1/webhooks/pix/${tenant}/pix`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-regua-signature': pixSignature(body, pixSecret) }, body });

    // Then the payment is spread over the case's invoices, oldest first, and both are reconciled as settled
    expect(paid.status).toBe(200);
    expect(((await paid.json()) as { results: unknown[] }).results).toEqual([expect.objectContaining({ outcome: 'reconciled', caseId, invoiceIds: ids, repeated: false })]);
    const reconciled = await waitFor('PaymentReconciled for both invoices', () => {
      const found = published<Reconciled>(PaymentReconciledV1.topic).filter((e) => ids.includes(e.data.invoiceId));
      return found.length >= 2 && found;
    });
    expect(reconciled.map((e) => e.data).sort((a, b) => a.invoiceId.localeCompare(b.invoiceId))).toEqual(
      [
        { invoiceId: ids[0]!, amountCents: 50_000 },
        { invoiceId: ids[1]!, amountCents: 30_000 },
      ]
        .map((p) => ({ ...p, paymentId: expect.any(String), debtorId, paidTotalCents: p.amountCents, outstandingCents: 0, settled: true, paidAt: expect.any(String) }))
        .sort((a, b) => a.invoiceId.localeCompare(b.invoiceId)),
    );
  });

  test("given a case's two plans in one run (a second invoice joining), then instruments are issued once, for both invoices: no boleto for the first plan alone", async () => {
    const first = exampleInvoice({ externalId: `INV-${randomBytes(5).toString('hex')}`, amountCents: 12_000, dueDate: '2026-11-03' });
    const second = exampleInvoice({ externalId: `INV-${randomBytes(5).toString('hex')}`, amountCents: 8_000, dueDate: '2026-11-09' });
    const { debtorId, key, ids } = await registerForOneDebtor(first, second);
    const caseId = `case-${randomUUID()}`;
    const plan = (joined: string[], open: string[]) => ({ value: JSON.stringify(buildEnvelope(CasePlannedV1, context(), { caseId, debtorId, joinedInvoiceIds: joined, openInvoiceIds: open, strategy: 'default', segment: 'medium_risk', arm: 'control', cadenceId: null, cadenceVersion: 0, nextContact: null })), key });

    // One send: both plans are appended together, so they reach the consumer in one run
    await producer.send({ topic: namespace + CasePlannedV1.topic, messages: [plan([ids[0]!], [ids[0]!]), plan([ids[1]!], ids)] });

    const issued = await waitFor('CaseInstrumentsIssued for the case', () => published<Issued>(CaseInstrumentsIssuedV1.topic).find((e) => e.data.caseId === caseId));
    expect(issued.data).toMatchObject({ instrumentsVersion: 1, invoiceIds: ids, amountCents: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(published<Issued>(CaseInstrumentsIssuedV1.topic).filter((e) => e.data.caseId === caseId)).toHaveLength(1);
    expect(bank.registrations(`000${issued.data.boleto!.ourNumber}`)).toBe(1);
  });

  test('given a case partly paid through its Pix, then planning it again issues version 2 for what is left (new txid, new boleto) and writes the first boleto off', async () => {
    const invoice = exampleInvoice({ externalId: `INV-${randomBytes(5).toString('hex')}`, amountCents: 40_000, dueDate: '2026-11-10', debtor: { ...exampleInvoice().debtor, externalId: `CUST-${randomBytes(4).toString('hex')}` } });
    const { debtorId, key, ids } = await registerForOneDebtor(invoice);
    const invoiceId = ids[0]!;
    const caseId = `case-${randomUUID()}`;
    const plan = () => buildEnvelope(CasePlannedV1, context(), { caseId, debtorId, joinedInvoiceIds: [invoiceId], openInvoiceIds: [invoiceId], strategy: 'default', arm: 'control', cadenceId: null, cadenceVersion: 0, nextContact: null });
    const issuedFor = (version: number) => waitFor(`instruments version ${version}`, () => published<Issued>(CaseInstrumentsIssuedV1.topic).find((e) => e.data.caseId === caseId && e.data.instrumentsVersion === version));
    await send(CasePlannedV1.topic, key, plan());
    const first = await issuedFor(1);

    // When the debtor pays 100,00 of the 400,00 by the case's Pix
    const body = JSON.stringify({ pix: [{ endToEndId: `E12345678202612141300${randomBytes(8).toString('hex').slice(0, 11)}`, txid: first.data.pix.txid, valor: '100.00', horario: NOW.toISOString() }] });
    await fetch(`http://127.0.0.1:${service.port}/v1/webhooks/pix/${tenant}/pix`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-regua-signature': pixSignature(body, pixSecret) }, body });
    await waitFor('partial PaymentReconciled', () => published<Reconciled>(PaymentReconciledV1.topic).find((e) => e.data.invoiceId === invoiceId && e.data.outstandingCents === 30_000));

    // And the case is planned again
    await send(CasePlannedV1.topic, key, plan());

    // Then version 2 stands for 300,00 with its own txid and boleto, and the first boleto is written off at the bank
    const second = await issuedFor(2);
    expect(second.data).toMatchObject({ amountCents: 30_000, instrumentsVersion: 2 });
    expect(second.data.pix.txid).not.toBe(first.data.pix.txid);
    expect(decodeBrCode(second.data.pix.copyPaste)).toMatchObject({ amountCents: 30_000, txid: second.data.pix.txid });
    expect(second.data.boleto!.ourNumber).not.toBe(first.data.boleto!.ourNumber);
    expect(parseBarcode(parseDigitableLine(second.data.boleto!.digitableLine))).toMatchObject({ amountCents: 30_000 });
    await waitFor('first boleto written off', () => bank.boletos().find((b) => b.numero === `000${first.data.boleto!.ourNumber}`)?.status === 'BAIXADO');

    // And the stored instruments say so: each boleto write starts from the one before it, none undoes another
    const stored = (await service.context.db.collection('case_instruments').findOne({ _id: caseId as never })) as unknown as { current: number; versions: Array<{ version: number; boleto?: { status: string; ourNumber: string } }> };
    expect(stored.current).toBe(2);
    expect(stored.versions.map((v) => [v.version, v.boleto?.status, v.boleto?.ourNumber])).toEqual([
      [1, 'BAIXADO', first.data.boleto!.ourNumber],
      [2, 'REGISTRADO', second.data.boleto!.ourNumber],
    ]);
  });

  test("given a case's boleto registered with the bank, when CNAB return files settle it in two payments, then its invoices are paid oldest first and the last payment settles the case", async () => {
    // Given two invoices of one debtor and their case planned, with its boleto registered at the bank stand-in
    const debtor = { ...exampleInvoice().debtor, externalId: `CUST-${randomBytes(4).toString('hex')}` };
    const older = exampleInvoice({ externalId: `INV-${randomBytes(5).toString('hex')}`, amountCents: 50_000, dueDate: '2026-11-05', debtor });
    const newer = exampleInvoice({ externalId: `INV-${randomBytes(5).toString('hex')}`, amountCents: 30_000, dueDate: '2026-11-20', debtor });
    // Sent newest first: the allocation goes by due date, not by arrival.
    const registered = await registerForOneDebtor(newer, older);
    const key = registered.key;
    const ids = [registered.ids[1]!, registered.ids[0]!];
    const caseId = `case-${randomUUID()}`;
    await send(CasePlannedV1.topic, key, buildEnvelope(CasePlannedV1, context(), { caseId, debtorId: debtor.externalId, joinedInvoiceIds: ids, openInvoiceIds: ids, strategy: 'default', arm: 'control', cadenceId: null, cadenceVersion: 0, nextContact: null }));
    const issued = await waitFor('CaseInstrumentsIssued with a boleto', () => published<Issued>(CaseInstrumentsIssuedV1.topic).find((e) => e.data.caseId === caseId && e.data.boleto));
    const ourNumber = issued.data.boleto!.ourNumber;
    const db = service.context.db.db!;
    for (const id of ids) await waitFor(`invoice ${id} linked to its case`, () => db.collection('receivables').findOne({ _id: id as never, caseId }));
    // The seu número the bank holds for the boleto (Régua's own), which its return files carry.
    const seuNumeroAtBank = bank.boletos().find((b) => b.numero === `000${ourNumber}`)?.request.seuNumero;
    expect(seuNumeroAtBank).toMatch(/^RGA\d{10}$/);
    const upload = async (nsa: number, paidCents: number, creditDate: string, seuNumero = '') => {
      const lines = returnFile({ nsa, batches: [[{ movementCode: '06', nossoNumero: ourNumber, seuNumero, faceValueCents: 80_000, paidCents, occurrenceDate: creditDate, creditDate }]] });
      const response = await fetch(`http://127.0.0.1:${service.port}/v1/cnab240`, { method: 'POST', headers: { 'content-type': 'text/plain', 'x-api-key': apiKey }, body: `${lines.join('\r\n')}\r\n` });
      expect(response.status).toBe(200);
      return (await response.json()) as { counts: Record<string, number>; settlements: Array<{ outcome: string; invoiceId?: string }> };
    };
    const receivable = (id: string) => receivableAsRead(db, id);
    const settledOf = () => published<CaseSettled>(CaseSettledV1.topic).filter((e) => e.data.caseId === caseId);

    // When a file settles 600,00 of the boleto (it names no invoice: nosso número only)
    const first = await upload(71, 60_000, '13122026');

    // Then the oldest invoice is paid in full, the newer one in part, and the case is not settled
    expect(first.counts).toMatchObject({ settlements: 1, reconciled: 1, parked: 0, unmatched: 0 });
    expect(first.settlements[0]).toMatchObject({ outcome: 'reconciled', invoiceId: ids[0] });
    expect((await receivable(ids[0]!))!.payments.map((p) => p.amountCents)).toEqual([50_000]);
    expect((await receivable(ids[1]!))!.payments.map((p) => p.amountCents)).toEqual([10_000]);
    expect(await db.collection('parked_payments').countDocuments({ tenant })).toBe(0);

    // When another file settles the 200,00 left, naming the boleto by Régua's seu número as well
    const second = await upload(72, 20_000, '14122026', seuNumeroAtBank);

    // Then the newer invoice is settled too, and CaseSettled is published once, for both invoices
    expect(second.counts).toMatchObject({ reconciled: 1, parked: 0, unmatched: 0 });
    expect((await receivable(ids[1]!))!.payments.map((p) => p.amountCents)).toEqual([10_000, 20_000]);
    const [settled] = await waitFor('CaseSettled', () => (settledOf().length > 0 ? settledOf() : undefined));
    expect(settled!.data).toMatchObject({ caseId, debtorId: debtor.externalId, invoiceIds: ids, paidCents: 80_000 });
    const reconciled = await waitFor('three PaymentReconciled', () => {
      const found = published<Reconciled>(PaymentReconciledV1.topic).filter((e) => ids.includes(e.data.invoiceId));
      return found.length >= 3 && found;
    });
    expect(reconciled.map((e) => [e.data.invoiceId, e.data.amountCents, e.data.settled])).toEqual([
      [ids[0], 50_000, true],
      [ids[1], 10_000, false],
      [ids[1], 20_000, true],
    ]);
    expect(settledOf()).toHaveLength(1);
  });
});
