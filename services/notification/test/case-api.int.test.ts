// The case API answers only with a tenant's key, and only for that tenant's cases.
import { loadConfig } from '@regua/config';
import { createLogger } from '@regua/telemetry';
import { testEndpoints, uniqueName } from '@regua/testing';
import { NotificationEnvSchema, startNotification, type NotificationService } from '../src/service.ts';

const NOW = new Date('2026-11-24T13:00:00Z');

describe('GET /v1/cases/:caseId', () => {
  const { kafkaBrokers, mongoUrl } = testEndpoints();
  const [bankA, bankB] = [uniqueName('bank_a'), uniqueName('bank_b')];
  const [keyA, keyB] = [`key-a-${uniqueName('k')}`, `key-b-${uniqueName('k')}`];
  let service: NotificationService;
  const url = (caseId: string) => `http://127.0.0.1:${service.port}/v1/cases/${encodeURIComponent(caseId)}`;

  beforeAll(async () => {
    const env = loadConfig(NotificationEnvSchema, {
      KAFKA_BROKERS: kafkaBrokers.join(','),
      MONGO_URL: mongoUrl,
      MONGO_DB: uniqueName('case_api'),
      KAFKA_NAMESPACE: `${uniqueName('case_api')}.`,
      KAFKA_TOPIC_PARTITIONS: '1',
      HTTP_PORT: '0',
      NOTIFICATION_DISPATCH_CRON: 'off',
      NOTIFICATION_API_KEYS: `${bankA}:${keyA},${bankB}:${keyB}`,
    });
    service = await startNotification(env, { logger: createLogger({ service: 'test', level: 'silent' }), clock: { now: () => NOW } });
    await service.cases.openAll([{ _id: `${bankA}:INV-1`, tenant: bankA, debtorId: 'CUST-1', status: 'open', segment: 'low_risk', openedAt: NOW, timeline: [{ at: NOW, what: 'case opened (low_risk)' }] }]);
  });

  afterAll(async () => {
    await service?.context.db.dropDatabase();
    await service?.stop();
  });

  test('without a key, or with a wrong one, it answers 401 and shows nothing', async () => {
    for (const headers of [{}, { 'x-api-key': 'not-a-key-of-anyone' }]) {
      const response = await fetch(url(`${bankA}:INV-1`), { headers });
      expect(response.status).toBe(401);
      expect(JSON.stringify(await response.json())).not.toContain('INV-1');
    }
  });

  test("the case's own tenant reads it", async () => {
    const response = await fetch(url(`${bankA}:INV-1`), { headers: { 'x-api-key': keyA } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { case: { _id: string } }).case._id).toBe(`${bankA}:INV-1`);
  });

  test("another tenant's key gets 404, the same answer as a case that does not exist", async () => {
    const other = await fetch(url(`${bankA}:INV-1`), { headers: { 'x-api-key': keyB } });
    const missing = await fetch(url(`${bankB}:NO-SUCH-CASE`), { headers: { 'x-api-key': keyB } });
    expect([other.status, missing.status]).toEqual([404, 404]);
  });
});
