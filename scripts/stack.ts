// pnpm stack | pnpm demo — Kafka, FerretDB and the five services, owned by this foreground process; Ctrl-C stops
// them all, services first. With --demo, a small feed of invoices and payments runs through the pipeline.
import type { ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { styleText } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { buildEnvelope, debtorKey, exampleInvoice, exampleSubmission, inboundInvoicesTopicFor, inboundPaymentsTopicFor, PaymentReceivedV1, type Invoice } from '@regua/contracts';
import { createRegistryTopics } from '@regua/kafka-bus';
import { startBankStandIn } from '@regua/bank-standin';
import { startBureauStandIn } from '@regua/bureau-standin';
import { startProviderSandbox } from '@regua/provider-sandbox';
import { cacheDir, DEFAULT_PORTS, ensureInstalled, grantBankAccess, isAlive, localServiceEnv, parseStoreBackend, sleep, spawnService, startLocalInfra, stopPid, waitServiceReady, type LocalInfra, type ServiceName } from '@regua/local-infra';

const demo = process.argv.includes('--demo');
/** FerretDB on a local PostgreSQL (default) or on SQLite: README, "Store backends". */
const storeBackend = parseStoreBackend(process.env.REGUA_STORE_BACKEND);
const TENANT = 'demo-bank';
const API_KEY = 'demo-key-change-me';
/** The local data bureau stand-in (packages/bureau-standin), in this process. */
const BUREAU_PORT = 8086;
const BUREAU_TOKEN = 'demo-bureau-token-change-me';
/**
 * The message providers' sandbox (packages/provider-sandbox), in this process: notification's e-mail, SMS, WhatsApp
 * and voice adapters talk to it as to the real providers, and it posts signed receipts back to notification.
 */
const PROVIDERS_PORT = 8087;
const PROVIDERS = `http://127.0.0.1:${PROVIDERS_PORT}`;
const PROVIDER_TOKENS = { email: 'dev-email-key', sms: 'dev-sms-token', whatsapp: 'dev-whatsapp-token', voice: 'dev-voice-key' };
const RECEIPTS_SECRET = 'dev-receipts-secret-change-me';
/** The bank's cobrança API stand-in (packages/bank-standin), in this process: it registers the cases' boletos. */
const BANK_PORT = 8088;
const BANK_TOKEN = 'demo-bank-token-change-me';
/** The demo PSP signs its Pix webhook calls with this (payment-reconciliation's `PAYMENT_PIX_WEBHOOK_SECRETS`). */
const PIX_WEBHOOK_SECRET = 'demo-pix-webhook-secret-change-me';
/** The demo bank's Kafka login on the banks' SASL/SCRAM listener (README, "Kafka doors"). */
const BANK_LOGIN = { username: 'demo-bank', password: 'demo-bank-kafka-change-me' };
const READY_TIMEOUT_MS = 60_000;
const SERVICE_STOP_GRACE_MS = 10_000;
const TAIL_LINES = 20;

interface ServiceSpec {
  name: ServiceName;
  port: number;
  env: Record<string, string>;
}

const SERVICES: ServiceSpec[] = [
  { name: 'ingestion', port: 8081, env: { INGESTION_API_KEYS: `${TENANT}:${API_KEY}`, INGESTION_TENANT_CREDITORS: `${TENANT}:11222333000181:Banco Exemplo S.A.` } },
  // The data bureau is the local stand-in (packages/bureau-standin), started below on 8086.
  { name: 'enrichment', port: 8082, env: { ENRICHMENT_BUREAU_URL: `http://127.0.0.1:${BUREAU_PORT}`, ENRICHMENT_BUREAU_TOKEN: BUREAU_TOKEN } },
  { name: 'scoring', port: 8083, env: { SCORING_API_KEYS: `${TENANT}:${API_KEY}` } },
  // The demo switches the state contact-hour laws off, so that reminders go out whatever the time of day.
  {
    name: 'notification',
    port: 8084,
    env: {
      NOTIFICATION_API_KEYS: `${TENANT}:${API_KEY}`,
      NOTIFICATION_DISPATCH_CRON: '*/5 * * * * *',
      NOTIFICATION_EMAIL_URL: `${PROVIDERS}/email`,
      NOTIFICATION_EMAIL_API_KEY: PROVIDER_TOKENS.email,
      NOTIFICATION_SMS_URL: `${PROVIDERS}/sms`,
      NOTIFICATION_SMS_API_TOKEN: PROVIDER_TOKENS.sms,
      NOTIFICATION_WHATSAPP_URL: `${PROVIDERS}/whatsapp`,
      NOTIFICATION_WHATSAPP_TOKEN: PROVIDER_TOKENS.whatsapp,
      NOTIFICATION_VOICE_URL: `${PROVIDERS}/voice`,
      NOTIFICATION_VOICE_API_KEY: PROVIDER_TOKENS.voice,
      NOTIFICATION_PROVIDER_LOOKUP_URL: PROVIDERS,
      NOTIFICATION_RECEIPTS_SECRET: RECEIPTS_SECRET,
      ...(demo ? { NOTIFICATION_ENFORCE_CONTACT_HOURS: 'false' } : {}),
    },
  },
  {
    name: 'payment-reconciliation',
    port: 8085,
    env: { PAYMENT_BANK_TENANTS: TENANT, PAYMENT_API_KEYS: `${TENANT}:${API_KEY}`, PAYMENT_PIX_WEBHOOK_SECRETS: `${TENANT}:${PIX_WEBHOOK_SECRET}`, PAYMENT_BANK_URL: `http://127.0.0.1:${BANK_PORT}`, PAYMENT_BANK_TOKEN: BANK_TOKEN },
  },
  // Credit-bureau registration and judicial tracking; the bureau's registration API is the stand-in on 8086 too.
  { name: 'legal', port: 8090, env: { LEGAL_API_KEYS: `${TENANT}:${API_KEY}`, LEGAL_BUREAU_URL: `http://127.0.0.1:${BUREAU_PORT}`, LEGAL_BUREAU_TOKEN: BUREAU_TOKEN, LEGAL_BUREAU_NAME: 'bureau-standin' } },
  // The BPO dashboard's read model and web UI. Demo-only users (README, "The BPO dashboard"): change them anywhere real.
  {
    name: 'dashboard',
    port: 8089,
    env: {
      DASHBOARD_ISSUER: 'http://127.0.0.1:8089',
      DASHBOARD_USERS: JSON.stringify([
        { id: 'gerente', name: 'Gerente (demo)', password: 'gerente-demo', roles: ['manager'], scopes: [{ tenant: TENANT, creditors: '*' }] },
        { id: 'operador', name: 'Operador (demo)', password: 'operador-demo', roles: ['operator'], scopes: [{ tenant: TENANT, creditors: '*' }] },
        { id: 'auditor', name: 'Auditor (demo)', password: 'auditor-demo', roles: ['auditor'], scopes: [{ tenant: TENANT, creditors: '*' }] },
      ]),
    },
  },
];

const stackDir = join(cacheDir, 'stack');
const logDir = join(stackDir, 'logs');
const logFileOf = (service: string) => join(logDir, `${service}.log`);

const children = new Map<string, ChildProcess>();
/** Each service's last lines, for the error message when it dies or never gets ready. */
const recentLines = new Map<string, string[]>();
let infraStarting: Promise<LocalInfra> | undefined;
let infra: LocalInfra | undefined;
let stopping = false;

const say = (line: string) => console.log(`${styleText('bold', '[stack]')} ${line}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

// ───────────────────────────── start-up ─────────────────────────────

async function main(): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => onSignal(signal));
  process.on('exit', killLeftovers);
  watchParent();

  await refuseIfPortsTaken();
  ensureInstalled();
  mkdirSync(logDir, { recursive: true });

  const t0 = performance.now();
  say('starting Kafka and FerretDB…');
  // Detached = a process group of their own. A terminal's Ctrl-C signals the whole foreground group, and a Kafka
  // stopping alongside the services keeps them from leaving their consumer groups: the next start then waits ~30 s
  // for those members' sessions to expire. Out of the group, Kafka and FerretDB are stopped by us, after the services.
  infraStarting = startLocalInfra({ baseDir: stackDir, kafkaPort: DEFAULT_PORTS.kafka, kafkaControllerPort: DEFAULT_PORTS.kafkaController, kafkaBankDoorPort: DEFAULT_PORTS.kafkaBankDoor, mongoPort: DEFAULT_PORTS.mongo, detached: true, storeBackend });
  infra = await infraStarting;
  if (stopping) return;
  watchInfra(infra);
  const t1 = performance.now();
  say(`Kafka ${infra.kafkaBrokers.join(',')} and FerretDB ${infra.mongoUrl} (on ${infra.storeBackend === 'postgresql' ? 'PostgreSQL' : 'SQLite'}) ready in ${seconds(t1 - t0)}`);
  // Once, before any service: five processes creating the same topics on a new broker is what used to fail.
  const topics = await createRegistryTopics(infra.kafkaBrokers);
  if (stopping) return;
  say(`${topics.length} topics of the registry (packages/contracts/src/topics.ts) ready`);
  // The demo bank's SCRAM login, allowed to write its own two doors and nothing else.
  await grantBankAccess(infra.kafkaBrokers, { ...BANK_LOGIN, topics: [inboundInvoicesTopicFor(TENANT), inboundPaymentsTopicFor(TENANT)] });
  if (stopping) return;
  say(`Kafka doors for ${TENANT}: ${inboundInvoicesTopicFor(TENANT)} and ${inboundPaymentsTopicFor(TENANT)} on ${infra.kafkaBankBrokers!.join(',')} (SASL/SCRAM-SHA-256, user ${BANK_LOGIN.username})`);

  if (demo) say('demo: NOTIFICATION_ENFORCE_CONTACT_HOURS=false, so reminders go out at any hour of the day (never do this in production)');
  await startBureauStandIn({ port: BUREAU_PORT, token: BUREAU_TOKEN });
  await startBankStandIn({ port: BANK_PORT, host: '127.0.0.1', token: BANK_TOKEN });
  // Receipts come quickly in the demo, so that its timelines show them (the defaults spread them over a minute).
  await startProviderSandbox({
    port: PROVIDERS_PORT,
    host: '127.0.0.1',
    tokens: PROVIDER_TOKENS,
    webhookUrl: 'http://127.0.0.1:8084/v1/receipts',
    webhookSecret: RECEIPTS_SECRET,
    ...(demo ? { delays: { deliveredMs: [300, 1_500], readMs: [1_500, 4_000], replyMs: [2_000, 5_000] } } : {}),
    seed: Date.now() % 1_000_000,
  });
  for (const service of SERVICES) startService(service, infra);
  await Promise.all(SERVICES.map((s) => waitReady(s)));
  if (stopping) return;
  say(`all services ready in ${seconds(performance.now() - t1)} (${seconds(performance.now())} since start)`);
  await registerDemoCreditor();
  printEndpoints();

  if (demo) await runDemoFeed(infra);
  if (!stopping) say('running; Ctrl-C stops everything');
}

/**
 * Every message names the creditor with its CNPJ and address (CDC art. 42-A): the demo creditor's profile, as a
 * creditor registers it once through notification's API.
 */
async function registerDemoCreditor(): Promise<void> {
  const cnpj = '11222333000181';
  const profile = { name: 'Banco Exemplo S.A.', address: { street: 'Avenida Paulista', number: '1000', complement: '10º andar', district: 'Bela Vista', city: 'São Paulo', uf: 'SP', cep: '01310-100' } };
  const response = await fetch(`http://127.0.0.1:8084/v1/creditors/${cnpj}`, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-api-key': API_KEY }, body: JSON.stringify(profile) });
  if (!response.ok) throw new Error(`registering the demo creditor's profile failed: ${response.status} ${await response.text()}`);
  say(`creditor profile of ${profile.name} (CNPJ ${cnpj}) registered with notification: messages name it with its address`);
}

/** A second copy of Kafka cannot start on a port `pnpm infra:up` (or another stack) already holds. */
async function refuseIfPortsTaken(): Promise<void> {
  const ports = [
    { what: 'Kafka', port: DEFAULT_PORTS.kafka },
    { what: 'Kafka controller', port: DEFAULT_PORTS.kafkaController },
    { what: "Kafka's bank door", port: DEFAULT_PORTS.kafkaBankDoor },
    { what: 'the data bureau stand-in', port: BUREAU_PORT },
    { what: 'the message providers sandbox', port: PROVIDERS_PORT },
    { what: "the bank's cobrança API stand-in", port: BANK_PORT },
    { what: 'FerretDB', port: DEFAULT_PORTS.mongo },
    ...SERVICES.map((s) => ({ what: s.name, port: s.port })),
  ];
  const taken: string[] = [];
  for (const { what, port } of ports) if (await portTaken(port)) taken.push(`${port} (${what})`);
  if (taken.length === 0) return;
  const infraUp = existsSync(join(cacheDir, 'run', 'infra.json'));
  throw new Error(
    `already in use: port ${taken.join(', ')}. ` +
      (infraUp ? 'Kafka and FerretDB from `pnpm infra:up` are running: run `pnpm infra:down` first.' : 'Is `pnpm infra:up` or another `pnpm stack` running? Run `pnpm infra:down` (or stop the other stack) first.'),
  );
}

function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

/** Kafka and FerretDB are our children too: if one dies, the services are useless. */
function watchInfra(running: LocalInfra): void {
  const timer = setInterval(() => {
    if (stopping) return clearInterval(timer);
    for (const [name, pid] of Object.entries(running.pids)) {
      if (isAlive(pid)) continue;
      clearInterval(timer);
      const log = running.logs[name as keyof LocalInfra['logs']];
      say(`${name} (pid ${pid}) exited unexpectedly; last lines of ${log}:\n${tail(log)}`);
      void shutdown(1);
      return;
    }
  }, 1000);
  timer.unref();
}

/** If pnpm is killed on its own (an IDE's stop button), nobody would ever signal us: stop with it. */
function watchParent(): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent && !stopping) void shutdown(1, 'parent process went away');
  }, 1000).unref();
}

// ───────────────────────────── services ─────────────────────────────

function startService(service: ServiceSpec, running: LocalInfra): void {
  const child = spawnService(service.name, localServiceEnv(running, service.port, { LOG_LEVEL: 'info', ...service.env }));
  children.set(service.name, child);

  // One file per run; the last lines are also kept in memory, for error messages.
  const raw = createWriteStream(logFileOf(service.name), { flags: 'w' });
  const recent: string[] = [];
  recentLines.set(service.name, recent);
  for (const stream of [child.stdout!, child.stderr!]) {
    // end: false — stdout and stderr share the file; the first to end must not close it under the other.
    stream.pipe(raw, { end: false });
    createInterface({ input: stream }).on('line', (line) => {
      if (recent.push(line) > TAIL_LINES) recent.shift();
      const shown = pretty(service.name, line);
      if (shown) console.log(shown);
    });
  }
  // 'close', not 'exit': by then its last words (a stack trace on stderr) have been read.
  child.on('close', (code, signal) => {
    if (stopping) return;
    say(`${service.name} exited unexpectedly (code ${code}, signal ${signal}); its last lines:\n${serviceTail(service.name)}`);
    void shutdown(1);
  });
}

const serviceTail = (name: string) => (recentLines.get(name) ?? []).join('\n') || '(nothing logged)';

async function waitReady(service: ServiceSpec): Promise<void> {
  const child = children.get(service.name)!;
  const readiness = await waitServiceReady(child, service.port, READY_TIMEOUT_MS, () => !stopping);
  if (readiness.ready || stopping) return;
  throw new Error(`${service.name} ${readiness.why} (log ${logFileOf(service.name)}); its last lines:\n${serviceTail(service.name)}`);
}

function printEndpoints(): void {
  for (const s of SERVICES) console.log(`  ${s.name.padEnd(23)} http://127.0.0.1:${s.port}   (log ${logFileOf(s.name)})`);
  console.log(`  ${'provider sandbox'.padEnd(23)} ${PROVIDERS}   (every message it took: ${PROVIDERS}/_sandbox/requests)`);
  console.log(`  ${'kafka'.padEnd(23)} ${infra!.kafkaBrokers.join(',')}   (log ${infra!.logs.kafka})`);
  console.log(`  ${'ferretdb'.padEnd(23)} ${infra!.mongoUrl}   (log ${infra!.logs.ferretdb})`);
  console.log(`\n  BPO dashboard: http://127.0.0.1:8089 (demo users gerente/gerente-demo, operador/operador-demo, auditor/auditor-demo)`);
  if (demo) return;
  console.log(`\n  Send an invoice (full example in README.md, "Sending the first invoice"):`);
  console.log(`    curl -i -X POST http://127.0.0.1:8081/v1/invoices -H 'content-type: application/json' -H 'x-api-key: ${API_KEY}' -d @invoice.json`);
  console.log(`  Then read its case: curl http://127.0.0.1:8084/v1/cases/${TENANT}:<externalId> -H 'x-api-key: ${API_KEY}'\n`);
}

// ───────────────────────────── console log lines ─────────────────────────────

const SHOWN_FIELDS = ['invoiceId', 'caseId', 'outcome', 'segment', 'score', 'discardedContacts', 'channel', 'to', 'paymentId', 'settled', 'outstandingCents', 'reason', 'until', 'text', 'err'];
const lastMsg = new Map<string, string>();

/** One readable line per JSON log entry: HH:MM:SS service msg key=value… ('' hides the line). */
function pretty(service: string, line: string): string {
  const label = styleText('cyan', service.padEnd(22));
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `         ${label} ${line}`;
  }
  // The raw log keeps everything; the console skips kafkajs' retried protocol hiccups and healthy HTTP requests.
  if (entry.logger === 'kafkajs') return '';
  if (entry.msg === 'http request' && Number(entry.status) < 400) return '';
  // A terminal Ctrl-C reaches a service directly and again through our SIGTERM: say it once.
  const msg = String(entry.msg ?? '');
  if (msg === 'shutting down' && lastMsg.get(service) === msg) return '';
  lastMsg.set(service, msg);

  const fields = SHOWN_FIELDS.filter((f) => entry[f] !== undefined).map((f) => `${styleText('dim', `${f}=`)}${show(entry[f])}`);
  const level = Number(entry.level);
  const text = level >= 50 ? styleText('red', msg) : level >= 40 ? styleText('yellow', msg) : msg;
  return `${clock(entry.time)} ${label} ${text} ${fields.join(' ')}`.trimEnd();
}

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  // pino serialises errors as { type, message, stack }; the message is enough here.
  if (value && typeof value === 'object' && 'message' in value) return String(value.message);
  return JSON.stringify(value);
}

/** HH:MM:SS in local time (the services log UTC ISO timestamps). */
function clock(iso: unknown): string {
  const date = typeof iso === 'string' || iso instanceof Date ? new Date(iso) : new Date();
  return date.toLocaleTimeString('en-GB', { hour12: false });
}

function tail(file: string, lines = TAIL_LINES): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// ───────────────────────────── demo feed ─────────────────────────────

interface DemoItem {
  invoice: Invoice;
  /** Centavos the debtor pays by Pix during the demo, if any. */
  pays?: number;
}

interface DemoDebtor {
  name: string;
  cpf: string;
  uf: 'SP' | 'RJ' | 'AM';
  city: string;
  cep: string;
  phones: string[];
}

/** Ids unique to this run, so a second demo on the same data shows a fresh flow instead of duplicates. */
function demoFeed(run = Date.now().toString(36).toUpperCase()): DemoItem[] {
  const item = (n: number, debtor: DemoDebtor, amountCents: number, productType: Invoice['productType'], daysOverdue: number, pays?: number): DemoItem => ({
    invoice: exampleInvoice({
      externalId: `DEMO-${run}-${n}`,
      // The creditor's own Pix charge for the invoice: the PSP's webhook names its txid when the debtor pays.
      paymentInstruments: { pix: { txid: `DEMO${run}${n}`.replace(/[^A-Za-z0-9]/g, '').padEnd(26, '0').slice(0, 35) } },
      amountCents,
      productType,
      issueDate: daysAgo(daysOverdue + 30),
      dueDate: daysAgo(daysOverdue),
      debtor: {
        externalId: `CUST-${run}-${n}`,
        name: debtor.name,
        taxId: { type: 'cpf', number: debtor.cpf },
        emails: [`${asciiFirstName(debtor.name)}.${n}@example.com`],
        phones: debtor.phones,
        address: { street: 'Rua Exemplo', number: String(10 * n), district: 'Centro', city: debtor.city, uf: debtor.uf, cep: debtor.cep },
      },
    }),
    ...(pays ? { pays } : {}),
  });
  // CPFs are check-digit-valid test numbers, not real people.
  const maria: DemoDebtor = { name: 'Maria da Silva', cpf: '12345678909', uf: 'SP', city: 'São Paulo', cep: '01001-000', phones: ['(11) 98765-4321'] };
  const joao: DemoDebtor = { name: 'João Pereira', cpf: '98765432100', uf: 'RJ', city: 'Rio de Janeiro', cep: '20010-000', phones: ['21 99876-5432'] };
  const ana: DemoDebtor = { name: 'Ana Souza', cpf: '11144477735', uf: 'AM', city: 'Manaus', cep: '69005-000', phones: ['+55 92 98111-2233'] };
  // A landline only, and no phone at all: these two can be reached by e-mail only.
  const carlos: DemoDebtor = { name: 'Carlos Lima', cpf: '39053344705', uf: 'SP', city: 'São Paulo', cep: '04001-000', phones: ['(11) 3456-7890'] };
  const beatriz: DemoDebtor = { name: 'Beatriz Costa', cpf: '27548438923', uf: 'RJ', city: 'Rio de Janeiro', cep: '22010-000', phones: [] };
  return [
    item(1, maria, 15990, 'telecom', 12, 15990),
    item(2, joao, 250000, 'loan', 70, 100000),
    item(3, ana, 8990, 'subscription', 5, 8990),
    item(4, carlos, 43000, 'retail', 54),
    item(5, beatriz, 120050, 'credit_card', 96),
  ];
}

const brl = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });

async function runDemoFeed(running: LocalInfra): Promise<void> {
  const feed = demoFeed();
  const caseIds = await postInvoices(feed);
  if (stopping || caseIds.length === 0) return;

  // Give the reader time to follow the reminders before the money comes in.
  await sleep(8000);
  await waitForCases(caseIds, (view) => view.deliveries.length > 0, 20_000);
  if (stopping) return;
  await sendPayments(running, feed);

  const settled = new Set(feed.filter((i) => i.pays === i.invoice.amountCents).map((i) => `${TENANT}:${i.invoice.externalId}`));
  await waitForCases(caseIds, (view, id) => !settled.has(id) || view.case.status === 'closed', 20_000);
  if (!stopping) await printTimelines(caseIds);
}

/** POSTs each invoice; returns the invoice ids from ingestion's 202, which are also the notification case ids. */
async function postInvoices(feed: DemoItem[]): Promise<string[]> {
  say(`demo: a bank posts ${feed.length} overdue invoices to ingestion`);
  const ids: string[] = [];
  for (const { invoice } of feed) {
    const body = exampleSubmission(randomUUID(), new Date().toISOString(), invoice);
    const response = await fetch('http://127.0.0.1:8081/v1/invoices', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': API_KEY }, body: JSON.stringify(body) });
    const result = (await response.json()) as { invoiceId?: string; outcome?: string; error?: unknown };
    if (response.status !== 202 || !result.invoiceId) {
      say(`demo: ingestion refused ${invoice.externalId} (${response.status}): ${JSON.stringify(result.error ?? result)}`);
      continue;
    }
    say(`demo: ${invoice.externalId} ${invoice.debtor.address?.uf} ${brl.format(invoice.amountCents / 100)} → ${response.status} invoiceId=${result.invoiceId} outcome=${result.outcome}`);
    ids.push(result.invoiceId);
  }
  return ids;
}

async function sendPayments(running: LocalInfra, feed: DemoItem[]): Promise<void> {
  const paying = feed.filter((i) => i.pays);
  // Full payments come by the PSP's Pix webhook (signed), a partial one on the bank's Kafka door: both doors, one matching.
  const byWebhook = paying.filter((i) => i.pays === i.invoice.amountCents);
  const byKafka = paying.filter((i) => i.pays !== i.invoice.amountCents);
  say(`demo: the PSP posts ${byWebhook.length} Pix receipts to the Pix webhook (POST /v1/webhooks/pix/${TENANT}/pix, signed), and the bank reports ${byKafka.length} partial payment on its Kafka door ${inboundPaymentsTopicFor(TENANT)}, logged in as ${BANK_LOGIN.username}`);
  const pix = byWebhook.map(({ invoice, pays }, n) => ({
    endToEndId: `E00000000${new Date().toISOString().replace(/\D/g, '').slice(0, 12)}${`DEMO${n}${Date.now().toString(36)}`.toUpperCase().padEnd(11, '0').slice(0, 11)}`,
    txid: invoice.paymentInstruments!.pix!.txid!,
    valor: (pays! / 100).toFixed(2),
    horario: new Date().toISOString(),
    infoPagador: 'pagamento da fatura',
  }));
  const body = JSON.stringify({ pix });
  const signature = `sha256=${createHmac('sha256', PIX_WEBHOOK_SECRET).update(body).digest('hex')}`;
  const response = await fetch(`http://127.0.0.1:8085/v1/webhooks/pix/${TENANT}/pix`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-regua-signature': signature }, body });
  if (!response.ok) say(`demo: the Pix webhook answered ${response.status}: ${await response.text()}`);
  const producer = new Kafka({ clientId: 'demo-bank', brokers: running.kafkaBankBrokers!, sasl: { mechanism: 'scram-sha-256', ...BANK_LOGIN }, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  try {
    const messages = byKafka.map(({ invoice, pays }) => {
      const envelope = buildEnvelope(
        PaymentReceivedV1,
        { id: randomUUID(), occurredAt: new Date(), source: 'demo-bank', tenant: TENANT, correlationId: randomUUID() },
        { paymentId: `DEMO-PIX-${invoice.externalId}`, method: 'pix', invoiceExternalId: invoice.externalId, amountCents: pays!, paidAt: new Date().toISOString() },
      );
      return { key: debtorKey(TENANT, invoice.debtor.externalId), value: JSON.stringify(envelope) };
    });
    await producer.send({ topic: inboundPaymentsTopicFor(TENANT), messages });
  } finally {
    await producer.disconnect();
  }
}

interface CaseView {
  case: { _id: string; status: string; strategy: string; arm: string; closeReason?: string; timeline: Array<{ at: string; what: string }> };
  deliveries: Array<{ stepId: string; channel: string; template: string; subject?: string; text: string; sentAt: string }>;
}

async function fetchCase(caseId: string): Promise<CaseView | undefined> {
  const response = await fetch(`http://127.0.0.1:8084/v1/cases/${encodeURIComponent(caseId)}`, { headers: { 'x-api-key': API_KEY } }).catch(() => undefined);
  return response?.ok ? ((await response.json()) as CaseView) : undefined;
}

/** Polls until every case passes `done` (or the timeout: the timelines then show where the pipeline stands). */
async function waitForCases(caseIds: string[], done: (view: CaseView, caseId: string) => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    const views = await Promise.all(caseIds.map(fetchCase));
    if (views.every((view, i) => view && done(view, caseIds[i]!))) return;
    await sleep(500);
  }
}

async function printTimelines(caseIds: string[]): Promise<void> {
  say('demo: case timelines, from the notification service (GET http://127.0.0.1:8084/v1/cases/:caseId)');
  for (const caseId of caseIds) {
    const view = await fetchCase(caseId);
    if (!view) {
      console.log(`\n  ${styleText('bold', caseId)}  no case (yet)`);
      continue;
    }
    const { status, strategy, arm, closeReason } = view.case;
    console.log(`\n  ${styleText('bold', caseId)}  case ${view.case._id} status=${status}${closeReason ? ` (${closeReason})` : ''} strategy=${strategy} arm=${arm}`);
    for (const entry of view.case.timeline) console.log(`    ${clock(entry.at)}  ${entry.what}`);
    for (const d of view.deliveries) console.log(`    ↳ ${d.stepId} by ${d.channel} (${d.template}): "${(d.subject ? `${d.subject} — ` : '') + d.text.replace(/\s*\n\s*/g, ' ')}"`);
  }
  console.log(`\n  The same cases, their KPIs and the work queue in the BPO dashboard: http://127.0.0.1:8089 (operador / operador-demo)`);
  console.log('');
}

// ───────────────────────────── shutdown ─────────────────────────────

/** First signal: orderly stop. A second one: the user is impatient, kill everything now. */
function onSignal(signal: NodeJS.Signals): void {
  if (!stopping) return void shutdown(0, signal);
  say(`${signal} again: killing everything`);
  killLeftovers();
  // Kafka or FerretDB may still be starting: kill them as soon as their pids are known.
  void Promise.resolve(infraStarting)
    .then((started) => {
      infra ??= started;
      killLeftovers();
    }, () => undefined)
    .finally(() => process.exit(130));
}

/** Last resort on any exit (a crash, a forced stop): nothing we started may outlive us. */
function killLeftovers(): void {
  for (const child of children.values()) if (child.pid && child.exitCode === null && child.signalCode === null) killQuietly(child.pid);
  if (infra) for (const pid of Object.values(infra.pids)) if (isAlive(pid)) killQuietly(pid);
}

/** Services first (they commit offsets and close connections), then Kafka and FerretDB. */
async function shutdown(code: number, reason?: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (!infraStarting) process.exit(code); // nothing started yet
  say(`${reason ? `${reason}: ` : ''}stopping services, Kafka and FerretDB…`);
  await Promise.all([...children.values()].map((child) => (child.pid ? stopPid(child.pid, SERVICE_STOP_GRACE_MS) : undefined)));
  // Stopped while Kafka or FerretDB were still starting: let them finish, so there is something to stop.
  infra ??= await infraStarting.catch(() => undefined);
  await infra?.stop();
  say('stopped');
  process.exit(code);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** "João Pereira" → "joao": e-mail local parts stay ASCII. */
function asciiFirstName(name: string): string {
  return name.split(' ')[0]!.normalize('NFD').replace(/[^a-zA-Z]/g, '').toLowerCase();
}

function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

main().catch(async (error: unknown) => {
  if (stopping) return;
  console.error(`${styleText('red', '[stack] failed:')} ${(error as Error).message}`);
  await shutdown(1);
});
