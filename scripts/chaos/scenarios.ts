// The faults, each injected while a scenario's feed is flowing. A fault marks when it started and ended; the runner
// counts what happened from the records.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { buildEnvelope, DebtorScoredV1, debtorKey, inboundInvoicesTopicFor, InvoiceRegisteredV1, PaymentReceivedV1 } from '@regua/contracts';
import { isAlive, sleep, startLocalKafka, type ServiceName } from '@regua/local-infra';
import type { Producer } from 'kafkajs';
import type { BenchCluster } from '../bench/cluster.ts';
import type { FeedRecord } from '../bench/feed.ts';
import type { ProviderStandIn } from './provider-standin.ts';
import type { TopicRecords } from './records.ts';

export interface FaultContext {
  cluster: BenchCluster;
  standIn: ProviderStandIn;
  producer: Producer;
  records: TopicRecords;
  tenant: string;
  /** The scenario's externalId prefix: its poison and payments are told apart by it. */
  prefix: string;
  /** How long the scenario's feed lasts, ms. */
  feedMs: number;
  /** Feed records accepted so far. */
  accepted(): ReadonlyMap<string, FeedRecord>;
  /** Accepted invoices without a first reminder yet. */
  inFlight(): number;
  say(line: string): void;
  /** Call when the fault begins and when it is over (the service is back, the broker answers…). */
  faultStarts(what: string): void;
  faultEnds(): void;
  /** Extra expectations the scenario checks: each failure is a sentence, and fails the row. */
  fail(why: string): void;
  /** An invoice the scenario brought in by other means than the feed: it must get its first reminder, once. */
  expect(invoiceId: string): void;
  /** A line for the report. */
  note(line: string): void;
  /** Remembers a payment sent, with the paid total it must bring its invoice to. */
  paymentSent(paymentId: string, expectedPaidTotal: number): void;
  /** Waits until the pipeline is quiet (every accepted invoice reminded, no lag), or the settle timeout. */
  settle(): Promise<void>;
}

export interface Scenario {
  name: string;
  what: string;
  /** Share of records resent with the same event id (through either door), and through the Kafka door. */
  feed?: { duplicates?: number; kafkaShare?: number };
  /** Runs alongside the feed. */
  during(ctx: FaultContext): Promise<void>;
  /** Runs once the pipeline is quiet after the feed. */
  after?(ctx: FaultContext): Promise<void>;
}

const KILL_AT = 0.35;

/** SIGKILL a service while a batch is going through it, start it again at once. */
function killService(name: ServiceName): Scenario {
  return {
    name: `sigkill-${name}`,
    what: `SIGKILL ${name} mid-batch, restart it`,
    async during(ctx) {
      await sleep(ctx.feedMs * KILL_AT);
      await busy(ctx);
      if (name === 'notification') {
        // Mid-batch for the dispatcher: once the provider has begun taking this scenario's messages.
        const seen = ctx.standIn.received().length;
        const deadline = Date.now() + ctx.feedMs;
        while (Date.now() < deadline && !ctx.standIn.received().slice(seen).some((m) => m.reference.includes(ctx.prefix))) await sleep(20);
      }
      ctx.faultStarts(`SIGKILL ${name}`);
      await ctx.cluster.killService(name, 'SIGKILL');
      // The fault ends when the process is started again: rejoining its group (the dead member's session times out
      // first) is part of the recovery.
      const ready = ctx.cluster.restartService(name);
      ctx.faultEnds();
      const readiness = await ready;
      if (!readiness.ready) ctx.fail(`${name} did not come back: ${readiness.why}`);
    },
  };
}

/** Until some invoices are on their way through the pipeline (a batch is being worked), for at most a second. */
async function busy(ctx: FaultContext): Promise<void> {
  const deadline = Date.now() + 1000;
  while (Date.now() < deadline && ctx.inFlight() < 3) await sleep(10);
}

async function waitGone(pid: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
}

const kafkaRestart: Scenario = {
  name: 'kafka-restart',
  what: 'SIGKILL the broker under load, start it again on the same data and ports after 5 s',
  async during(ctx) {
    await sleep(ctx.feedMs * KILL_AT);
    await busy(ctx);
    const { infra } = ctx.cluster;
    const pid = ctx.cluster.pids().kafka!;
    ctx.faultStarts('SIGKILL kafka');
    process.kill(pid, 'SIGKILL');
    await waitGone(pid, 10_000);
    await sleep(5000);
    const kafka = await startLocalKafka({ dataDir: join(infra.baseDir, 'kafka'), port: infra.kafkaPort, controllerPort: infra.kafkaControllerPort, detached: true });
    ctx.cluster.replaceInfraPid('kafka', kafka.pid);
    ctx.faultEnds();
  },
};

const DB_STOP_MS = 30_000;

const databaseStop: Scenario = {
  name: 'database-stop',
  what: `SIGSTOP FerretDB for ${DB_STOP_MS / 1000} s under load, then SIGCONT`,
  async during(ctx) {
    await sleep(ctx.feedMs * 0.25);
    const pid = ctx.cluster.pids().ferretdb!;
    ctx.faultStarts('SIGSTOP ferretdb');
    process.kill(pid, 'SIGSTOP');
    try {
      await sleep(DB_STOP_MS);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    ctx.faultEnds();
  },
};

const STALL_MS = 20_000;

const providerTimeout: Scenario = {
  name: 'provider-timeout',
  what: `the provider holds every request unanswered for ${STALL_MS / 1000} s (the channel times out)`,
  async during(ctx) {
    await sleep(ctx.feedMs * 0.25);
    ctx.faultStarts('provider stalls');
    ctx.standIn.stallFor(STALL_MS);
    await sleep(STALL_MS);
    ctx.faultEnds();
  },
};

const POISON_EACH = 10;

/** Poison on the inbound door and on an internal topic: every one must be dead-lettered, everything else processed. */
const poison: Scenario = {
  name: 'poison',
  what: `${POISON_EACH} malformed JSON + ${POISON_EACH} schema-invalid records on the tenant's Kafka door, and 2 of each on ${InvoiceRegisteredV1.topic}`,
  async during(ctx) {
    await sleep(ctx.feedMs * KILL_AT);
    const marker = (n: number) => `chaos-poison-${ctx.prefix}${n}`;
    const inbound = Array.from({ length: POISON_EACH * 2 }, (_, n) => ({
      key: `${ctx.tenant}:poison-${n}`,
      value: n % 2 === 0 ? `{"tenant":"${ctx.tenant}","marker":"${marker(n)}", "invoice": {` : JSON.stringify({ tenant: ctx.tenant, marker: marker(n), eventId: 'not-a-uuid', invoice: { externalId: marker(n) } }),
    }));
    const internal = Array.from({ length: 4 }, (_, n) => ({
      key: `${ctx.tenant}:poison-internal-${n}`,
      value: n % 2 === 0 ? `{"id":"${marker(100 + n)}", "data": ` : JSON.stringify({ id: randomUUID(), type: 'InvoiceRegistered', version: 1, marker: marker(100 + n), data: { invoiceId: 42 } }),
    }));
    ctx.faultStarts('poison produced');
    await ctx.producer.send({ topic: inboundInvoicesTopicFor(ctx.tenant), acks: -1, messages: inbound });
    await ctx.producer.send({ topic: InvoiceRegisteredV1.topic, acks: -1, messages: internal });
    ctx.faultEnds();
  },
  async after(ctx) {
    const mine = (topicSuffix: string) => ctx.records.deadLetters.filter((d) => d.topic.endsWith(topicSuffix) && d.value.includes(`chaos-poison-${ctx.prefix}`));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && mine('ingestion.inbound.dlq.v1').length < POISON_EACH * 2) await sleep(500);
    const inbound = new Set(mine('ingestion.inbound.dlq.v1').map((d) => d.value));
    if (inbound.size !== POISON_EACH * 2) ctx.fail(`${inbound.size} of ${POISON_EACH * 2} inbound poison records dead-lettered in regua.ingestion.inbound.dlq.v1`);
    ctx.note(`${inbound.size} of ${POISON_EACH * 2} inbound poison records dead-lettered`);
    for (const group of ['enrichment.dlq.v1', 'payment-reconciliation.invoices.dlq.v1']) {
      const got = new Set(mine(group).map((d) => d.value)).size;
      ctx.note(`${got} of 4 internal poison records dead-lettered in regua.${group}`);
      if (got !== 4) ctx.fail(`${got} of 4 poison ${InvoiceRegisteredV1.topic} records dead-lettered in regua.${group}`);
    }
  },
};

const PAYMENTS = 20;

/** The feed resends event ids through both doors; then payments are delivered twice each. */
const duplicates: Scenario = {
  name: 'duplicates',
  what: 'same bank event twice (same eventId, HTTP and Kafka doors), and the same payment twice (same envelope, and a new envelope with the same paymentId)',
  feed: { duplicates: 0.3, kafkaShare: 0.5 },
  async during(ctx) {
    await sleep(ctx.feedMs * 0.1);
    ctx.faultStarts('duplicates in the feed');
    await sleep(ctx.feedMs * 0.8);
    ctx.faultEnds();
  },
  async after(ctx) {
    const invoices = [...ctx.accepted().values()].slice(0, PAYMENTS);
    for (const [n, record] of invoices.entries()) {
      const { invoice } = record.submission;
      const paymentId = `CHAOS-PIX-${ctx.prefix}${n}`;
      const amountCents = Math.max(1, Math.floor(invoice.amountCents / 2));
      const payment = () => buildEnvelope(PaymentReceivedV1, { id: randomUUID(), occurredAt: new Date(), source: 'chaos-psp', tenant: ctx.tenant, correlationId: randomUUID() }, { paymentId, method: 'pix', invoiceExternalId: invoice.externalId, amountCents, paidAt: new Date().toISOString() });
      const key = debtorKey(ctx.tenant, record.debtorExternalId);
      const first = JSON.stringify(payment());
      // Even: the same bytes redelivered. Odd: the PSP's webhook retried, a new envelope for the same payment.
      const second = n % 2 === 0 ? first : JSON.stringify(payment());
      await ctx.producer.send({ topic: PaymentReceivedV1.topic, acks: -1, messages: [{ key, value: first }] });
      await ctx.producer.send({ topic: PaymentReceivedV1.topic, acks: -1, messages: [{ key, value: second }] });
      ctx.paymentSent(paymentId, amountCents);
    }
    const deadline = Date.now() + 60_000;
    const reconciled = () => new Set(ctx.records.reconciliations.map((r) => r.paymentId).filter((id) => id.startsWith(`CHAOS-PIX-${ctx.prefix}`))).size;
    while (Date.now() < deadline && reconciled() < invoices.length) await sleep(500);
    if (reconciled() < invoices.length) ctx.fail(`${reconciled()} of ${invoices.length} payments reconciled within 60 s`);
    ctx.note(`${invoices.length} payments delivered twice each, ${reconciled()} reconciled`);
    await replayScoredTwice(ctx);
    await ctx.settle();
  },
};

const REPLAYED = 5;

/**
 * A `debtor.scored` event delivered twice in one batch (a producer retry or a re-run upstream puts the same event on
 * the topic twice, as the Kafka restart and the database stop do): for a new case, its first step must be sent once.
 */
async function replayScoredTwice(ctx: FaultContext): Promise<void> {
  const mine = ctx.records.scored.filter((m) => m.value.includes(`"invoiceId":"${ctx.tenant}:${ctx.prefix}`)).slice(0, REPLAYED);
  const messages = mine.flatMap(({ key, value }) => {
    const envelope = JSON.parse(value) as { id: string; data: { invoiceId: string } };
    envelope.id = randomUUID();
    envelope.data.invoiceId = `${envelope.data.invoiceId}-twice`;
    ctx.expect(envelope.data.invoiceId);
    const twice = JSON.stringify(envelope);
    return [{ key, value: twice }, { key, value: twice }];
  });
  await ctx.producer.send({ topic: DebtorScoredV1.topic, acks: -1, messages });
  ctx.note(`${mine.length} debtor.scored events for new cases, each sent twice in one produce request`);
}

export const SCENARIOS: readonly Scenario[] = [
  ...(['ingestion', 'enrichment', 'scoring', 'notification', 'payment-reconciliation'] as const).map(killService),
  kafkaRestart,
  databaseStop,
  providerTimeout,
  poison,
  duplicates,
];

export const SHORT_SUITE = ['sigkill-notification', 'duplicates'];
