// FerretDB's store backends side by side on this machine (not part of `pnpm test`):
//   node packages/local-infra/src/store-backends-bench.ts [--sizes 1000,50000] [--seconds 8] [--no-pg-default]
// For each backend (SQLite; PostgreSQL with INFRA.md's two settings, as the local infrastructure starts it; and, for
// reference, PostgreSQL without them) and each collection size: findOne by _id (1 client, and 8 at a time),
// updateOne by _id (8 at a time), insertMany of 1,000. Each backend runs alone, one after the other, on free ports
// with data in a temporary directory; the result goes to .cache/store-backends/<timestamp>.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mongoose, { type Connection } from 'mongoose';
import { startLocalFerretDb, type StoreBackend } from './ferretdb.ts';
import { ensureInstalled } from './install.ts';
import { cacheDir } from './paths.ts';
import { freePort } from './process.ts';

const { values: args } = parseArgs({
  options: { sizes: { type: 'string', default: '1000,50000' }, seconds: { type: 'string', default: '8' }, 'no-pg-default': { type: 'boolean', default: false } },
});
const SIZES = args.sizes.split(',').map(Number);
const SECONDS = Number(args.seconds);
const MAX_OPS = 3000;
const CONCURRENCY = 8;
const INSERT_BATCHES = 5;

interface Variant {
  name: string;
  storeBackend: StoreBackend;
  indexSettings: boolean;
}
const variants: Variant[] = [
  { name: 'sqlite', storeBackend: 'sqlite', indexSettings: false },
  { name: 'postgresql', storeBackend: 'postgresql', indexSettings: true },
  ...(args['no-pg-default'] ? [] : [{ name: 'postgresql-default', storeBackend: 'postgresql' as const, indexSettings: false }]),
];

interface Figures {
  fillPerSecond: number;
  findOne1PerSecond: number;
  findOne8PerSecond: number;
  updateOne8PerSecond: number;
  insertMany1000PerSecond: number;
}
type Results = Record<string, Record<number, Figures>>;

interface Doc {
  _id: string;
  tenant: string;
  debtorId: string;
  amountCents: number;
  dueDate: string;
  status: string;
  attempts: number;
  note: string;
}

/** ~200-byte invoice-like documents, as in INFRA.md's measurements. */
function doc(i: number): Doc {
  return { _id: `demo-bank:INV-${String(i).padStart(8, '0')}`, tenant: 'demo-bank', debtorId: `CUST-${i % 5000}`, amountCents: 1000 + (i % 90_000), dueDate: '2026-11-05', status: 'open', attempts: 0, note: 'lembrete de cobrança '.repeat(4) };
}

function random(n: number): number {
  return Math.floor(Math.random() * n);
}

/** Runs op with `concurrency` workers until MAX_OPS or SECONDS have passed; returns operations per second. */
async function rate(concurrency: number, op: () => Promise<void>): Promise<number> {
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  let done = 0;
  let issued = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < MAX_OPS && performance.now() < deadline) {
        issued++;
        await op();
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

async function measure(connection: Connection, size: number): Promise<Figures> {
  const collection = connection.db!.collection<Doc>(`invoices_${size}`);
  await connection.createCollection(`invoices_${size}`);
  let t = performance.now();
  for (let i = 0; i < size; i += 1000) await collection.insertMany(Array.from({ length: Math.min(1000, size - i) }, (_, k) => doc(i + k)));
  const fillPerSecond = size / ((performance.now() - t) / 1000);
  const id = () => doc(random(size))._id;
  const findOne1PerSecond = await rate(1, async () => void (await collection.findOne({ _id: id() })));
  const findOne8PerSecond = await rate(CONCURRENCY, async () => void (await collection.findOne({ _id: id() })));
  const updateOne8PerSecond = await rate(CONCURRENCY, async () => void (await collection.updateOne({ _id: id() }, { $inc: { attempts: 1 }, $set: { status: 'reminded' } })));
  t = performance.now();
  for (let b = 0; b < INSERT_BATCHES; b++) await collection.insertMany(Array.from({ length: 1000 }, (_, k) => doc(size + b * 1000 + k)));
  const insertMany1000PerSecond = (INSERT_BATCHES * 1000) / ((performance.now() - t) / 1000);
  return { fillPerSecond, findOne1PerSecond, findOne8PerSecond, updateOne8PerSecond, insertMany1000PerSecond };
}

async function runVariant(variant: Variant): Promise<Record<number, Figures>> {
  const dataDir = mkdtempSync(join(tmpdir(), `regua-store-bench-${variant.name}-`));
  const ferret = await startLocalFerretDb({ dataDir, port: await freePort(), storeBackend: variant.storeBackend, postgresIndexSettings: variant.indexSettings });
  const connection = await mongoose.createConnection(`${ferret.url}regua_store_bench`, { maxPoolSize: CONCURRENCY * 2 }).asPromise();
  const results: Record<number, Figures> = {};
  try {
    for (const size of SIZES) {
      process.stderr.write(`[store-bench] ${variant.name}, ${size.toLocaleString('en')} documents…\n`);
      results[size] = await measure(connection, size);
      process.stderr.write(`[store-bench]   ${JSON.stringify(results[size], (_, v) => (typeof v === 'number' ? Math.round(v) : v))}\n`);
    }
  } finally {
    await connection.close();
    await ferret.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return results;
}

const OPERATIONS: [keyof Figures, string][] = [
  ['findOne1PerSecond', 'findOne by _id, 1 client'],
  ['findOne8PerSecond', 'findOne by _id, 8 at a time'],
  ['updateOne8PerSecond', 'updateOne by _id, 8 at a time'],
  ['insertMany1000PerSecond', 'insertMany of 1,000 (documents/s)'],
];

function report(results: Results): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en');
  const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
  const lines = [`FerretDB store backends, ${cpus().length} cores, ${SECONDS} s or ${MAX_OPS} operations per figure (operations/s)`, ''];
  const heads = variants.map((v) => v.name);
  lines.push(`| operation | documents | ${heads.join(' | ')} | postgresql ÷ sqlite |`, `|---|---|${heads.map(() => '---|').join('')}---|`);
  for (const [key, label] of OPERATIONS) {
    for (const size of SIZES) {
      const row = variants.map((v) => fmt(results[v.name]![size]![key]));
      lines.push(`| ${label} | ${size.toLocaleString('en')} | ${row.join(' | ')} | ${ratio(results.postgresql![size]![key], results.sqlite![size]![key])} |`);
    }
  }
  return lines.join('\n');
}

ensureInstalled();
const results: Results = {};
for (const variant of variants) results[variant.name] = await runVariant(variant);
const text = report(results);
console.log(`\n${text}`);
const outDir = join(cacheDir, 'store-backends');
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(outFile, JSON.stringify({ sizes: SIZES, seconds: SECONDS, maxOps: MAX_OPS, concurrency: CONCURRENCY, cores: cpus().length, results }, null, 2));
console.log(`\n${outFile}`);
