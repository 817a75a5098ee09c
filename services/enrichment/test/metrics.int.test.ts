// Every service's GET /metrics (added once in @regua/service-kit), shown on enrichment: a registered invoice is
// counted as processed, a malformed message as a dead letter, and the consumer group's lag is reported per partition.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { loadConfig } from '@regua/config';
import { buildEnvelope, CONSUMER_GROUPS, debtorKey, DebtorEnrichedV1, exampleInvoice, InvoiceRegisteredV1 } from '@regua/contracts';
import type { RunningService } from '@regua/service-kit';
import { recordTopics, serviceTestEnv, testEndpoints, uniqueName, waitFor } from '@regua/testing';
import { EnrichmentEnvSchema, startEnrichment } from '../src/service.ts';

const GROUP = CONSUMER_GROUPS.enrichment;
const TOPIC = InvoiceRegisteredV1.topic;

/** The value of one series in the Prometheus text format, if present. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const [series, value] = [line.slice(0, line.lastIndexOf(' ')), line.slice(line.lastIndexOf(' ') + 1)];
    if (Object.entries(labels).every(([k, v]) => series.includes(`${k}="${v}"`))) return Number(value);
  }
  return undefined;
}

describe('service metrics on GET /metrics', () => {
  const { kafkaBrokers } = testEndpoints();
  const namespace = `${uniqueName('t')}.`;
  const tenant = uniqueName('bank');
  let service: RunningService;
  let producer: Producer;

  beforeAll(async () => {
    service = await startEnrichment(loadConfig(EnrichmentEnvSchema, serviceTestEnv(namespace, { KAFKA_LAG_INTERVAL_MS: '300' })), { retry: { retries: 1, initialDelayMs: 50, maxDelayMs: 100 } });
    producer = new Kafka({ clientId: 'metrics-int', brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await service?.stop();
  });

  const scrape = async () => {
    const response = await fetch(`http://127.0.0.1:${service.port}/metrics`);
    expect(response.status).toBe(200);
    return response.text();
  };

  test('Given a registered invoice and a malformed message, then /metrics counts one processed and one dead-lettered, and the group\'s lag drops to zero', async () => {
    const recorder = await recordTopics(kafkaBrokers, [namespace + DebtorEnrichedV1.topic]);
    try {
      // Given an invoice registered upstream, and a message that is not an envelope
      const invoice = exampleInvoice({ externalId: `INV-M-${randomUUID().slice(0, 8)}` });
      const envelope = buildEnvelope(InvoiceRegisteredV1, { id: randomUUID(), occurredAt: new Date(), source: 'test', tenant, correlationId: randomUUID() }, { invoiceId: `${tenant}:${invoice.externalId}`, invoice, revision: 1 });
      await producer.send({
        topic: namespace + TOPIC,
        messages: [
          { key: debtorKey(tenant, invoice.debtor.externalId), value: JSON.stringify(envelope) },
          { key: 'junk', value: '{"not":"an envelope"}' },
        ],
      });

      // When enrichment has handled both (one enriched event out)
      await waitFor('the enriched event', () => recorder.messages.length > 0);

      // Then the scrape shows them per topic and consumer group, and the lag once the offsets are committed
      const metrics = await waitFor('processed, dead letter and zero lag on /metrics', async () => {
        const text = await scrape();
        const done = sample(text, 'regua_consumer_processed_total', { topic: TOPIC, group: GROUP }) === 1 && sample(text, 'regua_consumer_lag', { topic: TOPIC, partition: '0', group: GROUP }) === 0;
        return done ? text : undefined;
      });
      expect(sample(metrics, 'regua_consumer_dead_letters_total', { topic: TOPIC, group: GROUP, reason: 'schema-validation' })).toBe(1);
      expect(sample(metrics, 'regua_consumer_run_duration_seconds_count', { topic: TOPIC, group: GROUP })).toBeGreaterThanOrEqual(1);
      expect(sample(metrics, 'regua_consumer_stalled', { group: GROUP })).toBe(0);
      // And the Node process's own figures
      expect(sample(metrics, 'process_cpu_seconds_total', { cpu_mode: 'user' })).toBeGreaterThan(0);
      expect(metrics).toMatch(/^process_resident_memory_bytes \d+/m);
      expect(metrics).toMatch(/^target_info\{service_name="enrichment"\} 1$/m);
    } finally {
      await recorder.stop();
    }
  });

  test('Given requests to a route, then their latency is recorded by route pattern and status; probes and scrapes are not', async () => {
    await fetch(`http://127.0.0.1:${service.port}/readyz`);
    await fetch(`http://127.0.0.1:${service.port}/no/such/route`);

    const text = await scrape();

    expect(sample(text, 'http_server_request_duration_seconds_count', { http_route: 'unmatched', http_response_status_code: '404', http_request_method: 'GET' })).toBe(1);
    expect(text).not.toContain('http_route="/readyz"');
    expect(text).not.toContain('/no/such/route');
  });
});
