// pnpm bench — starts its own Kafka, FerretDB and five services on free ports, sends a generated bank feed through
// both ingestion doors, times every stage with a Kafka consumer of its own, measures the raw Kafka and FerretDB
// limits and a plumbing baseline, and writes result.json, report.md and SVG charts to .cache/bench/<timestamp>/.
// With --open-cases 1000,200000 it does all that once per value, on a fresh stack each time, and compares them.
// Ctrl-C stops it all.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { styleText } from 'node:util';
import { cacheDir, collectionStatistics, ensureInstalled, FERRETDB_VERSION, isAlive, KAFKA_VERSION, parseStoreBackend, repoRoot, sleep, stopPid } from '@regua/local-infra';
import { measureCpu, startCluster, sampleRss, waitUntilQuiet, type BenchCluster } from './cluster.ts';
import { sendFeed, type SendReport } from './doors.ts';
import { generateFeed, kafkaDoorMessage, type Feed, type FeedRecord } from './feed.ts';
import { observeStages, sampleLag, STAGES } from './observe.ts';
import { parseBenchArgs, USAGE, type BenchOptions } from './options.ts';
import { runPlumbing, type PlumbingFigure } from './plumbing.ts';
import { rawInsertMany, rawKafka, type RawFigure } from './raw.ts';
import { buildComparison, buildResult, renderCharts, renderComparison, renderMarkdown, type BenchResult, type Drained } from './report.ts';
import { seedOpenCases, type SeedFigures } from './seed.ts';
import { storeOpsBetween } from './store-ops.ts';
import { idle } from './timers.ts';

const TENANT = 'bench-bank';
/** The open cases held before the run belong to another creditor: every invoice of the feed is new. */
const SEED_TENANT = 'bench-seed';
/** FerretDB on a local PostgreSQL (default) or on SQLite: README, "Store backends". */
const storeBackend = parseStoreBackend(process.env.REGUA_STORE_BACKEND);
const PROGRESS_EVERY_MS = 5000;
/** Quiet: all processes together under this share of one core (idle Kafka and the services' timers stay below it)… */
const QUIET_CORES = 0.25;
/** …for this many seconds in a row; given up after QUIET_MAX_S. */
const QUIET_FOR_S = 3;
const QUIET_MAX_S = 180;
const SERVICE_STOP_GRACE_MS = 10_000;

const say = (line: string) => console.log(`${styleText('bold', '[bench]')} ${line}`);

/** Every process started, so that nothing outlives the bench whatever happens. */
const tracked = { service: new Set<number>(), infra: new Set<number>() };
let stopReason: string | undefined;
let signals = 0;

function killTracked(): void {
  for (const pid of [...tracked.service, ...tracked.infra]) {
    if (!isAlive(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** Services first (they commit offsets and leave their groups), then Kafka and FerretDB. */
async function stopTracked(): Promise<void> {
  await Promise.all([...tracked.service].map((pid) => stopPid(pid, SERVICE_STOP_GRACE_MS)));
  await Promise.all([...tracked.infra].map((pid) => stopPid(pid)));
}

function onSignal(signal: NodeJS.Signals): void {
  if (++signals === 1) {
    stopReason = `interrupted (${signal})`;
    say(`${signal}: stopping; the figures so far will be reported (again to kill everything now)`);
    return;
  }
  killTracked();
  process.exit(130);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2).filter((a) => a !== '--');
  const parsed = parseBenchArgs(argv);
  if (parsed === 'help') return console.log(USAGE);
  const options: BenchOptions = parsed;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => onSignal(signal));
  process.on('exit', killTracked);

  ensureInstalled();
  const startedAt = new Date();
  const outDir = join(cacheDir, 'bench', startedAt.toISOString().replace(/[:.]/g, '-'));
  mkdirSync(outDir, { recursive: true });

  const feed = generateFeed({ tenant: TENANT, invoices: options.invoices, debtors: options.debtors, updates: options.updates, duplicates: options.duplicates, invalid: options.invalid, kafkaShare: options.kafkaShare, seed: options.seed, now: startedAt });
  const c = feed.counts;
  say(`feed: ${c.new} invoices over ${c.debtors} debtors + ${c.update} updates, ${c.duplicate} duplicates, ${c.invalid} invalid = ${c.total} records (${c.http} HTTP, ${c.kafka} Kafka)`);

  const runs: RunOutcome[] = [];
  for (const openCases of options.openCases) {
    if (stopReason) break;
    if (options.openCases.length > 1) say(`run ${runs.length + 1} of ${options.openCases.length}: ${openCases.toLocaleString('en-US')} open cases held, on a fresh stack`);
    const runDir = options.openCases.length > 1 ? join(outDir, `open-cases-${openCases}`) : outDir;
    runs.push(await runStack(options, feed, openCases, runDir));
  }
  if (runs.length > 1) writeComparison(outDir, runs, startedAt);
}

/** One whole run on a stack of its own, started here and stopped before returning. */
async function runStack(options: BenchOptions, feed: Feed, openCases: number, outDir: string): Promise<RunOutcome> {
  const startedAt = new Date();
  const logDir = join(outDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const baseDir = mkdtempSync(join(tmpdir(), 'regua-bench-'));
  let seeded: SeedFigures | undefined;
  const apiKey = randomBytes(16).toString('hex');
  const raw: BenchContext['raw'] = {};
  try {
    say(`starting Kafka, FerretDB and the five services on free ports (data in ${baseDir})…`);
    const t = performance.now();
    const cluster = await startCluster({
      baseDir,
      storeBackend,
      logDir,
      tenant: TENANT,
      apiKey,
      stillWanted: () => !stopReason,
      track: (pid, role) => tracked[role].add(pid),
      say,
      beforeServices: async (brokers, mongoUrl, infraPids) => {
        if (options.skipRaw) return;
        say('raw limits: a minimal kafkajs producer and consumer, and FerretDB insertMany, before the services start…');
        try {
          const messages = feed.records.map((r) => ({ key: `${TENANT}:${r.debtorExternalId}`, value: kafkaDoorMessage(TENANT, r) }));
          raw.figures = [...(await rawKafka(brokers, messages, options.rawBatch)), await rawInsertMany(mongoUrl, feed.records.map((r) => r.submission))];
          say(raw.figures.map((f) => `${f.what} ${Math.round(f.perSecond)}/s`).join(', '));
        } catch (error) {
          raw.error = (error as Error).message;
          say(`raw limits not measured: ${raw.error}`);
        }
        say('plumbing baseline: the pipeline\'s Kafka hops and store writes per invoice, without its logic…');
        try {
          raw.plumbing = await runPlumbing({ brokers, mongoUrl, tenant: TENANT, records: feed.records, expected: feed.expectedInvoiceIds, feedBatch: options.rawBatch, timeoutMs: options.timeoutS * 1000, stillWanted: () => !stopReason, measureCpu: () => cpuUntilQuiet(infraPids) });
          say(`plumbing baseline ${Math.round(raw.plumbing.perSecond)} invoices/s${raw.plumbing.complete ? '' : ` (partial: ${raw.plumbing.received} of ${raw.plumbing.invoices})`}`);
        } catch (error) {
          raw.plumbingError = (error as Error).message;
          say(`plumbing baseline not measured: ${raw.plumbingError}`);
        }
      },
      seedStores: async (mongoUrl) => {
        say(`seeding ${openCases.toLocaleString('en-US')} open cases into the services' stores (tenant ${SEED_TENANT}), before the services start…`);
        seeded = await seedOpenCases({ mongoUrl, openCases, tenant: SEED_TENANT, seed: options.seed, now: startedAt, say, stillWanted: () => !stopReason });
        say(`seeded ${seeded.openCases.toLocaleString('en-US')} open cases: ${seeded.documents.toLocaleString('en-US')} documents in ${seeded.seconds.toFixed(1)} s (${Math.round(seeded.perSecond).toLocaleString('en-US')} documents/s)`);
      },
    });
    say(`stack ready in ${((performance.now() - t) / 1000).toFixed(1)} s (raw limits and plumbing baseline included); logs in ${relative(repoRoot, logDir)}`);
    return await runBench({ options, feed, cluster, raw, apiKey, outDir, startedAt, ...(seeded ? { seeded } : {}) });
  } finally {
    say('stopping services, Kafka and FerretDB…');
    await stopTracked();
    // Stopped: their pids may be given to other processes from now on.
    tracked.service.clear();
    tracked.infra.clear();
    for (const name of ['kafka', 'ferretdb']) {
      try {
        copyFileSync(join(baseDir, name, `${name}.log`), join(logDir, `${name}.log`));
      } catch {
        /* it never started */
      }
    }
    rmSync(baseDir, { recursive: true, force: true });
  }
}

/**
 * Starts measuring the CPU of the given processes and of this one; the function returned waits until those processes
 * are quiet and gives each one's CPU seconds, this process's as `plumbing program`.
 */
function cpuUntilQuiet(pids: () => Record<string, number>): () => Promise<Record<string, number>> {
  const cpu = measureCpu(pids);
  const own = process.cpuUsage();
  return async () => {
    await waitUntilQuiet(pids, { quietCores: QUIET_CORES, quietForS: QUIET_FOR_S, maxS: QUIET_MAX_S });
    const { user, system } = process.cpuUsage(own);
    return { ...cpu.stop(), 'plumbing program': (user + system) / 1e6 };
  };
}

interface BenchContext {
  options: BenchOptions;
  feed: Feed;
  cluster: BenchCluster;
  raw: { figures?: RawFigure[]; error?: string; plumbing?: PlumbingFigure; plumbingError?: string };
  apiKey: string;
  outDir: string;
  startedAt: Date;
  seeded?: SeedFigures;
}

interface RunOutcome {
  result: BenchResult;
  /** Where its report and charts are. */
  dir: string;
  charts: string[];
}

async function runBench({ options, feed, cluster, raw, apiKey, outDir, startedAt, seeded }: BenchContext): Promise<RunOutcome> {
  const expected = new Set(feed.expectedInvoiceIds);
  // Every time is in ms since the first send; the observer joins its group before that, so nothing is missed.
  let t0 = performance.now();
  const now = () => performance.now() - t0;
  const observation = await observeStages(cluster.brokers, expected, now);
  t0 = performance.now();
  const lag = await sampleLag(cluster.brokers, TENANT, now);
  const rss = sampleRss(cluster.pids, now);
  const cpu = measureCpu(cluster.pids);
  const benchCpu = process.cpuUsage();
  // FerretDB's work by collection, from PostgreSQL's counters (none with the SQLite backend).
  const pgUrl = cluster.infra.postgresql?.url;
  const storeStatsAtStart = pgUrl ? await collectionStatistics(pgUrl).catch(() => undefined) : undefined;

  const acceptedAt = new Map<string, number>();
  const onAccepted = (record: FeedRecord, at: number) => {
    const known = acceptedAt.get(record.invoiceId);
    if (expected.has(record.invoiceId) && (known === undefined || at < known)) acceptedAt.set(record.invoiceId, at);
  };
  let timedOut = false;
  let sendReport: SendReport | undefined;
  let sendError: string | undefined;
  say(`sending ${feed.records.length} records ${options.rate ? `at ${options.rate}/s` : 'as fast as possible'}; waiting up to ${options.timeoutS} s for ${expected.size} invoices to have their contacts planned`);
  const sending = sendFeed({
    records: feed.records,
    tenant: TENANT,
    apiKey,
    ingestionUrl: `http://127.0.0.1:${cluster.ports.ingestion}`,
    brokers: cluster.brokers,
    ...(options.rate ? { rate: options.rate } : {}),
    batch: options.batch,
    concurrency: options.concurrency,
    now,
    stillWanted: () => !stopReason && !timedOut && !cluster.died(),
    onAccepted,
  }).then(
    (report) => void (sendReport = report),
    (error: unknown) => void (sendError = (error as Error).message),
  );

  const reminders = observation.arrivals['contact planned'];
  let nextProgress = PROGRESS_EVERY_MS;
  for (;;) {
    await sleep(200);
    const t = now();
    if (t >= nextProgress) {
      nextProgress += PROGRESS_EVERY_MS;
      const stages = STAGES.map(({ stage }) => `${stage} ${observation.arrivals[stage].size}`).join(', ');
      const lastLag = lag.samples.at(-1)?.lag ?? {};
      const lags = Object.entries(lastLag).map(([group, n]) => `${group.replace(/^regua\./, '')} ${n}`).join(', ');
      const rssMb = Object.values(rss.samples.at(-1)?.rssMb ?? {}).reduce((a, b) => a + b, 0);
      say(`${(t / 1000).toFixed(0).padStart(4)} s  accepted ${acceptedAt.size}/${expected.size} | ${stages} | lag: ${lags || '–'} | RSS total ${rssMb.toFixed(0)} MB`);
    }
    if (sendReport && reminders.size >= expected.size) break;
    if (sendError) stopReason ??= `sending failed: ${sendError}`;
    if (cluster.died()) stopReason ??= cluster.died();
    if (stopReason) break;
    if (t >= options.timeoutS * 1000) {
      timedOut = true;
      say(`timeout (${options.timeoutS} s): ${reminders.size} of ${expected.size} plans arrived; reporting partial figures`);
      break;
    }
  }
  const endMs = now();
  await Promise.race([sending, idle(30_000)]);
  rss.stop();
  const { user, system } = process.cpuUsage(benchCpu);
  const cpuSeconds = { ...cpu.stop(), 'bench (feed, observer)': (user + system) / 1e6 };
  await lag.stop();
  await observation.stop().catch(() => undefined);
  // Each PostgreSQL backend flushes its counters about once a second.
  const storeOpsSoFar = () => (pgUrl && storeStatsAtStart ? sleep(1500).then(() => collectionStatistics(pgUrl).then((end) => storeOpsBetween(storeStatsAtStart, end), () => undefined)) : Promise.resolve(undefined));
  const storeOps = await storeOpsSoFar();
  // What the feed set off goes on after its last plan (downstream projections, sends, receipts), and how much of it
  // falls before that moment varies from run to run: the whole feed's cost is measured once everything is quiet.
  let drained: Drained | undefined;
  if (!timedOut && !stopReason) {
    say(`waiting for every process to go quiet (under ${QUIET_CORES} of a core for ${QUIET_FOR_S} s), for the whole feed's cost…`);
    const quiet = await waitUntilQuiet(cluster.pids, { quietCores: QUIET_CORES, quietForS: QUIET_FOR_S, maxS: QUIET_MAX_S });
    const cpuUntilQuiet = cpu.peek();
    const storeUntilQuiet = await storeOpsSoFar();
    drained = { afterS: endMs / 1000 + quiet.seconds, quiet: quiet.quiet, cpuSeconds: cpuUntilQuiet, ...(storeUntilQuiet ? { storeOps: storeUntilQuiet } : {}) };
  }

  const result = buildResult({
    startedAt: startedAt.toISOString(),
    options,
    environment: environment(),
    feed: feed.counts,
    send: sendReport ?? emptySendReport(feed.records.length),
    stages: STAGES,
    expected: feed.expectedInvoiceIds,
    acceptedAt,
    arrivals: observation.arrivals,
    repeats: observation.repeats,
    updatedEvents: observation.updatedEvents,
    inboundDeadLetters: observation.inboundDeadLetters,
    endMs,
    timedOut,
    ...(stopReason ? { stopReason } : {}),
    lag: lag.samples,
    rss: rss.samples,
    peakRssMb: rss.peakMb,
    cpuSeconds,
    ...(storeOps ? { storeOps } : {}),
    ...(drained ? { drained } : {}),
    ...(raw.figures ? { raw: raw.figures } : {}),
    ...(raw.error ? { rawError: raw.error } : {}),
    ...(raw.plumbing ? { plumbing: raw.plumbing } : {}),
    ...(raw.plumbingError ? { plumbingError: raw.plumbingError } : {}),
    ...(seeded ? { seeded } : {}),
  });
  const charts = renderCharts(result);
  for (const [file, svg] of Object.entries(charts)) writeFileSync(join(outDir, file), svg);
  const markdown = renderMarkdown(result, Object.keys(charts));
  writeFileSync(join(outDir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(outDir, 'report.md'), markdown);
  console.log(`\n${markdown}`);
  say(`report: ${relative(repoRoot, join(outDir, 'report.md'))}, result: ${relative(repoRoot, join(outDir, 'result.json'))}`);
  return { result, dir: outDir, charts: Object.keys(charts) };
}

/** Several --open-cases values: the side-by-side table, then every run's report; result.json holds every run. */
function writeComparison(outDir: string, runs: readonly RunOutcome[], startedAt: Date): void {
  const comparison = buildComparison(runs.map((r) => r.result));
  const table = renderComparison(comparison, startedAt.toISOString());
  const reports = runs.map((r) => renderMarkdown(r.result, r.charts.map((file) => `${relative(outDir, r.dir)}/${file}`)));
  writeFileSync(join(outDir, 'result.json'), `${JSON.stringify({ startedAt: startedAt.toISOString(), comparison, runs: runs.map((r) => r.result) }, null, 2)}\n`);
  writeFileSync(join(outDir, 'report.md'), [table, ...reports].join('\n'));
  console.log(`\n${table}`);
  say(`comparison: ${relative(repoRoot, join(outDir, 'report.md'))}, result: ${relative(repoRoot, join(outDir, 'result.json'))} (every run); each run's own in ${runs.map((r) => relative(outDir, r.dir)).join(', ')}`);
}

const loadAtStart = loadavg()[0]!.toFixed(2);

function environment(): Record<string, string | number> {
  const kafkajs = (JSON.parse(readFileSync(join(repoRoot, 'node_modules/kafkajs/package.json'), 'utf8')) as { version: string }).version;
  return { CPUs: availableParallelism(), 'load average (1 min) at the start': loadAtStart, 'at the end': loadavg()[0]!.toFixed(2), Node: process.version, kafkajs, Kafka: KAFKA_VERSION, FerretDB: `${FERRETDB_VERSION} (${storeBackend === 'postgresql' ? 'PostgreSQL 15, _id GIN index' : 'SQLite'})` };
}

function emptySendReport(records: number): SendReport {
  return { records, sentRecords: 0, startedS: 0, dispatchedS: 0, finishedS: 0, achievedPerSecond: 0, http: { requests: 0, records: 0, outcomes: {}, failedRequests: 0, retries: 0, requestMs: { max: 0, mean: 0 } }, kafka: { sends: 0, records: 0, failedRecords: 0 }, errors: [] };
}

// Exit explicitly: a client library's idle socket or timer must not keep a finished bench waiting.
main().then(
  () => process.exit(signals > 0 ? 130 : stopReason ? 1 : 0),
  (error: unknown) => {
    if (signals > 0) return process.exit(130);
    console.error(`${styleText('red', '[bench] failed:')} ${(error as Error).message}`);
    process.exit(1);
  },
);
