// Adapter: sends the feed through ingestion's two doors, the HTTP batch endpoint and the bank Kafka topic.
import { inboundInvoicesTopicFor } from '@regua/contracts';
import { sleep } from '@regua/local-infra';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { kafkaDoorMessage, planChunks, type FeedRecord } from './feed.ts';

export interface SendSettings {
  records: readonly FeedRecord[];
  tenant: string;
  apiKey: string;
  ingestionUrl: string;
  brokers: string[];
  rate?: number;
  batch: number;
  concurrency: number;
  /** ms since the bench's start. */
  now(): number;
  stillWanted(): boolean;
  /** A record was accepted: a 202 item through HTTP, a produce acknowledgement through Kafka. */
  onAccepted(record: FeedRecord, atMs: number): void;
  /**
   * As a bank would: an HTTP request that got no answer or a 5xx is sent again (same event ids) every second, for
   * up to this long. Unset: never (the bench measures what it offered).
   */
  retryHttpForMs?: number;
}

export interface SendReport {
  records: number;
  sentRecords: number;
  startedS: number;
  /** When the last record was handed to its door. */
  dispatchedS: number;
  /** When the last answer came back. */
  finishedS: number;
  /** Records handed to the doors per second: the offered load achieved. */
  achievedPerSecond: number;
  http: { requests: number; records: number; outcomes: Record<string, number>; failedRequests: number; retries: number; requestMs: { max: number; mean: number } };
  kafka: { sends: number; records: number; failedRecords: number };
  errors: string[];
}

interface BatchAnswer {
  results: Array<{ index: number; status: 'accepted' | 'rejected'; outcome?: string }>;
}

/** Opens the bank's producer (the same settings as the services' bus) and sends the feed; resolves when every chunk was answered. */
export async function sendFeed(settings: SendSettings): Promise<SendReport> {
  const kafka = new Kafka({ clientId: 'bench-bank', brokers: settings.brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();

  const report: SendReport = {
    records: settings.records.length,
    sentRecords: 0,
    startedS: settings.now() / 1000,
    dispatchedS: 0,
    finishedS: 0,
    achievedPerSecond: 0,
    http: { requests: 0, records: 0, outcomes: {}, failedRequests: 0, retries: 0, requestMs: { max: 0, mean: 0 } },
    kafka: { sends: 0, records: 0, failedRecords: 0 },
    errors: [],
  };
  const fail = (what: string) => {
    if (report.errors.length < 20) report.errors.push(what);
  };
  let requestMsTotal = 0;

  async function postBatch(items: FeedRecord[]): Promise<void> {
    const giveUpAt = settings.now() + (settings.retryHttpForMs ?? 0);
    for (;;) {
      const answered = await postBatchOnce(items);
      if (answered || settings.now() >= giveUpAt || !settings.stillWanted()) return;
      report.http.retries++;
      await sleep(1000);
    }
  }

  /** False when it is worth sending again: no answer, or a server error. */
  async function postBatchOnce(items: FeedRecord[]): Promise<boolean> {
    const started = settings.now();
    try {
      const response = await fetch(`${settings.ingestionUrl}/v1/invoices:batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': settings.apiKey },
        body: JSON.stringify({ invoices: items.map((r) => r.submission) }),
      });
      const at = settings.now();
      const body = (await response.json()) as BatchAnswer;
      report.http.requests++;
      report.http.records += items.length;
      requestMsTotal += at - started;
      report.http.requestMs.max = Math.max(report.http.requestMs.max, at - started);
      if (response.status !== 202) {
        report.http.failedRequests++;
        fail(`HTTP ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
        return response.status < 500;
      }
      for (const result of body.results) {
        const key = result.status === 'rejected' ? 'rejected' : (result.outcome ?? 'accepted');
        report.http.outcomes[key] = (report.http.outcomes[key] ?? 0) + 1;
        if (result.status === 'accepted') settings.onAccepted(items[result.index]!, at);
      }
      return true;
    } catch (error) {
      report.http.failedRequests++;
      fail(`HTTP request failed: ${(error as Error).message}`);
      return false;
    }
  }

  // One send at a time (an idempotent producer with one request in flight, like the services' bus). Records
  // that arrive while a send is in flight wait and go together in the next one, up to `batch`, as a producer's
  // own batching would do: the bench does not queue sends of its own behind each other.
  const waiting: Array<{ items: FeedRecord[]; done: () => void }> = [];
  let sender: Promise<void> | undefined;
  async function drain(): Promise<void> {
    while (waiting.length > 0) {
      const taken: typeof waiting = [];
      let count = 0;
      while (waiting.length > 0 && (count === 0 || count + waiting[0]!.items.length <= settings.batch)) {
        const next = waiting.shift()!;
        taken.push(next);
        count += next.items.length;
      }
      const items = taken.flatMap((t) => t.items);
      try {
        await producer.send({ topic: inboundInvoicesTopicFor(settings.tenant), acks: -1, messages: items.map((r) => ({ key: `${settings.tenant}:${r.debtorExternalId}`, value: kafkaDoorMessage(settings.tenant, r) })) });
        const at = settings.now();
        report.kafka.sends++;
        report.kafka.records += items.length;
        for (const record of items) settings.onAccepted(record, at);
      } catch (error) {
        report.kafka.failedRecords += items.length;
        fail(`Kafka send failed: ${(error as Error).message}`);
      }
      for (const t of taken) t.done();
    }
    sender = undefined;
  }
  function produce(items: FeedRecord[]): Promise<void> {
    const acked = new Promise<void>((done) => waiting.push({ items, done }));
    sender ??= drain();
    return acked;
  }

  // Each door is its own sender, so a slow HTTP answer does not hold back the Kafka door or the other way round.
  // At a fixed rate the loop is open (a slow answer does not delay the next chunk, up to a bound); otherwise closed.
  const plan = planChunks(settings.records.length, settings.batch, settings.rate);
  const start = settings.now();
  async function runDoor(door: 'http' | 'kafka', maxInFlight: number, send: (items: FeedRecord[]) => Promise<void>): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    for (const chunk of plan) {
      const items = settings.records.slice(chunk.from, chunk.to).filter((r) => r.door === door);
      if (items.length === 0) continue;
      const wait = start + chunk.atMs - settings.now();
      if (wait > 0) await sleep(wait);
      while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
      if (!settings.stillWanted()) break;
      const sending = send(items).finally(() => inFlight.delete(sending));
      inFlight.add(sending);
      report.sentRecords += items.length;
      report.dispatchedS = settings.now() / 1000;
    }
    await Promise.all(inFlight);
  }
  try {
    await Promise.all([runDoor('http', settings.rate ? 256 : settings.concurrency, postBatch), runDoor('kafka', settings.rate ? 256 : 1, produce)]);
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
  report.finishedS = settings.now() / 1000;
  report.http.requestMs.mean = report.http.requests > 0 ? requestMsTotal / report.http.requests : 0;
  const seconds = report.dispatchedS - report.startedS;
  report.achievedPerSecond = seconds > 0 ? report.sentRecords / seconds : 0;
  return report;
}
