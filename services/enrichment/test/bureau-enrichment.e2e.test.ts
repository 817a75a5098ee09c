// Enrichment end to end on the real broker and database, with the data bureau being the stand-in over HTTP:
// registered invoices in, `debtor.enriched` out with the creditor's and the bureau's contact points ranked per channel.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { startBureauStandIn, type BureauStandIn } from '@regua/bureau-standin';
import { loadConfig } from '@regua/config';
import { buildEnvelope, debtorKey, DebtorEnrichedV1, exampleInvoice, InvoiceRegisteredV1, type Envelope, type Invoice } from '@regua/contracts';
import type { RunningService } from '@regua/service-kit';
import { createLogger } from '@regua/telemetry';
import { recordTopics, testEndpoints, uniqueName, waitFor } from '@regua/testing';
import type { z } from 'zod';
import { EnrichmentEnvSchema, startEnrichment } from '../src/service.ts';

type Enriched = Envelope<z.infer<typeof DebtorEnrichedV1.data>>;
const TOKEN = 'test-token';
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
const MARIA = '52998224725';
const UNKNOWN = '11144477735';

describe('enrichment with the data bureau', () => {
  const { kafkaBrokers, mongoUrl } = testEndpoints();
  const namespace = `${uniqueName('t')}.`;
  const dbName = uniqueName('enrichment');
  const tenant = uniqueName('bank');
  let standIn: BureauStandIn;
  let service: RunningService;
  let producer: Producer;

  beforeAll(async () => {
    standIn = await startBureauStandIn({
      token: TOKEN,
      latencyMs: [20, 60],
      people: {
        [MARIA]: {
          phones: [
            { number: '+55 11 98765-4321', type: 'mobile', confidence: 0.9, lastSeenAt: daysAgo(10) },
            { number: '+5521988887777', type: 'mobile', confidence: 0.95, lastSeenAt: daysAgo(5) },
            { number: '(31) 99999-8888', type: 'mobile', confidence: 0.9, lastSeenAt: daysAgo(1500) },
          ],
          emails: [{ address: 'maria.silva@uol.com.br', confidence: 0.7, lastSeenAt: daysAgo(40) }],
          addresses: [],
        },
        [UNKNOWN]: null,
      },
    });
    const env = loadConfig(EnrichmentEnvSchema, {
      KAFKA_BROKERS: kafkaBrokers.join(','),
      MONGO_URL: mongoUrl,
      MONGO_DB: dbName,
      KAFKA_NAMESPACE: namespace,
      KAFKA_TOPIC_PARTITIONS: '3',
      HTTP_PORT: '0',
      LOG_LEVEL: 'silent',
      ENRICHMENT_BUREAU_URL: standIn.url,
      ENRICHMENT_BUREAU_TOKEN: TOKEN,
    });
    service = await startEnrichment(env, { logger: createLogger({ service: 'test', level: 'warn' }), retry: { retries: 3, initialDelayMs: 100, maxDelayMs: 500 } });
    producer = new Kafka({ clientId: 'enrichment-e2e', brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await service?.stop();
    await standIn?.close();
  });

  const register = async (invoice: Invoice) => {
    const invoiceId = `${tenant}:${invoice.externalId}`;
    const envelope = buildEnvelope(InvoiceRegisteredV1, { id: randomUUID(), occurredAt: new Date(), source: 'test', tenant, correlationId: randomUUID() }, { invoiceId, invoice, revision: 1 });
    await producer.send({ topic: namespace + InvoiceRegisteredV1.topic, messages: [{ key: debtorKey(tenant, invoice.debtor.externalId), value: JSON.stringify(envelope) }] });
    return invoiceId;
  };

  test('Given debtors the bureau knows and does not know, then each enriched event ranks contact points from both sources, keeps the creditor\'s originals, and a debtor is looked up once', async () => {
    const recorder = await recordTopics(kafkaBrokers, [namespace + DebtorEnrichedV1.topic]);
    try {
      const first = await register(exampleInvoice({ externalId: 'INV-B1' }));
      const second = await register(exampleInvoice({ externalId: 'INV-B2' }));
      const unknown = await register(exampleInvoice({ externalId: 'INV-B3', debtor: { ...exampleInvoice().debtor, externalId: 'CUST-7', taxId: { type: 'cpf', number: UNKNOWN }, phones: ['(11) 98888-1234', '(20) 98888-1234'], emails: [] } }));
      const events = await waitFor('three enriched events', () => {
        const found = recorder.messages.map((m) => m.json<Enriched>()).filter((e) => [first, second, unknown].includes(e.data.invoiceId));
        return found.length >= 3 ? found : undefined;
      });
      const byInvoice = new Map(events.map((e) => [e.data.invoiceId, e.data]));

      const maria = byInvoice.get(first)!;
      expect(maria.contactPoints!.whatsapp.map((p) => p.value)).toEqual(['+5511987654321', '+5521988887777', '+5531999998888']);
      expect(maria.contactPoints!.whatsapp[0]!.sources.map((s) => [s.source, s.raw])).toEqual([
        ['creditor', '(11) 98765-4321'],
        ['bureau', '+55 11 98765-4321'],
      ]);
      expect(maria.contactPoints!.voice.map((p) => p.value)).toContain('+551134567890');
      expect(maria.contactPoints!.email.map((p) => p.value).sort()).toEqual(['maria.silva@example.com', 'maria.silva@uol.com.br']);
      expect(maria.contactPoints!.email.flatMap((p) => p.sources).find((s) => s.source === 'creditor')?.raw).toBe('Maria.Silva@example.com');
      // The fields scoring and notification read: the same values, best first.
      expect(maria.contacts.mobilePhones).toEqual(maria.contactPoints!.whatsapp.map((p) => p.value));
      expect(byInvoice.get(second)!.contactPoints!.whatsapp.map((p) => [p.value, p.sources.length])).toEqual(maria.contactPoints!.whatsapp.map((p) => [p.value, p.sources.length]));

      const other = byInvoice.get(unknown)!;
      expect(other.contactPoints!.whatsapp.map((p) => p.value)).toEqual(['+5511988881234']);
      expect(other.contactPoints!.whatsapp[0]!.sources.map((s) => s.source)).toEqual(['creditor']);
      expect(other.contactPoints!.rejected).toEqual([{ source: 'creditor', kind: 'phone', raw: '(20) 98888-1234' }]);

      // Two invoices of Maria, one lookup paid for; the profiles record what the bureau said.
      expect(standIn.requests(MARIA)).toBe(1);
      expect(standIn.requests(UNKNOWN)).toBe(1);
      const profiles = service.context.db.collection<{ _id: string; bureau?: { status: string } }>('debtor_profiles');
      expect((await profiles.findOne({ _id: first }))?.bureau?.status).toBe('found');
      expect((await profiles.findOne({ _id: unknown }))?.bureau?.status).toBe('not-found');
    } finally {
      await recorder.stop();
    }
  });
});
