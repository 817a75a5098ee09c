import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { exampleInvoice, inboundInvoicesTopicFor, InvoiceRegisteredV1 } from '@regua/contracts';
import { maskPersonalData } from '@regua/telemetry';
import { recordTopics, testEndpoints, waitFor } from '@regua/testing';
import { startIngestionHarness, submission, type IngestionHarness } from './support.ts';

/** Tenant a collects for the example creditor (11.222.333/0001-81, as in the contracts' examples and the CSV fixture); b for another. */
const CNPJ_OF_A = '11222333000181';
const CNPJ_OF_B = '11444777000161';
const DLQ = 'regua.ingestion.inbound.dlq.v1';
const fixture = readFileSync(new URL('./fixtures/invoices.csv', import.meta.url), 'utf8');

type Batch = { accepted: number; rejected: number; results: Array<{ index: number; status: string; errors?: Array<{ path: string; message: string }> }> };

describe('a creditor CNPJ is bound to its tenant, on every door', () => {
  let h: IngestionHarness;
  let recorder: Awaited<ReturnType<typeof recordTopics>>;
  const ofB = (overrides = {}) => submission({ creditor: { name: 'Free Text Name', cnpj: CNPJ_OF_B }, ...overrides });

  beforeAll(async () => {
    h = await startIngestionHarness(({ a, b }) => ({ INGESTION_TENANT_CREDITORS: `${a.id}:${CNPJ_OF_A}:Banco Registrado S.A.; ${b.id}:${CNPJ_OF_B}:Loja Registrada Ltda` }));
    recorder = await recordTopics(testEndpoints().kafkaBrokers, [h.namespace + InvoiceRegisteredV1.topic, h.namespace + DLQ]);
  });
  afterAll(async () => {
    await recorder?.stop();
    await h?.service.stop();
  });

  test("HTTP: a tenant's own CNPJ is accepted, and the registered name replaces the one sent, in the store and the event", async () => {
    const sent = submission({ creditor: { name: 'Banco Que Eu Quiser', cnpj: '11.222.333/0001-81' } });
    const response = await h.post('/v1/invoices', sent, h.tenants.a.key);
    expect(response.status).toBe(202);
    const { invoiceId } = (await response.json()) as { invoiceId: string };
    const stored = (await (await h.get(`/v1/invoices/${sent.invoice.externalId}`)).json()) as { invoice: { creditor: unknown } };
    expect(stored.invoice.creditor).toEqual({ name: 'Banco Registrado S.A.', cnpj: CNPJ_OF_A });
    const event = await waitFor('registered event', () => recorder.messages.find((m) => m.topic === h.namespace + InvoiceRegisteredV1.topic && m.json<{ data: { invoiceId: string } }>().data.invoiceId === invoiceId));
    expect(event.json<{ data: { invoice: { creditor: { name: string } } } }>().data.invoice.creditor.name).toBe('Banco Registrado S.A.');
  });

  test("HTTP: another tenant's CNPJ gets 422 at invoice.creditor.cnpj, and nothing is stored", async () => {
    const usurper = submission({ creditor: { name: 'Banco Registrado S.A.', cnpj: CNPJ_OF_A } });
    const response = await h.post('/v1/invoices', usurper, h.tenants.b.key);
    expect(response.status).toBe(422);
    const { error } = (await response.json()) as { error: { details: Array<{ path: string; message: string }> } };
    expect(error.details).toEqual([{ path: 'invoice.creditor.cnpj', message: expect.stringContaining(`CNPJ ${CNPJ_OF_A} is not registered for tenant ${h.tenants.b.id}`) }]);
    expect((await h.get(`/v1/invoices/${usurper.invoice.externalId}`, h.tenants.b.key)).status).toBe(404);
  });

  test("HTTP batch: an item naming another tenant's creditor is rejected on its own; the others go in", async () => {
    const response = await h.post('/v1/invoices:batch', { invoices: [ofB(), submission({ creditor: { name: 'x', cnpj: CNPJ_OF_A } }), ofB()] }, h.tenants.b.key);
    expect(response.status).toBe(202);
    const body = (await response.json()) as Batch;
    expect(body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(body.results[1]).toEqual({ index: 1, status: 'rejected', errors: [{ path: 'invoice.creditor.cnpj', message: expect.stringContaining('is not registered') }] });
  });

  test("CSV: lines naming another tenant's creditor are reported with the creditor_cnpj column; the tenant's own go in", async () => {
    const fresh = fixture.replace(/8d6e3f7a-1c2b-4d5e-9f00-00000000000\d/g, () => randomUUID());
    const asB = (await (await fetch(h.url('/v1/invoices:upload'), { method: 'POST', headers: { 'content-type': 'text/csv', 'x-api-key': h.tenants.b.key }, body: fresh })).json()) as { accepted: number; rejected: number; errors: Array<{ line: number; issues: Array<{ path: string; column: string }> }> };
    expect(asB).toMatchObject({ accepted: 0, rejected: 3 });
    expect(asB.errors.map((e) => [e.line, e.issues[0]!.path, e.issues[0]!.column])).toEqual([2, 3, 4].map((line) => [line, 'invoice.creditor.cnpj', 'creditor_cnpj']));
    const asA = (await (await fetch(h.url('/v1/invoices:upload'), { method: 'POST', headers: { 'content-type': 'text/csv', 'x-api-key': h.tenants.a.key }, body: fresh })).json()) as { accepted: number };
    expect(asA.accepted).toBe(3);
  });

  test("Kafka: a message naming a creditor not registered for its tenant is dead-lettered with the reason; the tenant's own goes in", async () => {
    const kafka = new Kafka({ clientId: 'bank-test', brokers: testEndpoints().kafkaBrokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const own = ofB();
    const usurper = submission({ ...exampleInvoice({ creditor: { name: 'Banco Registrado S.A.', cnpj: CNPJ_OF_A } }), externalId: `USURP-${randomUUID()}` });
    await producer.send({
      topic: h.namespace + inboundInvoicesTopicFor(h.tenants.b.id),
      messages: [
        { key: 'k', value: JSON.stringify({ ...usurper, tenant: h.tenants.b.id }) },
        { key: 'k', value: JSON.stringify({ ...own, tenant: h.tenants.b.id }) },
      ],
    });
    await producer.disconnect();

    const letter = await waitFor('dead letter', () => recorder.messages.find((m) => m.topic === h.namespace + DLQ));
    expect(letter.headers['dlq-reason']).toBe('handler-rejected');
    // The bus may mask the digits of a document number in headers; the field and the rule stay.
    expect(letter.headers['dlq-error']).toMatch(/^invoice\.creditor\.cnpj: CNPJ .+ is not registered for tenant /);
    // Masked like any dead-letter error: a generated tenant id with eight digits in a row reads as a number there.
    expect(letter.headers['dlq-error']).toContain(maskPersonalData(h.tenants.b.id));
    await waitFor('own invoice registered', async () => (await h.get(`/v1/invoices/${own.invoice.externalId}`, h.tenants.b.key)).status === 200 || undefined);
    const stored = (await (await h.get(`/v1/invoices/${own.invoice.externalId}`, h.tenants.b.key)).json()) as { invoice: { creditor: { name: string } } };
    expect(stored.invoice.creditor.name).toBe('Loja Registrada Ltda');
    expect((await h.get(`/v1/invoices/${usurper.invoice.externalId}`, h.tenants.b.key)).status).toBe(404);
  });
});
