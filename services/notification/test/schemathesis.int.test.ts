// Schemathesis generates requests from the OpenAPI document notification serves and checks every answer against it.
import { loadConfig } from '@regua/config';
import { createLogger } from '@regua/telemetry';
import { runSchemathesis, testEndpoints, uniqueName, type SchemathesisResult } from '@regua/testing';
import { testCase } from './support.ts';
import { NotificationEnvSchema, startNotification, type NotificationService } from '../src/service.ts';

const NOW = new Date('2026-11-24T13:00:00Z');
const CHECKS = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance'];

describe('notification against its own OpenAPI document (schemathesis)', () => {
  const { kafkaBrokers, mongoUrl } = testEndpoints();
  const bank = uniqueName('bank');
  const key = `key-${uniqueName('k')}`;
  let service: NotificationService;
  let result: SchemathesisResult;

  beforeAll(async () => {
    const env = loadConfig(NotificationEnvSchema, {
      KAFKA_BROKERS: kafkaBrokers.join(','),
      MONGO_URL: mongoUrl,
      MONGO_DB: uniqueName('schemathesis'),
      KAFKA_NAMESPACE: `${uniqueName('schemathesis')}.`,
      KAFKA_TOPIC_PARTITIONS: '1',
      HTTP_PORT: '0',
      NOTIFICATION_DISPATCH_CRON: 'off',
      NOTIFICATION_API_KEYS: `${bank}:${key}`,
    });
    service = await startNotification(env, { logger: createLogger({ service: 'test', level: 'silent' }), clock: { now: () => NOW } });
    // The document's example case id, so that generated requests find a case too.
    await service.cases.openAll([testCase({ _id: 'case-demo', tenant: bank }, NOW)]);
    await service.cases.linkInvoices([{ invoiceId: 'demo-bank:INV-1', caseId: 'case-demo', tenant: bank }]);
    result = await runSchemathesis({ schemaUrl: `http://127.0.0.1:${service.port}/openapi.json`, headers: { 'x-api-key': key }, checks: CHECKS, maxExamples: 25, seed: 20261125, timeoutMs: 60_000 });
    process.stdout.write(`schemathesis: ${result.calls.length} requests in ${result.seconds.toFixed(1)} s (exit ${result.exitCode})\n`);
  }, 120_000);

  afterAll(async () => {
    await service?.context.db.dropDatabase();
    await service?.stop();
  });

  test('Given generated requests, then every documented operation was exercised, and a case was found', () => {
    expect(result.errors).toEqual([]);
    const cases = result.calls.filter((c) => c.operation.startsWith('GET /v1/cases/'));
    expect(cases.length).toBeGreaterThan(0);
    expect(cases.some((c) => c.status === 200)).toBe(true);
    expect(result.calls.map((c) => c.operation)).toEqual(expect.arrayContaining(['GET /healthz', 'GET /readyz']));
  });

  test('Given any generated request, then no answer is a 5xx', () => {
    expect(result.calls.filter((c) => c.status >= 500)).toEqual([]);
  });

  test('Given any generated request, then its answer has a documented status, content type and body schema', () => {
    expect(result.failures.map((f) => `${f.operation} [${f.check}] ${f.message}`)).toEqual([]);
    expect(result.exitCode).toBe(0);
  });

  test('Given a case id with a NUL character, then the answer is a 404, not a 500', async () => {
    const response = await fetch(`http://127.0.0.1:${service.port}/v1/cases/demo-bank%3AINV%00-1`, { headers: { 'x-api-key': key } });
    expect(response.status).toBe(404);
  });
});
