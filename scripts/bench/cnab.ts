// `pnpm bench:cnab [--lines 100000] [--store postgresql|sqlite] [--in-cases]`: one CNAB 240 return file of that many lines
// uploaded to payment-reconciliation, run as its own process (as `pnpm stack` runs it, with its 128 MB heap cap) on its
// own Kafka and FerretDB on free ports. Seeds one receivable per settlement (with `--in-cases`, two by two in Régua's
// cases, so that each settlement also checks whether its case is settled), then reports how long the file took to check
// and to apply, lines per second, and the service's peak RSS. Writes .cache/bench/cnab-<timestamp>.json.
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { createRegistryTopics } from '@regua/kafka-bus';
import { cacheDir, freePort, localServiceEnv, parseStoreBackend, spawnService, startLocalInfra, waitServiceReady } from '@regua/local-infra';
import { ourNumberKey } from '../../services/payment-reconciliation/src/domain/cnab-settlement.ts';
import { returnFile, type TitleSpec } from '../../services/payment-reconciliation/test/support/cnab240-file.ts';
import { parseProcStatus } from './stats.ts';

const TENANT = 'bench-bank';
const API_KEY = 'bench-cnab-key-0123456789abcdef0123';
const BATCHES = 4;
const TARGET_S = 60;

const { values } = parseArgs({ options: { lines: { type: 'string', default: '100000' }, store: { type: 'string' }, 'in-cases': { type: 'boolean', default: false } } });
const inCases = values['in-cases'];
const lines = Number(values.lines);
const titlesCount = (lines - 2 - 2 * BATCHES) / 2;
if (!Number.isInteger(titlesCount) || titlesCount < BATCHES) throw new Error(`--lines must be even and at least ${2 + 4 * BATCHES}`);
const storeBackend = parseStoreBackend(values.store);
const say = (line: string) => console.log(`[bench:cnab] ${line}`);
const ms = (since: number) => Date.now() - since;

const baseDir = await mkdtemp(join(tmpdir(), 'regua-bench-cnab-'));
const [kafkaPort, kafkaControllerPort, mongoPort, httpPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
const infra = await startLocalInfra({ baseDir, kafkaPort, kafkaControllerPort, mongoPort, storeBackend });
let service: ReturnType<typeof spawnService> | undefined;
const stopAll = async () => {
  if (service && service.exitCode === null) {
    service.kill('SIGTERM');
    await new Promise((resolve) => service!.once('exit', resolve));
  }
  await infra.stop();
  await rm(baseDir, { recursive: true, force: true });
};
process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));

try {
  say(`Kafka ${infra.kafkaBrokers.join(',')} and FerretDB (${storeBackend}) ${infra.mongoUrl} up`);
  await createRegistryTopics(infra.kafkaBrokers);

  // One receivable per settlement, as registrations write them: two in three matched by seu número, one in three by
  // nosso número only. In no case, or (`--in-cases`) two by two in a case of their debtor, as notification plans them.
  const run = Date.now().toString(36);
  const invoices = Array.from({ length: titlesCount }, (_, i) => ({ id: `${TENANT}:B${run}-${i}`, externalId: `B${run}-${i}`, ourNumber: `8${String(i).padStart(9, '0')}`, amountCents: 1000 + (i % 50_000), debtorId: `${TENANT}:D${Math.floor(i / 2)}`, caseId: inCases ? `case-${run}-${Math.floor(i / 2)}` : null }));
  const caseMembers = Map.groupBy(invoices, (inv) => inv.caseId);
  const seedStarted = Date.now();
  const db = await mongoose.createConnection(infra.mongoUrl, { dbName: 'regua_payment_reconciliation' }).asPromise();
  for (let i = 0; i < invoices.length; i += 1000) {
    const chunk = invoices.slice(i, i + 1000);
    await db.collection('receivables').insertMany(
      chunk.map((inv) => ({
        _id: inv.id,
        tenant: TENANT,
        externalId: inv.externalId,
        debtorId: inv.debtorId,
        amountCents: inv.amountCents,
        ourNumber: inv.ourNumber,
        registeredAt: new Date(),
        revision: 1,
        payments: [],
        caseId: inv.caseId,
        // As a plan links them: each invoice of a case knows the case's open invoices.
        ...(inv.caseId ? { casePlan: { debtorId: inv.debtorId, openInvoiceIds: caseMembers.get(inv.caseId)!.map((member) => member.id) } } : {}),
      })) as never[],
    );
    const cases = Map.groupBy(chunk.filter((inv) => inv.caseId), (inv) => inv.caseId!);
    if (cases.size > 0) await db.collection('negotiation_cases').insertMany([...cases].map(([caseId, members]) => ({ _id: caseId, tenant: TENANT, debtorId: members[0]!.debtorId, openInvoiceIds: members.map((m) => m.id), updatedAt: new Date() })) as never[]);
    await db.collection('boleto_our_numbers').insertMany(chunk.map((inv) => ({ _id: `${TENANT}:${ourNumberKey(inv.ourNumber)}`, invoiceId: inv.id })) as never[]);
  }
  say(`${invoices.length} receivables seeded${inCases ? `, two by two in ${Math.ceil(invoices.length / 2)} cases,` : ''} in ${(ms(seedStarted) / 1000).toFixed(1)}s`);

  const titles: TitleSpec[] = invoices.map((inv, i) => ({ movementCode: '06', nossoNumero: inv.ourNumber, seuNumero: i % 3 === 2 ? '' : inv.externalId, faceValueCents: inv.amountCents, paidCents: inv.amountCents, occurrenceDate: '12122026', creditDate: '13122026' }));
  const per = Math.ceil(titles.length / BATCHES);
  const file = join(baseDir, 'bench.ret');
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(file, { encoding: 'latin1' });
    out.on('error', reject).on('finish', resolve);
    for (const line of returnFile({ nsa: 1, batches: Array.from({ length: BATCHES }, (_, b) => titles.slice(b * per, (b + 1) * per)) })) out.write(`${line}\r\n`);
    out.end();
  });
  const bytes = (await stat(file)).size;
  say(`file of ${lines} lines (${titles.length} settlements, ${(bytes / 1e6).toFixed(1)} MB) written`);

  service = spawnService('payment-reconciliation', localServiceEnv(infra, httpPort, { ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}), LOG_LEVEL: 'warn', PAYMENT_API_KEYS: `${TENANT}:${API_KEY}`, PAYMENT_CNAB_MAX_BYTES: String(64 * 1024 * 1024) }));
  service.stderr?.pipe(process.stderr);
  const ready = await waitServiceReady(service, httpPort, 90_000);
  if (!ready.ready) throw new Error(`payment-reconciliation: ${ready.why}`);
  const memory = () => parseProcStatus(readFileSync(`/proc/${service!.pid}/status`, 'utf8'));
  const before = memory();
  say(`payment-reconciliation up (pid ${service.pid}, RSS ${Math.round((before?.rssKb ?? 0) / 1024)} MB)`);

  let peakRssKb = before?.rssKb ?? 0;
  const sampler = setInterval(() => {
    peakRssKb = Math.max(peakRssKb, memory()?.rssKb ?? 0);
  }, 100);
  const files = db.collection<{ receivedAt?: Date; processedAt?: Date; progress?: { linesDone: number; settlementsApplied: number } }>('cnab_files');
  const progress = setInterval(() => {
    void files.findOne({}).then((doc) => doc?.progress && say(`progress: ${doc.progress.linesDone}/${lines} lines, ${doc.progress.settlementsApplied} settlements applied`));
  }, 5000);

  const started = Date.now();
  const response = await fetch(`http://127.0.0.1:${httpPort}/v1/cnab240`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'x-api-key': API_KEY, 'content-length': String(bytes) },
    body: Readable.toWeb((await import('node:fs')).createReadStream(file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  const body = (await response.json()) as { counts?: Record<string, number>; error?: unknown };
  const totalMs = ms(started);
  clearInterval(sampler);
  clearInterval(progress);
  const after = memory();
  if (response.status !== 200) throw new Error(`upload answered ${response.status}: ${JSON.stringify(body).slice(0, 500)}`);
  const record = await files.findOne({});
  const validateMs = record?.receivedAt ? record.receivedAt.getTime() - started : NaN;
  const applyMs = record?.receivedAt && record.processedAt ? record.processedAt.getTime() - record.receivedAt.getTime() : NaN;
  // Every case's two invoices are paid in full by the file: each case is settled once.
  const casesSettled = inCases ? await db.collection('settled_cases').countDocuments({}) : undefined;
  await db.close();

  const result = {
    at: new Date().toISOString(),
    lines,
    settlements: titles.length,
    inCases,
    bytes,
    storeBackend,
    validateSeconds: validateMs / 1000,
    applySeconds: applyMs / 1000,
    totalSeconds: totalMs / 1000,
    linesPerSecond: Math.round(lines / (totalMs / 1000)),
    serviceRssMb: { before: Math.round((before?.rssKb ?? 0) / 1024), peakSampled: Math.round(peakRssKb / 1024), after: Math.round((after?.rssKb ?? 0) / 1024), hwm: Math.round((after?.hwmKb ?? 0) / 1024) },
    counts: body.counts,
    ...(casesSettled === undefined ? {} : { casesSettled }),
    metTarget: totalMs / 1000 < TARGET_S,
  };
  await mkdir(join(cacheDir, 'bench'), { recursive: true });
  const out = join(cacheDir, 'bench', `cnab-${result.at.replace(/[:.]/g, '-')}.json`);
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  say(`${lines} lines: checked in ${result.validateSeconds.toFixed(1)}s (upload included), applied in ${result.applySeconds.toFixed(1)}s, ${result.totalSeconds.toFixed(1)}s in all (${result.linesPerSecond} lines/s)`);
  say(`service RSS: ${result.serviceRssMb.before} MB before, ${result.serviceRssMb.peakSampled} MB peak (VmHWM ${result.serviceRssMb.hwm} MB), ${result.serviceRssMb.after} MB after`);
  say(`${result.metTarget ? 'met' : 'MISSED'} the ${TARGET_S}s target; counts ${JSON.stringify(result.counts)}${casesSettled === undefined ? '' : `, ${casesSettled} cases settled`}; written to ${out}`);
} finally {
  await stopAll();
}
