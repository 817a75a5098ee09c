import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvoiceRegisteredV1 } from '@regua/contracts';
import { freePort, startLocalKafka, type LocalKafka } from '@regua/local-infra';
import { recordTopics, waitFor } from '@regua/testing';
import { startIngestionHarness, submission } from './support.ts';

/**
 * Needs a broker of its own to take down, so it only runs where the harness starts local processes.
 * Elsewhere (testcontainers, an external cluster) the same guarantee is covered by the outbox unit of work.
 */
const ownBroker = !process.env.REGUA_TEST_INFRA_KIND || process.env.REGUA_TEST_INFRA_KIND === 'local-processes';

(ownBroker ? describe : describe.skip)('nothing accepted is lost when Kafka is down', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'regua-outage-'));
  let ports: { port: number; controllerPort: number };
  let kafka: LocalKafka | undefined;
  const startKafka = async () => (kafka = await startLocalKafka({ dataDir, ...ports, heapMb: 384 }));

  beforeAll(async () => {
    ports = { port: await freePort(), controllerPort: await freePort() };
    await startKafka();
  });
  afterAll(async () => {
    await kafka?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('invoices accepted during an outage are published once the broker is back, even after a restart of ingestion', async () => {
    const brokers = kafka!.brokers;
    const first = await startIngestionHarness({}, brokers);
    const before = submission();
    expect((await first.post('/v1/invoices', before)).status).toBe(202);
    await waitFor('outbox drained', async () => (await first.service.store.countPending()) === 0 || undefined);

    // Given the broker goes down
    await kafka!.stop();

    // When creditors keep sending, they still get 202s: the invoices are durable in the database
    const during = [submission(), submission(), submission()];
    for (const s of during) expect((await first.post('/v1/invoices', s)).status).toBe(202);
    expect(await first.service.store.countPending()).toBe(3);

    // And ingestion itself restarts while the broker is still down
    await first.service.stop();

    // Then, with the broker back, a new ingestion instance on the same database publishes them
    await startKafka();
    const second = await startIngestionHarness({ MONGO_DB: first.namespace.replace(/\W/g, '_'), KAFKA_NAMESPACE: first.namespace, INGESTION_API_KEYS: `${first.tenants.a.id}:${first.tenants.a.key}` }, brokers);
    try {
      const recorder = await recordTopics(brokers, [first.namespace + InvoiceRegisteredV1.topic]);
      try {
        await waitFor('all four published', () => recorder.messages.length >= 4 || undefined, 60_000);
        await new Promise((resolve) => setTimeout(resolve, 500));
        const ids = recorder.messages.map((m) => m.json<{ data: { invoiceId: string } }>().data.invoiceId).sort();
        expect(ids).toEqual([before, ...during].map((s) => `${first.tenants.a.id}:${s.invoice.externalId}`).sort());
        expect(await second.service.store.countPending()).toBe(0);
      } finally {
        await recorder.stop();
      }
    } finally {
      await second.service.stop();
    }
  }, 240_000);
});
