// Schemathesis generates requests from the OpenAPI document ingestion serves and checks every answer against it.
import { fileURLToPath } from 'node:url';
import { runSchemathesis, type SchemathesisResult } from '@regua/testing';
import { startIngestionHarness, type IngestionHarness } from './support.ts';

const CHECKS = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance'];

describe('ingestion against its own OpenAPI document (schemathesis)', () => {
  let h: IngestionHarness;
  let result: SchemathesisResult;

  beforeAll(async () => {
    // No creditor registry: generated CNPJs are valid but nobody's, and would all get 422.
    h = await startIngestionHarness({ INGESTION_RATE_LIMIT_PER_MINUTE: '100000', INGESTION_BATCH_LIMIT: '20' });
    result = await runSchemathesis({
      schemaUrl: h.url('/openapi.json'),
      headers: { 'x-api-key': h.tenants.a.key },
      checks: CHECKS,
      maxExamples: 25,
      seed: 20261125,
      hooks: fileURLToPath(new URL('./schemathesis_hooks.py', import.meta.url)),
      timeoutMs: 100_000,
    });
    process.stdout.write(`schemathesis: ${result.calls.length} requests in ${result.seconds.toFixed(1)} s (exit ${result.exitCode})\n`);
  }, 150_000);

  afterAll(async () => {
    await h?.service.stop();
  });

  test('Given generated requests, then it ran and exercised every documented operation (the document itself aside)', () => {
    expect(result.errors).toEqual([]);
    const operations = new Set(result.calls.map((c) => c.operation.replace(/^(GET \/v1\/invoices\/).+$/, '$1{externalId}').replace(/^(GET \/v1\/data-subjects\/requests\/).+$/, '$1{requestId}')));
    expect([...operations]).toEqual(
      expect.arrayContaining([
        'GET /healthz',
        'GET /readyz',
        'GET /v1/invoices/{externalId}',
        'POST /v1/invoices',
        'POST /v1/invoices:batch',
        'POST /v1/invoices:upload',
        'POST /v1/data-subjects:export',
        'POST /v1/data-subjects:erase',
        'GET /v1/data-subjects/requests/{requestId}',
      ]),
    );
  });

  test('Given any generated request, then no answer is a 5xx', () => {
    const serverErrors = result.calls.filter((c) => c.status >= 500);
    expect({ serverErrors, failures: result.failures.filter((f) => f.check === 'not_a_server_error') }).toEqual({ serverErrors: [], failures: [] });
  });

  test('Given any generated request, then its answer has a documented status, content type and body schema', () => {
    expect(result.failures.map((f) => `${f.operation} [${f.check}] ${f.message}`)).toEqual([]);
    expect(result.exitCode).toBe(0);
  });

  test('Given requests generated from the document, then a share of the invoices sent is accepted (202)', () => {
    const submissions = result.calls.filter((c) => c.operation === 'POST /v1/invoices');
    const accepted = submissions.filter((c) => c.status === 202);
    expect(submissions.length).toBeGreaterThan(0);
    // Positive cases pass once `cpf`/`cnpj` are generated with check digits; dueDate ≥ issueDate is left to chance.
    expect(accepted.length / submissions.length).toBeGreaterThan(0.1);
    expect(result.calls.some((c) => c.operation === 'POST /v1/invoices:batch' && c.status === 202)).toBe(true);
    // The stateful phase follows the 202's link to read the invoice back.
    expect(result.calls.some((c) => c.operation.startsWith('GET /v1/invoices/') && c.status === 200)).toBe(true);
  });

  test('Given requests generated from the document, then data-subject requests are answered and read back', () => {
    expect(result.calls.some((c) => c.operation === 'POST /v1/data-subjects:export' && c.status === 200)).toBe(true);
    expect(result.calls.some((c) => c.operation === 'POST /v1/data-subjects:erase' && c.status === 202)).toBe(true);
    // The stateful phase follows the links: a submitted invoice's debtor exported or erased, the request read back.
    expect(result.calls.some((c) => c.operation.startsWith('GET /v1/data-subjects/requests/') && c.status === 200)).toBe(true);
  });

  // Found by schemathesis: the reason is stored as is (data_subject_requests, audit_log), and the database refuses U+0000 in it.
  test('Given a data-subject request whose reason holds a NUL character, then the answer is a 400, not a 500', async () => {
    const statuses = await Promise.all(['export', 'erase'].map(async (op) => (await h.post(`/v1/data-subjects:${op}`, { taxId: '529.982.247-25', reason: 'asked by\u0000e-mail' })).status));
    expect(statuses).toEqual([400, 400]);
  });

  // Found by schemathesis: the id goes into a FerretDB query as is, and PostgreSQL refuses U+0000 in it.
  test('Given an invoice id with a NUL character, then the answer is a 404, not a 500', async () => {
    const response = await h.get('/v1/invoices/INV%00-1');
    expect(response.status).toBe(404);
  });
});
