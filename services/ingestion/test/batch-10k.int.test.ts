import { InvoiceRegisteredV1 } from '@regua/contracts';
import { recordTopics, testEndpoints, waitFor } from '@regua/testing';
import { startIngestionHarness, submission, type IngestionHarness } from './support.ts';

const TOTAL = 10_000;
const BATCH = 1_000;

describe('ingestion at volume', () => {
  let h: IngestionHarness;
  beforeAll(async () => {
    h = await startIngestionHarness({ OUTBOX_BATCH_SIZE: '1000' });
  });
  afterAll(async () => {
    await h?.service.stop();
  });

  test('10,000 invoices through the batch endpoint are accepted and each published exactly once', async () => {
    const recorder = await recordTopics(testEndpoints().kafkaBrokers, [h.namespace + InvoiceRegisteredV1.topic]);
    try {
      const started = Date.now();
      const sent = Array.from({ length: TOTAL }, (_, i) => submission({ debtor: { ...submission().invoice.debtor, externalId: `CUST-${i % 700}` } }));
      for (let offset = 0; offset < TOTAL; offset += BATCH) {
        const response = await h.post('/v1/invoices:batch', { invoices: sent.slice(offset, offset + BATCH) });
        expect(response.status).toBe(202);
        const body = (await response.json()) as { accepted: number; results: Array<{ outcome: string }> };
        expect(body.accepted).toBe(BATCH);
        expect(body.results.every((r) => r.outcome === 'registered')).toBe(true);
      }
      const acceptedMs = Date.now() - started;

      await waitFor(`${TOTAL} published`, () => recorder.messages.length >= TOTAL || undefined, 180_000);
      // Give a duplicate publish the chance to show up before counting.
      await h.service.flushOutbox();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const ids = recorder.messages.map((m) => m.json<{ data: { invoiceId: string } }>().data.invoiceId);
      expect(ids).toHaveLength(TOTAL);
      expect(new Set(ids).size).toBe(TOTAL);
      expect(new Set(ids)).toEqual(new Set(sent.map((s) => `${h.tenants.a.id}:${s.invoice.externalId}`)));
      expect(await h.service.store.countPending()).toBe(0);
      console.log(`[ingestion] ${TOTAL} invoices accepted in ${acceptedMs} ms, all published after ${Date.now() - started} ms`);
    } finally {
      await recorder.stop();
    }
  }, 300_000);
});
