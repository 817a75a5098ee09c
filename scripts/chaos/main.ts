// pnpm chaos — the fault suite: starts its own Kafka, FerretDB and five services on free ports (the bench's cluster),
// with notification sending to a provider stand-in, then runs each scenario under load: a bench feed through the
// ingestion doors while a fault is injected. What was lost or duplicated is counted from the data itself (topic
// contents, the stand-in's raw requests). Writes .cache/chaos/result.json and report.md; logs in .cache/chaos/logs.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { styleText } from 'node:util';
import { invoiceId as toInvoiceId } from '@regua/contracts';
import { cacheDir, ensureInstalled, isAlive, parseStoreBackend, repoRoot, SERVICE_NAMES, sleep, stopPid } from '@regua/local-infra';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { startCluster, type BenchCluster } from '../bench/cluster.ts';
import { sendFeed } from '../bench/doors.ts';
import { generateFeed, type FeedRecord } from '../bench/feed.ts';
import { recoverySeconds, tally } from './count.ts';
import { parseChaosArgs, USAGE, type ChaosOptions } from './options.ts';
import { startProviderStandIn, type ProviderStandIn } from './provider-standin.ts';
import { openLagReader, recordTopics, type TopicRecords } from './records.ts';
import { passed, renderMarkdown, renderTable, type ScenarioRow } from './report.ts';
import { SCENARIOS, SHORT_SUITE, type FaultContext, type Scenario } from './scenarios.ts';

const TENANT = 'chaos-bank';
const storeBackend = parseStoreBackend(process.env.REGUA_STORE_BACKEND);
/** The provider channel gives up after this; the claim lease is shortened so that a claim left by a SIGKILL is taken up within the run. */
const PROVIDER_TIMEOUT_MS = 5000;
const CLAIM_LEASE_MS = 30_000;
/** The feed sends a batch again, as a bank would, while ingestion is away (a restart waits for its group: ~30 s). */
const HTTP_RETRY_MS = 90_000;

const say = (line: string) => console.log(`${styleText('bold', '[chaos]')} ${line}`);
const tracked = { service: new Set<number>(), infra: new Set<number>() };
let stopReason: string | undefined;

function killTracked(): void {
  for (const pid of [...tracked.service, ...tracked.infra]) {
    if (!isAlive(pid)) continue;
    try {
      process.kill(pid, 'SIGCONT');
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

interface Suite {
  options: ChaosOptions;
  cluster: BenchCluster;
  standIn: ProviderStandIn;
  records: TopicRecords;
  lag: Awaited<ReturnType<typeof openLagReader>>;
  producer: ReturnType<Kafka['producer']>;
  apiKey: string;
  now(): number;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2).filter((a) => a !== '--');
  const parsed = parseChaosArgs(argv, SCENARIOS.map((s) => s.name));
  if (parsed === 'help') return console.log(USAGE);
  const options = parsed;
  const names = options.only ?? (options.short ? SHORT_SUITE : SCENARIOS.map((s) => s.name));
  const scenarios = SCENARIOS.filter((s) => names.includes(s.name));
  let signals = 0;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      stopReason = `interrupted (${signal})`;
      if (++signals > 1) {
        killTracked();
        process.exit(130);
      }
      say(`${signal}: stopping after this scenario (again to kill everything now)`);
    });
  }
  process.on('exit', killTracked);

  ensureInstalled();
  const started = performance.now();
  const startedAt = new Date();
  const chaosDir = join(cacheDir, 'chaos');
  const baseDir = join(chaosDir, 'data');
  const logDir = join(chaosDir, 'logs');
  rmSync(baseDir, { recursive: true, force: true });
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });

  const standIn = await startProviderStandIn();
  const apiKey = randomBytes(16).toString('hex');
  const rows: ScenarioRow[] = [];
  try {
    say(`starting Kafka, FerretDB and the five services on free ports (data in ${relative(repoRoot, baseDir)}); provider stand-in on ${standIn.url}`);
    const cluster = await startCluster({
      baseDir,
      storeBackend,
      logDir,
      tenant: TENANT,
      apiKey,
      stillWanted: () => !stopReason,
      track: (pid, role) => tracked[role].add(pid),
      say,
      beforeServices: async () => undefined,
      extraEnv: { notification: { NOTIFICATION_PROVIDER_URL: standIn.url, NOTIFICATION_PROVIDER_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS), NOTIFICATION_CLAIM_LEASE_MS: String(CLAIM_LEASE_MS), LOG_LEVEL: 'info' } },
    });
    say(`stack ready in ${((performance.now() - started) / 1000).toFixed(1)} s; logs in ${relative(repoRoot, logDir)}`);
    const t0 = performance.now();
    const now = () => performance.now() - t0;
    const records = await recordTopics(cluster.brokers, now);
    const lag = await openLagReader(cluster.brokers, TENANT);
    const producer = new Kafka({ clientId: 'chaos-bank', brokers: cluster.brokers, logLevel: logLevel.NOTHING, retry: { retries: 30 } }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const suite: Suite = { options, cluster, standIn, records, lag, producer, apiKey, now };
    try {
      for (const [index, scenario] of scenarios.entries()) {
        if (stopReason) break;
        const row = await runScenario(suite, scenario, SCENARIOS.indexOf(scenario));
        rows.push(row);
        say(`${row.name}: ${passed(row) ? 'ok' : 'FAIL'} — lost ${row.tally.lost}, duplicated ${row.tally.duplicated}, recovery ${row.recoveryS === undefined ? 'never' : `${row.recoveryS.toFixed(1)} s`} (${index + 1} of ${scenarios.length})`);
      }
    } finally {
      await producer.disconnect().catch(() => undefined);
      await lag.close();
      await records.stop().catch(() => undefined);
    }
  } finally {
    say('stopping services, Kafka and FerretDB…');
    await Promise.all([...tracked.service].map((pid) => stopPid(pid, 10_000)));
    await Promise.all([...tracked.infra].map((pid) => stopPid(pid)));
    await standIn.close();
    for (const [name, file] of [['kafka', 'kafka/kafka.log'], ['ferretdb', 'ferretdb/ferretdb.log']] as const) {
      try {
        copyFileSync(join(baseDir, file), join(logDir, `${name}.log`));
      } catch {
        /* it never started */
      }
    }
  }

  const seconds = (performance.now() - started) / 1000;
  const command = `pnpm chaos ${argv.join(' ')}`.trim();
  const meta = { command, startedAt: startedAt.toISOString(), seconds, rate: options.rate, feedSeconds: options.seconds };
  writeFileSync(join(chaosDir, 'result.json'), JSON.stringify({ ...meta, options, rows: rows.map((r) => ({ ...r, passed: passed(r) })) }, null, 2));
  const markdown = renderMarkdown(rows, meta);
  writeFileSync(join(chaosDir, 'report.md'), markdown);
  console.log(`\n${renderTable(rows)}\n`);
  say(`${seconds.toFixed(0)} s in all; ${relative(repoRoot, join(chaosDir, 'result.json'))}, ${relative(repoRoot, join(chaosDir, 'report.md'))}`);
  if (stopReason) say(stopReason);
  if (rows.some((r) => !passed(r)) || rows.length < scenarios.length) process.exitCode = 1;
}

/**
 * From the fault's end: when every consumer group had consumed what was on its topics at that moment (ms since the
 * suite's start), or undefined if not before `untilMs`.
 */
async function watchBacklog(suite: Suite, untilMs: number): Promise<number | undefined> {
  let backlog = await suite.lag.backlog();
  while (!backlog && suite.now() < untilMs && !stopReason) {
    await sleep(500);
    backlog = await suite.lag.backlog();
  }
  while (backlog && suite.now() < untilMs && !stopReason) {
    if (await suite.lag.consumed(backlog)) return suite.now();
    await sleep(500);
  }
  return undefined;
}

/** The feed's invoices renamed for the scenario, so that every scenario's invoices, cases and references are its own. */
function renameFeed(records: readonly FeedRecord[], prefix: string): FeedRecord[] {
  return records.map((record) => {
    const externalId = record.submission.invoice.externalId.replace(/^BENCH-/, prefix);
    return { ...record, invoiceId: toInvoiceId(TENANT, externalId), submission: { ...record.submission, invoice: { ...record.submission.invoice, externalId } } };
  });
}

async function runScenario(suite: Suite, scenario: Scenario, index: number): Promise<ScenarioRow> {
  const { options, cluster, standIn, records, now } = suite;
  const begun = now();
  const prefix = `C${String(index + 1).padStart(2, '0')}-`;
  const invoices = Math.round(options.rate * options.seconds);
  const feed = generateFeed({ tenant: TENANT, invoices, debtors: Math.ceil(invoices / 2), updates: 0, duplicates: scenario.feed?.duplicates ?? 0, invalid: 0, kafkaShare: scenario.feed?.kafkaShare ?? 0.25, seed: options.seed * 100 + index, now: new Date() });
  const feedRecords = renameFeed(feed.records, prefix);
  const expected = new Set(feedRecords.map((r) => r.invoiceId));
  const feedMs = (feedRecords.length / options.rate) * 1000;
  say(`${scenario.name}: ${scenario.what}; ${feedRecords.length} records at ${options.rate}/s`);

  const accepted = new Map<string, FeedRecord>();
  const acceptedAt = new Map<string, number>();
  let acceptedRecords = 0;
  const failures: string[] = [];
  const notes: string[] = [];
  const payments = new Map<string, number>();
  let fault: { what: string; startMs: number; endMs?: number; inFlight: number } | undefined;
  let backlogConsumed: Promise<number | undefined> = Promise.resolve(undefined);
  const reminded = () => new Set(records.reminders.filter((r) => r.step === 0).map((r) => r.invoiceId));

  async function settle(): Promise<boolean> {
    const deadline = Date.now() + options.settleTimeoutS * 1000;
    let quietChecks = 0;
    while (Date.now() < deadline && !stopReason) {
      const done = reminded();
      const missing = [...accepted.keys()].filter((id) => !done.has(id)).length;
      const lag = missing === 0 ? await suite.lag.lag() : undefined;
      quietChecks = missing === 0 && lag === 0 ? quietChecks + 1 : 0;
      if (quietChecks >= 2) return true;
      await sleep(1000);
    }
    return false;
  }

  const ctx: FaultContext = {
    cluster,
    standIn,
    producer: suite.producer,
    records,
    tenant: TENANT,
    prefix,
    feedMs,
    accepted: () => accepted,
    inFlight: () => {
      const done = reminded();
      return [...accepted.keys()].filter((id) => !done.has(id)).length;
    },
    say: (line) => say(`  ${line}`),
    faultStarts(what) {
      fault = { what, startMs: now(), inFlight: ctx.inFlight() };
      say(`  fault: ${what} (${fault.inFlight} invoices in flight)`);
    },
    faultEnds() {
      if (fault) fault.endMs = now();
      backlogConsumed = watchBacklog(suite, now() + options.settleTimeoutS * 1000 + feedMs);
      say(`  fault over after ${fault ? ((now() - fault.startMs) / 1000).toFixed(1) : '?'} s`);
    },
    fail: (why) => void failures.push(why),
    expect: (invoiceId) => {
      expected.add(invoiceId);
      accepted.set(invoiceId, feedRecords[0]!);
      acceptedAt.set(invoiceId, now());
    },
    note: (line) => void notes.push(line),
    paymentSent: (paymentId, total) => void payments.set(paymentId, total),
    settle: async () => {
      if (!(await settle())) failures.push('not quiet after the payments');
    },
  };

  const sending = sendFeed({
    records: feedRecords,
    tenant: TENANT,
    apiKey: suite.apiKey,
    ingestionUrl: `http://127.0.0.1:${cluster.ports.ingestion}`,
    brokers: cluster.brokers,
    rate: options.rate,
    batch: 1000,
    concurrency: 2,
    now,
    stillWanted: () => !stopReason,
    retryHttpForMs: HTTP_RETRY_MS,
    onAccepted(record, at) {
      acceptedRecords++;
      if (!expected.has(record.invoiceId)) return;
      if (!accepted.has(record.invoiceId)) accepted.set(record.invoiceId, record);
      if (!acceptedAt.has(record.invoiceId) || at < acceptedAt.get(record.invoiceId)!) acceptedAt.set(record.invoiceId, at);
    },
  });
  const [sent, during] = await Promise.allSettled([sending, scenario.during(ctx)]);
  if (sent.status === 'rejected') failures.push(`the feed failed: ${(sent.reason as Error).message}`);
  if (during.status === 'rejected') failures.push(`the fault failed: ${(during.reason as Error).message}`);
  for (const name of SERVICE_NAMES) {
    if (cluster.pids()[name] !== undefined) continue;
    failures.push(`${name} was not running after the fault (${cluster.died() ?? 'stopped'}); started again`);
    await cluster.restartService(name);
  }
  say(`  feed sent (${acceptedRecords} of ${feedRecords.length} records accepted); waiting for the pipeline to be quiet…`);
  const quiet = await settle();
  if (scenario.after) await scenario.after(ctx).catch((error: Error) => void failures.push(`after the feed: ${error.message}`));
  // Late duplicates (a step taken up again after its lease) would come now.
  await sleep(3000);

  const counted = tally({
    accepted: new Set(accepted.keys()),
    registered: records.registered,
    reminders: records.reminders,
    invoicesOfCase: records.invoicesOfCase,
    providerReferences: standIn.received().map((m) => m.reference),
    reconciliations: records.reconciliations,
    payments,
  });
  const endMs = fault?.endMs ?? fault?.startMs;
  const remindersBackS = endMs === undefined ? undefined : recoverySeconds(acceptedAt, records.reminders, endMs);
  const consumedAt = await backlogConsumed;
  const recovery = remindersBackS === undefined || consumedAt === undefined || endMs === undefined ? undefined : Math.max(remindersBackS, (consumedAt - endMs) / 1000);
  if (!fault) failures.push('the fault never happened');
  const faultStartEpoch = fault ? Date.now() - (now() - fault.startMs) : Date.now();
  const duplicateTimes = Object.fromEntries(
    counted.duplicatedReferences.map((d) => [d.reference, standIn.received().filter((m) => m.reference === d.reference).map((m) => (m.at - faultStartEpoch) / 1000)]),
  );
  return {
    name: scenario.name,
    what: scenario.what,
    inFlight: fault?.inFlight ?? 0,
    tally: counted,
    ...(recovery === undefined ? {} : { recoveryS: recovery }),
    faultS: fault && endMs !== undefined ? (endMs - fault.startMs) / 1000 : 0,
    quiet,
    notAccepted: feedRecords.length - acceptedRecords,
    failures,
    notes,
    seconds: (now() - begun) / 1000,
    duplicateTimes,
  };
}

// Exit explicitly: a client library's idle socket or timer must not keep a finished suite waiting.
main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(`${styleText('red', '[chaos] failed:')} ${(error as Error).message}`);
    process.exit(1);
  },
);
