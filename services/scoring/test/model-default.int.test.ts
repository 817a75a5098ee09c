// By default scoring runs the trained model (services/scoring/model), not the rules score, and says so on every event.
import { Kafka, logLevel } from 'kafkajs';
import { CaseScoredV1, debtorKey, DebtorEnrichedV1, type EventOf } from '@regua/contracts';
import { recordTopics, testEndpoints, uniqueName, waitFor } from '@regua/testing';
import { loadModel } from '../src/model/index.ts';
import type { ScoringService } from '../src/service.ts';
import { enriched, startTestScoring } from './support.ts';

const NOW = new Date('2026-11-25T13:00:00Z');

describe('the trained model is the default', () => {
  const { kafkaBrokers } = testEndpoints();
  const tenant = uniqueName('bank');
  let service: ScoringService;
  let namespace: string;

  beforeAll(async () => {
    // SCORING_MODEL_ARTIFACT as a deployment leaves it: unset.
    ({ service, namespace } = await startTestScoring({ now: () => NOW }, { SCORING_MODEL_ARTIFACT: undefined as unknown as string }));
  });

  afterAll(async () => {
    await service?.context.db.dropDatabase();
    await service?.stop();
  });

  test('an enriched invoice is scored by the current artifact, with its version and pt-BR reasons', async () => {
    const current = await loadModel('current');
    const recorder = await recordTopics(kafkaBrokers, [namespace + CaseScoredV1.topic]);
    const producer = new Kafka({ clientId: 'scoring-test', brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    try {
      const debtorId = `CUST-${uniqueName('d')}`;
      const invoiceId = `${tenant}:INV-${debtorId}`;
      await producer.send({ topic: namespace + DebtorEnrichedV1.topic, messages: [{ key: debtorKey(tenant, debtorId), value: JSON.stringify(enriched(tenant, NOW, { invoiceId, debtorId })) }] });
      const scored = await waitFor('case scored', () => recorder.messages.map((m) => m.json<EventOf<typeof CaseScoredV1>>()).find((e) => e.data.invoiceId === invoiceId));

      expect(scored.data.modelVersion).toBe(current.version);
      expect(scored.data.reasons.length).toBeGreaterThan(0);
      expect(scored.data.reasons.every((r) => r.text.length > 0)).toBe(true);
    } finally {
      await producer.disconnect();
      await recorder.stop();
    }
  });
});
