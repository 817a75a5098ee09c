// The HTTP payment doors (Pix webhook, CNAB 240 upload) and the CNAB inbox, on the real broker and database: each
// payment is matched by the same code as the Kafka doors, and counts once whatever the retries.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { loadConfig } from '@regua/config';
import { buildEnvelope, debtorKey, exampleInvoice, invoiceId as toInvoiceId, InvoiceRegisteredV1, PaymentReconciledV1, type EventOf, type Invoice } from '@regua/contracts';
import type { RunningService } from '@regua/service-kit';
import { createLogger } from '@regua/telemetry';
import { recordTopics, testEndpoints, uniqueName, waitFor, serviceTestEnv } from '@regua/testing';
import { pixSignature } from '../src/domain/pix-webhook.ts';
import { PaymentReconciliationEnvSchema, startPaymentReconciliation } from '../src/service.ts';
import { overwrite, returnFile, type TitleSpec } from './support/cnab240-file.ts';
import { receivableAsRead } from './support/receivables.ts';

const NOW = new Date('2026-12-14T13:00:00Z');

type Reconciled = EventOf<typeof PaymentReconciledV1>;
interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ path: string; message: string; line?: number; column?: number }> };
}
interface PixResponse {
  received: number;
  results: Array<{ endToEndId: string; outcome: string; invoiceId?: string; repeated: boolean }>;
}
interface CnabResponse {
  fileId: string;
  duplicate: boolean;
  counts: Record<string, number>;
  settlements: Array<{ line: number; paymentId: string; outcome: string; invoiceId?: string }>;
  movements: Array<{ line: number; movementCode: string }>;
}

/** A fresh endToEndId: E, an ISPB, yyyyMMddHHmm, 11 letters or digits. */
const endToEndId = () => `E12345678202612141300${randomBytes(8).toString('hex').slice(0, 11)}`;
const txid = () => `RG${randomUUID().replace(/-/g, '')}`.slice(0, 30);
/** Fits seu número (15 characters). */
const externalId = () => `INV-${randomBytes(5).toString('hex')}`;

describe('payments over HTTP: the Pix webhook and CNAB 240 return files', () => {
  const { kafkaBrokers } = testEndpoints();
  const namespace = `${uniqueName('paysrc')}.`;
  const tenant = uniqueName('bank');
  const apiKey = `key-${randomUUID()}`;
  const secret = `pix-secret-${randomUUID()}`;
  const kafka = new Kafka({ clientId: 'payment-sources-test', brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
  let inbox: string;
  let service: RunningService;
  let producer: Producer;
  let recorder: Awaited<ReturnType<typeof recordTopics>>;

  beforeAll(async () => {
    inbox = await mkdtemp(join(tmpdir(), 'regua-cnab-inbox-'));
    await mkdir(join(inbox, tenant));
    const env = loadConfig(PaymentReconciliationEnvSchema, serviceTestEnv(namespace, {
      PAYMENT_API_KEYS: `${tenant}:${apiKey}`,
      PAYMENT_PIX_WEBHOOK_SECRETS: `${tenant}:${secret}`,
      PAYMENT_CNAB_INBOX_DIR: inbox,
      PAYMENT_CNAB_INBOX_INTERVAL_MS: '200',
      PAYMENT_CNAB_INBOX_SETTLE_MS: '0',
      PAYMENT_PARK_SWEEP_MS: '200',
    }));
    service = await startPaymentReconciliation(env, { clock: { now: () => NOW }, logger: createLogger({ service: 'payment-sources-test', level: 'silent' }) });
    recorder = await recordTopics(kafkaBrokers, [namespace + PaymentReconciledV1.topic]);
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await recorder?.stop();
    await service?.context.db.dropDatabase();
    await service?.stop();
    if (inbox) await rm(inbox, { recursive: true, force: true });
  });

  const db = () => service.context.db.db!;
  const receivable = (externalId: string) => receivableAsRead(db(), toInvoiceId(tenant, externalId));
  const reconciledOf = (paymentId: string) => recorder.messages.filter((m) => m.json<Reconciled>().data.paymentId === paymentId).map((m) => m.json<Reconciled>());
  const url = (path: string) => `http://127.0.0.1:${service.port}${path}`;

  /** Registers invoices the way ingestion does (an InvoiceRegistered event) and waits until the ledger has them. */
  async function register(...invoices: Invoice[]): Promise<void> {
    await producer.send({
      topic: namespace + InvoiceRegisteredV1.topic,
      messages: invoices.map((invoice) => ({
        key: debtorKey(tenant, invoice.debtor.externalId),
        value: JSON.stringify(buildEnvelope(InvoiceRegisteredV1, { id: randomUUID(), occurredAt: NOW, source: 'test', tenant, correlationId: randomUUID() }, { invoiceId: toInvoiceId(tenant, invoice.externalId), invoice, revision: 1 })),
      })),
    });
    for (const invoice of invoices) await waitFor(`invoice ${invoice.externalId} in the ledger`, () => receivable(invoice.externalId));
  }

  const postPix = (body: unknown, options: { signWith?: string; to?: string } = {}) => {
    const raw = JSON.stringify(body);
    return fetch(url(`/v1/webhooks/pix/${options.to ?? tenant}/pix`), { method: 'POST', headers: { 'content-type': 'application/json', 'x-regua-signature': pixSignature(raw, options.signWith ?? secret) }, body: raw });
  };
  const postCnab = (lines: string[], headers: Record<string, string> = { 'x-api-key': apiKey }) =>
    fetch(url('/v1/cnab240'), { method: 'POST', headers: { 'content-type': 'text/plain', ...headers }, body: `${lines.join('\r\n')}\r\n` });

  describe('the Pix webhook', () => {
    test('a signed receipt of a charge reconciles its invoice by txid, and the same endToEndId sent again (even with another valor) counts once', async () => {
      const invoice = exampleInvoice({ externalId: externalId(), amountCents: 20_000, paymentInstruments: { pix: { txid: txid() } } });
      await register(invoice);
      const receipt = { endToEndId: endToEndId(), txid: invoice.paymentInstruments!.pix!.txid, valor: '100.00', horario: '2026-12-14T12:59:00.000Z', infoPagador: 'parcela 1' };

      // When the PSP posts the receipt
      const first = await postPix({ pix: [receipt] });

      // Then it is matched at once and the reconciliation is published: half paid
      expect(first.status).toBe(200);
      expect(await first.json()).toEqual({ received: 1, results: [{ endToEndId: receipt.endToEndId, outcome: 'reconciled', invoiceId: toInvoiceId(tenant, invoice.externalId), repeated: false }] });
      const [reconciled] = await waitFor('reconciliation', () => reconciledOf(receipt.endToEndId).length > 0 && reconciledOf(receipt.endToEndId));
      expect(reconciled!.data).toMatchObject({ amountCents: 10_000, paidTotalCents: 10_000, outstandingCents: 10_000, settled: false, paidAt: receipt.horario });

      // When the PSP retries it, once as it was and once with another valor
      const again = await postPix({ pix: [receipt, { ...receipt, valor: '200.00' }] });

      // Then it is answered 200 as a repeat, and the invoice still counts one payment of 100.00
      expect(again.status).toBe(200);
      expect(((await again.json()) as PixResponse).results.map((r) => [r.outcome, r.repeated])).toEqual([['reconciled', true], ['reconciled', true]]);
      expect((await receivable(invoice.externalId))!.payments).toEqual([{ paymentId: receipt.endToEndId, amountCents: 10_000 }]);
      expect(await db().collection('payments').countDocuments({ paymentId: receipt.endToEndId })).toBe(1);
      await waitFor('the repeats published', () => reconciledOf(receipt.endToEndId).length >= 3);
      expect(new Set(reconciledOf(receipt.endToEndId).map((e) => JSON.stringify([e.id, e.data.paidTotalCents])))).toEqual(new Set([JSON.stringify([reconciled!.id, 10_000])]));
    });

    test('a receipt without txid has nothing to match on: acknowledged, and in the operators\' queue at once', async () => {
      const receipt = { endToEndId: endToEndId(), valor: '0.01', horario: '2026-12-14T12:00:00-03:00' };

      const response = await postPix({ pix: [receipt] });

      expect(response.status).toBe(200);
      expect(((await response.json()) as PixResponse).results).toEqual([{ endToEndId: receipt.endToEndId, outcome: 'unmatched', repeated: false }]);
      expect(await db().collection('payment_exceptions').findOne({ _id: `${tenant}:${receipt.endToEndId}` as never })).toMatchObject({ amountCents: 1, reason: 'the payment carries no invoice id, Pix txid or nosso número to match on' });
    });

    test('a wrong signature, another tenant\'s secret, a tenant without one or no signature at all: 401, and nothing recorded', async () => {
      const receipt = { endToEndId: endToEndId(), txid: txid(), valor: '10.00', horario: '2026-12-14T12:00:00Z' };
      const raw = JSON.stringify({ pix: [receipt] });

      const refused = [
        await postPix({ pix: [receipt] }, { signWith: 'not-the-tenant-secret' }),
        await postPix({ pix: [receipt] }, { to: uniqueName('nobody') }),
        await fetch(url(`/v1/webhooks/pix/${tenant}/pix`), { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw }),
        await fetch(url(`/v1/webhooks/pix/${tenant}/pix`), { method: 'POST', headers: { 'content-type': 'application/json', 'x-regua-signature': pixSignature(raw, secret) }, body: `${raw} ` }),
      ];

      expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401]);
      expect(((await refused[0]!.json()) as ErrorBody).error.code).toBe('unauthorized');
      expect(await db().collection('payments').countDocuments({ paymentId: receipt.endToEndId })).toBe(0);
    });

    test('a signed call with a malformed receipt: 400 naming each field by its path, and nothing recorded', async () => {
      const good = { endToEndId: endToEndId(), txid: txid(), valor: '10.00', horario: '2026-12-14T12:00:00Z' };

      const response = await postPix({ pix: [good, { ...good, endToEndId: 'E123', valor: '10,00' }] });

      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).error.details!.map((d) => d.path)).toEqual(['pix[1].endToEndId', 'pix[1].valor']);
      expect(await db().collection('payments').countDocuments({ paymentId: good.endToEndId })).toBe(0);
    });
  });

  describe('CNAB 240 return files', () => {
    const bySeuNumero = exampleInvoice({ externalId: externalId(), amountCents: 125_925 });
    const byNossoNumero = exampleInvoice({ externalId: externalId(), amountCents: 50_000, paymentInstruments: { boleto: { ourNumber: '7770001' } } });
    const settled = (invoice: Invoice, spec: Partial<TitleSpec> = {}): TitleSpec => ({ movementCode: '06', nossoNumero: `1234567${randomBytes(4).toString('hex')}`, seuNumero: invoice.externalId, faceValueCents: invoice.amountCents, paidCents: invoice.amountCents, occurrenceDate: '12122026', creditDate: '13122026', ...spec });
    let file: string[];

    beforeAll(async () => {
      await register(bySeuNumero, byNossoNumero);
      file = returnFile({
        nsa: 101,
        batches: [[settled(bySeuNumero), { movementCode: '02', nossoNumero: '99', seuNumero: 'INV-OTHER', faceValueCents: 7000 }], [settled(byNossoNumero, { seuNumero: '', nossoNumero: '00000000000007770001' })]],
      });
    });

    test('a file settles one invoice by seu número and another by nosso número; the entry confirmation is recorded, not applied', async () => {
      const response = await postCnab(file);

      expect(response.status).toBe(200);
      const body = (await response.json()) as CnabResponse;
      expect(body).toMatchObject({ duplicate: false, counts: { settlements: 2, reconciled: 2, parked: 0, unmatched: 0, repeated: 0, movements: 1 }, movements: [{ line: 5, movementCode: '02' }] });
      expect(body.settlements.map((s) => [s.line, s.outcome, s.invoiceId])).toEqual([
        [3, 'reconciled', toInvoiceId(tenant, bySeuNumero.externalId)],
        [9, 'reconciled', toInvoiceId(tenant, byNossoNumero.externalId)],
      ]);
      for (const settlement of body.settlements) {
        const [event] = await waitFor(`reconciliation of ${settlement.paymentId}`, () => reconciledOf(settlement.paymentId).length > 0 && reconciledOf(settlement.paymentId));
        expect(event!.data).toMatchObject({ invoiceId: settlement.invoiceId, settled: true, outstandingCents: 0, paidAt: '2026-12-12T00:00:00-03:00' });
      }
      expect(await db().collection('cnab_files').findOne({ _id: body.fileId as never })).toMatchObject({ tenant, status: 'processed', fileSequence: 101, counts: { settlements: 2, reconciled: 2 }, movements: [{ movementCode: '02', seuNumero: 'INV-OTHER' }] });
    });

    test('the same file again, even with other line ends, is a duplicate: 200 with duplicate: true, and nothing applied', async () => {
      const payments = await db().collection('payments').countDocuments({ tenant });

      const again = await fetch(url('/v1/cnab240'), { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'x-api-key': apiKey }, body: file.join('\n') });

      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ duplicate: true, counts: { settlements: 2, reconciled: 2 } });
      expect(await db().collection('payments').countDocuments({ tenant })).toBe(payments);
      expect((await receivable(bySeuNumero.externalId))!.payments).toHaveLength(1);
      expect((await receivable(byNossoNumero.externalId))!.payments).toHaveLength(1);
    });

    test('another file with a sequence number (NSA) already processed: 409, and nothing applied', async () => {
      const late = exampleInvoice({ externalId: externalId(), amountCents: 1000 });
      await register(late);

      const response = await postCnab(returnFile({ nsa: 101, batches: [[settled(late)]] }));

      expect(response.status).toBe(409);
      expect(((await response.json()) as ErrorBody).error.message).toContain('sequence number (NSA) 101');
      expect((await receivable(late.externalId))!.payments ?? []).toEqual([]);
    });

    test('a malformed file: 422 with every problem\'s line and column, nothing applied, and the corrected file is accepted afterwards', async () => {
      const invoice = exampleInvoice({ externalId: externalId(), amountCents: 2000 });
      await register(invoice);
      const good = returnFile({ nsa: 102, batches: [[settled(invoice)]] });
      const broken = [...good];
      broken[2] = overwrite(broken[2]!, 90, 'X');
      broken[3] = broken[3]!.slice(0, 200);

      const response = await postCnab(broken);

      expect(response.status).toBe(422);
      expect(((await response.json()) as ErrorBody).error.details!.map(({ line, column, message }) => ({ line, column, message }))).toEqual([
        { line: 3, column: 90, message: 'faceValue (82–96) must be numeric, found "X" at column 90' },
        { line: 4, column: 201, message: 'line has 200 characters, expected 240' },
      ]);
      expect((await receivable(invoice.externalId))!.payments ?? []).toEqual([]);
      expect((await postCnab(good)).status).toBe(200);
    });

    test('a settlement known only by its nosso número, ahead of its invoice, is parked, then reconciled once the invoice arrives', async () => {
      const invoice = exampleInvoice({ externalId: externalId(), amountCents: 4000, paymentInstruments: { boleto: { ourNumber: `88${randomBytes(4).toString('hex')}` } } });

      const response = await postCnab(returnFile({ nsa: 104, batches: [[settled(invoice, { seuNumero: '', nossoNumero: invoice.paymentInstruments!.boleto!.ourNumber! })]] }));

      expect(response.status).toBe(200);
      const [settlement] = ((await response.json()) as CnabResponse).settlements;
      expect(settlement).toMatchObject({ outcome: 'parked' });
      await register(invoice);
      const [event] = await waitFor('the parked settlement reconciled', () => reconciledOf(settlement!.paymentId).length > 0 && reconciledOf(settlement!.paymentId));
      expect(event!.data).toMatchObject({ invoiceId: toInvoiceId(tenant, invoice.externalId), settled: true });
    });

    test('without the tenant\'s API key: 401', async () => {
      expect((await postCnab(file, {})).status).toBe(401);
      expect((await postCnab(file, { 'x-api-key': 'not-a-key-of-anyone' })).status).toBe(401);
    });

    test('the inbox: a good file is applied and moved to processed/, a broken one to rejected/ with its errors beside it', async () => {
      const invoice = exampleInvoice({ externalId: externalId(), amountCents: 3000 });
      await register(invoice);
      const folder = join(inbox, tenant);
      const good = returnFile({ nsa: 103, batches: [[settled(invoice)]] });
      const broken = [...good];
      broken[3] = overwrite(broken[3]!, 146, '31022026');

      // Written under another name and renamed, as an SFTP server finishing an upload does: never seen half-written.
      const drop = async (name: string, lines: string[]) => {
        await writeFile(join(folder, `${name}.part`), `${lines.join('\r\n')}\r\n`, 'latin1');
        await rename(join(folder, `${name}.part`), join(folder, name));
      };
      await drop('CB141201.RET', broken);
      await drop('CB141202.ret', good);

      await waitFor('the good file processed', () => existsSync(join(folder, 'processed', 'CB141202.ret')));
      await waitFor('the broken file rejected', () => existsSync(join(folder, 'rejected', 'CB141201.RET.errors.json')));
      expect(await readdir(folder)).toEqual(expect.not.arrayContaining(['CB141201.RET', 'CB141202.ret']));
      const errors = JSON.parse(await readFile(join(folder, 'rejected', 'CB141201.RET.errors.json'), 'utf8')) as { errors: unknown[] };
      expect(errors.errors).toEqual([{ line: 4, column: 146, message: 'creditDate (146–153) is not a calendar date as DDMMAAAA: 31022026' }]);
      await waitFor('the inbox file reconciled', async () => ((await receivable(invoice.externalId))?.payments ?? []).length === 1);
    });
  });

  test('GET /openapi.json documents both doors', async () => {
    const document = (await (await fetch(url('/openapi.json'))).json()) as { paths: Record<string, unknown> };

    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/webhooks/pix/{tenant}/pix', '/v1/cnab240']));
  });
});
