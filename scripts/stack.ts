// pnpm stack | pnpm demo — Kafka, FerretDB and the five services in the foreground; Ctrl-C stops them all.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';
import { buildEnvelope, debtorKey, exampleInvoice, exampleSubmission, PaymentReceivedV1, type Invoice } from '@regua/contracts';
import { cacheDir, DEFAULT_PORTS, ensureInstalled, kafkaAnswers, repoRoot, startLocalInfra, stopPid, type LocalInfra } from '@regua/local-infra';

const demo = process.argv.includes('--demo');
const TENANT = 'demo-bank';
const API_KEY = 'demo-key-change-me';
const SERVICES = [
  { name: 'ingestion', port: 8081, env: { INGESTION_API_KEYS: `${TENANT}:${API_KEY}` } },
  { name: 'enrichment', port: 8082, env: {} },
  { name: 'scoring', port: 8083, env: {} },
  { name: 'notification', port: 8084, env: { NOTIFICATION_DISPATCH_CRON: '*/5 * * * * *', ...(demo ? { NOTIFICATION_ENFORCE_CONTACT_HOURS: 'false' } : {}) } },
  { name: 'payment-reconciliation', port: 8085, env: {} },
] as const;

const stackDir = join(cacheDir, 'stack');
const logDir = join(stackDir, 'logs');
const children = new Map<string, ChildProcess>();
let infra: LocalInfra | undefined;
let stopping = false;

const say = (line: string) => console.log(`\x1b[1m[stack]\x1b[0m ${line}`);

async function main(): Promise<void> {
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
  if (await kafkaAnswers([`127.0.0.1:${DEFAULT_PORTS.kafka}`]).catch(() => false)) {
    throw new Error(`something already listens on Kafka's port ${DEFAULT_PORTS.kafka} (pnpm infra:up?): run pnpm infra:down first`);
  }
  ensureInstalled();
  mkdirSync(logDir, { recursive: true });
  const started = Date.now();
  say('starting Kafka and FerretDB…');
  infra = await startLocalInfra({ baseDir: stackDir, kafkaPort: DEFAULT_PORTS.kafka, kafkaControllerPort: DEFAULT_PORTS.kafkaController, mongoPort: DEFAULT_PORTS.mongo });
  say(`Kafka ${infra.kafkaBrokers.join(',')} and FerretDB ${infra.mongoUrl} ready`);
  for (const service of SERVICES) startService(service.name, service.port, service.env);
  await Promise.all(SERVICES.map((s) => waitReady(s.name, s.port)));
  say(`all services ready in ${((Date.now() - started) / 1000).toFixed(1)}s: ${SERVICES.map((s) => `${s.name} :${s.port}`).join(', ')}`);
  if (demo) {
    say('demo: contact-hour laws are switched off so that reminders show at any hour (never in production)');
    await runDemoFeed();
  } else {
    say(`send an invoice: see README.md ("Sending the first invoice"); API key ${API_KEY}`);
  }
  say('running; Ctrl-C stops everything');
}

function startService(name: string, port: number, extraEnv: Record<string, string>): void {
  const env = { ...process.env, KAFKA_BROKERS: infra!.kafkaBrokers.join(','), MONGO_URL: infra!.mongoUrl, HTTP_PORT: String(port), LOG_LEVEL: 'info', ...extraEnv };
  const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', '--import', './src/instrumentation.ts', 'src/main.ts'], { cwd: join(repoRoot, 'services', name), env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.set(name, child);
  const raw = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  for (const stream of [child.stdout, child.stderr]) {
    stream.pipe(raw);
    createInterface({ input: stream }).on('line', (line) => {
      const shown = pretty(name, line);
      if (shown) console.log(shown);
    });
  }
  child.on('exit', (code, signal) => {
    if (stopping) return;
    say(`${name} exited unexpectedly (code ${code}, signal ${signal}); last lines of ${join(logDir, `${name}.log`)}:`);
    console.log(tail(join(logDir, `${name}.log`)));
    void shutdown(1);
  });
}

const SHOWN_FIELDS = ['invoiceId', 'caseId', 'outcome', 'segment', 'score', 'channel', 'to', 'text', 'settled', 'outstandingCents', 'reason', 'until', 'err'];

/** One readable line per JSON log entry. */
function pretty(service: string, line: string): string {
  const label = `\x1b[36m${service.padEnd(22)}\x1b[0m`;
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    // kafkajs reports every retried protocol hiccup; the raw log keeps them, the console does not.
    if (entry.logger === 'kafkajs') return '';
    if (entry.msg === 'http request' && Number(entry.status) < 400) return '';
    const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : '';
    const fields = SHOWN_FIELDS.filter((f) => entry[f] !== undefined).map((f) => `${f}=${typeof entry[f] === 'string' ? entry[f] : JSON.stringify(entry[f])}`);
    return `${time} ${label} ${String(entry.msg ?? '')} ${fields.join(' ')}`.trimEnd();
  } catch {
    return `         ${label} ${line}`;
  }
}

async function waitReady(name: string, port: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
    if (ok) return;
    await sleep(300);
  }
  throw new Error(`${name} was not ready on :${port} within 60s; see ${join(logDir, `${name}.log`)}:\n${tail(join(logDir, `${name}.log`))}`);
}

interface DemoDebtor {
  overrides: Partial<Invoice>;
  pays?: number;
}

/** Ids unique to this run, so a second demo on the same data shows a fresh flow instead of duplicates. */
function demoInvoices(run = Date.now().toString(36).toUpperCase()): DemoDebtor[] {
  const base = exampleInvoice();
  const debtor = (id: string, name: string, uf: 'SP' | 'RJ' | 'AM', phones: string[], cep: string, city: string) => ({
    ...base.debtor,
    externalId: id,
    name,
    phones,
    emails: [`${id.toLowerCase()}@example.com`],
    address: { street: 'Rua Exemplo', number: '10', district: 'Centro', city, uf, cep },
  });
  return [
    { overrides: { externalId: `DEMO-${run}-1`, amountCents: 15990, productType: 'telecom', dueDate: '2026-11-10', debtor: debtor(`CUST-${run}-1`, 'Maria da Silva', 'SP', ['(11) 98765-4321'], '01001-000', 'São Paulo') }, pays: 15990 },
    { overrides: { externalId: `DEMO-${run}-2`, amountCents: 250000, productType: 'loan', dueDate: '2026-09-15', debtor: debtor(`CUST-${run}-2`, 'João Pereira', 'RJ', ['21 99876-5432'], '20010-000', 'Rio de Janeiro') }, pays: 100000 },
    { overrides: { externalId: `DEMO-${run}-3`, amountCents: 8990, productType: 'subscription', dueDate: '2026-11-18', debtor: debtor(`CUST-${run}-3`, 'Ana Souza', 'AM', ['+55 92 98111-2233'], '69005-000', 'Manaus') }, pays: 8990 },
    { overrides: { externalId: `DEMO-${run}-4`, amountCents: 43000, productType: 'retail', dueDate: '2026-10-01', debtor: debtor(`CUST-${run}-4`, 'Carlos Lima', 'SP', ['(11) 3456-7890'], '04001-000', 'São Paulo') } },
    { overrides: { externalId: `DEMO-${run}-5`, amountCents: 120050, productType: 'credit_card', dueDate: '2026-08-20', debtor: debtor(`CUST-${run}-5`, 'Beatriz Costa', 'RJ', [], '22010-000', 'Rio de Janeiro') } },
  ];
}

async function runDemoFeed(): Promise<void> {
  const feed = demoInvoices();
  const invoiceIds: string[] = [];
  say(`demo: posting ${feed.length} overdue invoices to ingestion`);
  for (const item of feed) {
    const body = exampleSubmission(randomUUID(), new Date().toISOString(), exampleInvoice({ issueDate: monthBefore(item.overrides.dueDate!), ...item.overrides }));
    const response = await fetch('http://127.0.0.1:8081/v1/invoices', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': API_KEY }, body: JSON.stringify(body) });
    const result = (await response.json()) as { invoiceId?: string; error?: unknown };
    if (!result.invoiceId) say(`demo: ingestion refused ${item.overrides.externalId}: ${JSON.stringify(result.error)}`);
    else invoiceIds.push(result.invoiceId);
  }
  await sleep(8000);

  say('demo: the bank reports Pix payments for three of them (one only partly paid)');
  const producer = new Kafka({ clientId: 'demo-bank', brokers: infra!.kafkaBrokers, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  await producer.send({
    topic: PaymentReceivedV1.topic,
    messages: feed.flatMap((item, i) => {
      if (!item.pays) return [];
      const envelope = buildEnvelope(PaymentReceivedV1, { id: randomUUID(), occurredAt: new Date(), source: 'demo-bank', tenant: TENANT, correlationId: randomUUID() }, { paymentId: `DEMO-PIX-${Date.now()}-${i}`, method: 'pix', invoiceExternalId: item.overrides.externalId!, amountCents: item.pays, paidAt: new Date().toISOString() });
      return [{ key: debtorKey(TENANT, item.overrides.debtor!.externalId), value: JSON.stringify(envelope) }];
    }),
  });
  await producer.disconnect();
  await sleep(6000);

  say('demo: case timelines, from the notification service (GET /v1/cases/:caseId)');
  for (const invoiceId of invoiceIds) {
    const response = await fetch(`http://127.0.0.1:8084/v1/cases/${encodeURIComponent(invoiceId)}`);
    if (!response.ok) {
      console.log(`\n  ${invoiceId}: no case (yet)`);
      continue;
    }
    const view = (await response.json()) as { case: { status: string; segment?: string; timeline: Array<{ at: string; what: string }> }; deliveries: Array<{ step: number; channel: string; template: string; text: string }> };
    console.log(`\n  \x1b[1m${invoiceId}\x1b[0m  status=${view.case.status} segment=${view.case.segment ?? '-'}`);
    for (const entry of view.case.timeline) console.log(`    ${entry.at.slice(11, 19)}  ${entry.what}`);
    for (const d of view.deliveries) console.log(`    ↳ step ${d.step} by ${d.channel} (${d.template}): "${d.text}"`);
  }
  console.log('');
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping services, Kafka and FerretDB…');
  await Promise.all([...children.values()].map((child) => (child.pid ? stopPid(child.pid, 10_000) : undefined)));
  await infra?.stop();
  say('stopped');
  process.exit(code);
}

function monthBefore(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() - 1);
  return date.toISOString().slice(0, 10);
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

main().catch(async (error: unknown) => {
  console.error(`[stack] ${(error as Error).message}`);
  await shutdown(1);
});
