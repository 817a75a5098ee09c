import { Kafka, logLevel } from 'kafkajs';
import { inboundInvoicesTopicFor, InvoiceRegisteredV1, InvoiceSettledByCreditorV1, InvoiceUpdatedV1 } from '@regua/contracts';
import { developmentDeadLetterKey, openDeadLetterRecord } from '@regua/kafka-bus';
import { maskPersonalData } from '@regua/telemetry';
import { recordTopics, testEndpoints, waitFor } from '@regua/testing';
import { receiptBucket } from '../src/domain/receipt-buckets.ts';
import { sign } from '../src/domain/signature.ts';
import { startIngestionHarness, submission, type IngestionHarness } from './support.ts';

const TOPICS = [InvoiceRegisteredV1.topic, InvoiceUpdatedV1.topic, InvoiceSettledByCreditorV1.topic, 'regua.ingestion.inbound.dlq.v1'];

describe('ingestion: the bank-facing contract on the real broker and database', () => {
  let h: IngestionHarness;
  let recorder: Awaited<ReturnType<typeof recordTopics>>;
  const published = (topic: string, invoiceId?: string) =>
    recorder.messages.filter((m) => m.topic === h.namespace + topic && (!invoiceId || m.json<{ data: { invoiceId: string } }>().data.invoiceId === invoiceId));

  beforeAll(async () => {
    h = await startIngestionHarness();
    recorder = await recordTopics(testEndpoints().kafkaBrokers, TOPICS.map((t) => h.namespace + t));
  });
  afterAll(async () => {
    await recorder?.stop();
    await h?.service.stop();
  });

  test('a valid invoice is accepted with 202, stored, published once, and readable with its history', async () => {
    const sent = submission();
    const response = await h.post('/v1/invoices', sent);
    expect(response.status).toBe(202);
    const body = (await response.json()) as { invoiceId: string; outcome: string; eventId: string };
    expect(body).toEqual({ eventId: sent.eventId, invoiceId: `${h.tenants.a.id}:${sent.invoice.externalId}`, outcome: 'registered' });

    await waitFor('registered event', () => published(InvoiceRegisteredV1.topic, body.invoiceId).length === 1 || undefined);
    const event = published(InvoiceRegisteredV1.topic, body.invoiceId)[0]!.json<{ tenant: string; correlationId: string; data: { invoice: { amountCents: number } } }>();
    expect(event.tenant).toBe(h.tenants.a.id);
    expect(event.correlationId).toBe(sent.eventId);
    expect(event.data.invoice.amountCents).toBe(sent.invoice.amountCents);

    const read = await h.get(`/v1/invoices/${sent.invoice.externalId}`);
    expect(read.status).toBe(200);
    const state = (await read.json()) as { invoice: { amountCents: number }; history: Array<{ eventId: string; door: string; outcome: string }> };
    expect(state.invoice.amountCents).toBe(sent.invoice.amountCents);
    expect(state.history).toEqual([expect.objectContaining({ eventId: sent.eventId, door: 'http', outcome: 'registered' })]);
  });

  test('the same event id twice is stored and published once', async () => {
    const sent = submission();
    const first = (await (await h.post('/v1/invoices', sent)).json()) as { invoiceId: string; outcome: string };
    const second = (await (await h.post('/v1/invoices', sent)).json()) as { outcome: string };
    expect([first.outcome, second.outcome]).toEqual(['registered', 'duplicate']);
    await waitFor('registered event', () => published(InvoiceRegisteredV1.topic, first.invoiceId).length > 0 || undefined);
    await h.service.flushOutbox();
    expect(published(InvoiceRegisteredV1.topic, first.invoiceId)).toHaveLength(1);
    expect(await h.service.store.countPending()).toBe(0);
  });

  test('a retry after a crash between the invoice write and its outbox row publishes the event (nothing accepted is lost)', async () => {
    const sent = submission();
    const invoiceId = `${h.tenants.a.id}:${sent.invoice.externalId}`;
    // What the first attempt wrote before it died: the invoice state, no outbox row, no receipt.
    const state = { lastEventId: sent.eventId, lastOccurredAt: sent.occurredAt, invoice: sent.invoice, lastEvent: { outcome: 'registered' as const, kind: 'registered' as const, changedFields: [] } };
    const history = [{ eventId: sent.eventId, door: 'http' as const, outcome: 'registered', occurredAt: new Date(sent.occurredAt), receivedAt: new Date() }];
    expect(await h.service.store.insertInvoices([{ invoiceId, tenant: h.tenants.a.id, state, history }], new Date())).toEqual(new Set());

    const retry = (await (await h.post('/v1/invoices', sent)).json()) as { outcome: string };
    expect(retry.outcome).toBe('registered');
    await waitFor('registered event', () => published(InvoiceRegisteredV1.topic, invoiceId).length > 0 || undefined);
    const again = (await (await h.post('/v1/invoices', sent)).json()) as { outcome: string };
    expect(again.outcome).toBe('duplicate');
    const read = (await (await h.get(`/v1/invoices/${sent.invoice.externalId}`)).json()) as { history: Array<{ eventId: string }> };
    expect(read.history.map((e) => e.eventId)).toEqual([sent.eventId]);
    await h.service.flushOutbox();
    expect(published(InvoiceRegisteredV1.topic, invoiceId)).toHaveLength(1);
  });

  test('receipts are kept by month: a resend of last month\'s event is a duplicate; months past retention are dropped whole', async () => {
    const sent = submission();
    const invoiceId = `${h.tenants.a.id}:${sent.invoice.externalId}`;
    const now = new Date();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15));
    // Answered last month: the invoice, its history and its receipt, as ingestion wrote them then.
    const state = { lastEventId: sent.eventId, lastOccurredAt: sent.occurredAt, invoice: sent.invoice, lastEvent: { outcome: 'registered' as const, kind: 'registered' as const, changedFields: [] } };
    await h.service.store.insertInvoices([{ invoiceId, tenant: h.tenants.a.id, state, history: [{ eventId: sent.eventId, door: 'http', outcome: 'registered', occurredAt: new Date(sent.occurredAt), receivedAt: lastMonth }] }], lastMonth);
    await h.service.store.insertReceipts([{ _id: `${h.tenants.a.id}:${sent.eventId}`, tenant: h.tenants.a.id, invoiceId, door: 'http', outcome: 'registered', occurredAt: new Date(sent.occurredAt), receivedAt: lastMonth }], lastMonth);

    const resent = (await (await h.post('/v1/invoices', sent)).json()) as { outcome: string };
    expect(resent.outcome).toBe('duplicate');
    await h.service.flushOutbox();
    expect(published(InvoiceRegisteredV1.topic, invoiceId)).toHaveLength(0);

    const longAgo = new Date(Date.UTC(now.getUTCFullYear() - 1, now.getUTCMonth(), 15));
    await h.service.store.insertReceipts([{ _id: `${h.tenants.a.id}:old-${sent.eventId}`, tenant: h.tenants.a.id, invoiceId, door: 'http', outcome: 'registered', occurredAt: longAgo, receivedAt: longAgo }], longAgo);
    const dropped = await h.service.store.dropExpiredReceipts(now);
    expect(dropped).toEqual([receiptBucket(longAgo)]);
    expect(await h.service.store.existingReceipts([`${h.tenants.a.id}:${sent.eventId}`], now)).toEqual(new Set([`${h.tenants.a.id}:${sent.eventId}`]));
  });

  test('a newer event updates the invoice; a stale one never overwrites it', async () => {
    const first = submission({}, '2026-11-20T10:00:00-03:00');
    const invoiceId = `${h.tenants.a.id}:${first.invoice.externalId}`;
    const newer = { ...submission({ ...first.invoice, amountCents: 99000, dueDate: '2026-11-10' }, '2026-11-22T10:00:00-03:00') };
    const stale = { ...submission({ ...first.invoice, amountCents: 1 }, '2026-11-21T10:00:00-03:00') };

    const outcomes = [];
    for (const s of [first, newer, stale]) outcomes.push(((await (await h.post('/v1/invoices', s)).json()) as { outcome: string }).outcome);
    expect(outcomes).toEqual(['registered', 'updated', 'stale']);
    // A resend of an earlier event, no longer the latest, is known from the invoice's history.
    expect(((await (await h.post('/v1/invoices', first)).json()) as { outcome: string }).outcome).toBe('duplicate');

    const state = (await (await h.get(`/v1/invoices/${first.invoice.externalId}`)).json()) as { invoice: { amountCents: number; dueDate: string }; history: Array<{ outcome: string }> };
    expect(state.invoice).toMatchObject({ amountCents: 99000, dueDate: '2026-11-10' });
    expect(state.history.map((r) => r.outcome)).toEqual(['registered', 'updated', 'stale']);

    const updated = await waitFor('updated event', () => published(InvoiceUpdatedV1.topic, invoiceId)[0]);
    expect(updated.json<{ data: { changedFields: string[] } }>().data.changedFields).toEqual(['amountCents', 'dueDate']);
  });

  test('an invoice the creditor marks paid publishes settled-by-creditor', async () => {
    const open = submission({}, '2026-11-20T10:00:00-03:00');
    await h.post('/v1/invoices', open);
    const paid = submission({ ...open.invoice, status: 'paid' }, '2026-11-23T10:00:00-03:00');
    expect(((await (await h.post('/v1/invoices', paid)).json()) as { outcome: string }).outcome).toBe('updated');
    const settled = await waitFor('settled event', () => published(InvoiceSettledByCreditorV1.topic, `${h.tenants.a.id}:${open.invoice.externalId}`)[0]);
    expect(settled.json<{ data: { status: string } }>().data.status).toBe('paid');
  });

  test('bad input is refused with one error per field, by path, and nothing is stored', async () => {
    const bad = submission();
    const body = { ...bad, invoice: { ...bad.invoice, amountCents: 10.5, debtor: { ...bad.invoice.debtor, taxId: { type: 'cpf', number: '123.456.789-00' }, nickname: 'x' } } };
    const response = await h.post('/v1/invoices', body);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; details: Array<{ path: string; message: string }> } };
    expect(error.code).toBe('validation');
    expect(error.details.map((d) => d.path).sort()).toEqual(['invoice.amountCents', 'invoice.debtor', 'invoice.debtor.taxId.number']);
    expect(error.details.find((d) => d.path === 'invoice.debtor')?.message).toMatch(/nickname/);
    expect((await h.get(`/v1/invoices/${bad.invoice.externalId}`)).status).toBe(404);

    const notJson = await h.post('/v1/invoices', '{"eventId":');
    expect(notJson.status).toBe(400);
  });

  test("tenants are isolated: one creditor's key can neither read nor change another's invoices", async () => {
    const ofA = submission();
    await h.post('/v1/invoices', ofA, h.tenants.a.key);
    expect((await h.get(`/v1/invoices/${ofA.invoice.externalId}`, h.tenants.b.key)).status).toBe(404);

    const sameIdFromB = submission({ ...ofA.invoice, amountCents: 5 }, '2026-11-23T10:00:00-03:00');
    const fromB = (await (await h.post('/v1/invoices', sameIdFromB, h.tenants.b.key)).json()) as { invoiceId: string; outcome: string };
    expect(fromB).toMatchObject({ invoiceId: `${h.tenants.b.id}:${ofA.invoice.externalId}`, outcome: 'registered' });
    const stillA = (await (await h.get(`/v1/invoices/${ofA.invoice.externalId}`, h.tenants.a.key)).json()) as { invoice: { amountCents: number } };
    expect(stillA.invoice.amountCents).toBe(ofA.invoice.amountCents);

    expect((await h.post('/v1/invoices', submission(), 'not-a-key')).status).toBe(401);
    expect((await h.post('/v1/invoices', submission(), '')).status).toBe(401);
  });

  test('credentials are checked before the body is parsed: a stranger sending broken JSON gets 401, not a parse error', async () => {
    expect((await h.post('/v1/invoices', '{"eventId":', 'not-a-key')).status).toBe(401);
    expect((await h.post('/v1/invoices:batch', '{"invoices":[', '')).status).toBe(401);
    const unsignedTenant = await h.post('/v1/invoices', '{"eventId":', '', { 'x-regua-tenant': h.tenants.b.id, 'x-regua-timestamp': '1', 'x-regua-signature': 'v1=00' });
    expect(unsignedTenant.status).toBe(401);
  });

  test('signed requests: a valid HMAC signature is accepted; a wrong, missing or expired one is refused', async () => {
    const raw = JSON.stringify(submission());
    const now = Math.floor(Date.now() / 1000);
    const headers = (timestamp: number, signature: string) => ({ 'x-regua-tenant': h.tenants.a.id, 'x-regua-timestamp': String(timestamp), 'x-regua-signature': signature });
    expect((await h.post('/v1/invoices', raw, '', headers(now, `v1=${sign(h.hmacSecret, now, raw)}`))).status).toBe(202);
    expect((await h.post('/v1/invoices', raw, '', headers(now, `v1=${sign('another-secret-value', now, raw)}`))).status).toBe(401);
    const old = now - 3600;
    expect((await h.post('/v1/invoices', raw, '', headers(old, `v1=${sign(h.hmacSecret, old, raw)}`))).status).toBe(401);
    const tampered = raw.replace('"amountCents":123456', '"amountCents":1');
    expect((await h.post('/v1/invoices', tampered, '', headers(now, `v1=${sign(h.hmacSecret, now, raw)}`))).status).toBe(401);
  });

  test('a batch is answered per item: valid items accepted, invalid ones rejected with their errors', async () => {
    const good = [submission(), submission()];
    const invalid = { ...submission(), eventId: 'not-a-uuid' };
    const response = await h.post('/v1/invoices:batch', { invoices: [good[0], invalid, good[1], good[0]] });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { accepted: number; rejected: number; results: Array<{ index: number; status: string; outcome?: string; errors?: Array<{ path: string }> }> };
    expect(body.accepted).toBe(3);
    expect(body.rejected).toBe(1);
    expect(body.results.map((r) => [r.index, r.status, r.outcome ?? r.errors?.[0]?.path])).toEqual([
      [0, 'accepted', 'registered'],
      [1, 'rejected', 'eventId'],
      [2, 'accepted', 'registered'],
      [3, 'accepted', 'duplicate'],
    ]);
    expect((await h.post('/v1/invoices:batch', { invoices: [] })).status).toBe(400);
  });

  test("the Kafka door (the tenant's own topic) applies the same validation, converges with HTTP, and dead-letters bad records and other tenants' names with the reason", async () => {
    const kafka = new Kafka({ clientId: 'bank-test', brokers: testEndpoints().kafkaBrokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const inbound = h.namespace + inboundInvoicesTopicFor(h.tenants.a.id);
    const viaKafka = submission();
    // Tenant a's topic carrying a message in tenant b's name: what a spoofing creditor would write.
    const otherTenant = { ...submission(), tenant: h.tenants.b.id };
    const badCpf = { ...submission(), tenant: h.tenants.a.id };
    badCpf.invoice = { ...badCpf.invoice, debtor: { ...badCpf.invoice.debtor, taxId: { type: 'cpf', number: '11111111111' } } };
    await producer.send({
      topic: inbound,
      messages: [
        { key: 'k', value: JSON.stringify({ ...viaKafka, tenant: h.tenants.a.id }) },
        { key: 'k', value: '{not json' },
        { key: 'k', value: JSON.stringify(badCpf) },
        { key: 'k', value: JSON.stringify(otherTenant) },
      ],
    });
    await producer.disconnect();

    const invoiceId = `${h.tenants.a.id}:${viaKafka.invoice.externalId}`;
    await waitFor('registered via kafka', () => published(InvoiceRegisteredV1.topic, invoiceId)[0]);
    // The same event through HTTP afterwards converges on the one record.
    expect(((await (await h.post('/v1/invoices', viaKafka)).json()) as { outcome: string }).outcome).toBe('duplicate');

    const dlq = await waitFor('three dead letters', async () => {
      const letters = recorder.messages.filter((m) => m.topic === `${h.namespace}regua.ingestion.inbound.dlq.v1`);
      return letters.length >= 3 ? letters : undefined;
    });
    expect(dlq.map((m) => m.headers['dlq-reason'])).toEqual(['invalid-json', 'schema-validation', 'handler-rejected']);
    // Sealed in the topic; the original bytes come back with the key, as the replay command reads them.
    expect(dlq[0]!.value).not.toContain('not json');
    expect(openDeadLetterRecord(dlq[0]!.raw, developmentDeadLetterKey()).value?.toString('utf8')).toBe('{not json');
    expect(dlq[1]!.headers['dlq-error']).toContain('invoice.debtor.taxId.number');
    // Dead-letter errors are masked: a generated tenant id with eight digits in a row reads as a number there.
    expect(dlq[2]!.headers['dlq-error']).toContain(maskPersonalData(`tenant: ${h.tenants.b.id} is not this topic's creditor`));
    expect(await h.service.store.findInvoice(`${h.tenants.b.id}:${otherTenant.invoice.externalId}`)).toBeNull();
    expect(dlq.every((m) => m.headers['dlq-source-topic'] === inbound)).toBe(true);
  });

  test('the OpenAPI document is served and generated from the contract', async () => {
    const doc = (await (await fetch(h.url('/openapi.json'))).json()) as { openapi: string; paths: Record<string, unknown>; components: { schemas: { InvoiceSubmission: { required: string[]; properties: { invoice: { required: string[]; additionalProperties: boolean } } } } } };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/invoices', '/v1/invoices:batch', '/v1/invoices:upload', '/v1/invoices/{externalId}']));
    const schema = doc.components.schemas.InvoiceSubmission;
    expect(schema.required).toEqual(['eventId', 'occurredAt', 'invoice']);
    expect(schema.properties.invoice.required).toEqual(expect.arrayContaining(['externalId', 'creditor', 'amountCents', 'debtor', 'dueDate']));
    expect(schema.properties.invoice.additionalProperties).toBe(false);
  });
});

describe('ingestion rate limiting', () => {
  let h: IngestionHarness;
  beforeAll(async () => {
    h = await startIngestionHarness({ INGESTION_RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(async () => {
    await h?.service.stop();
  });

  test('a creditor over its per-minute budget gets 429, while another creditor is unaffected', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await h.post('/v1/invoices', submission(), h.tenants.a.key)).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    // Over budget, the body is not even parsed: broken JSON gets the same 429.
    expect((await h.post('/v1/invoices', '{"eventId":', h.tenants.a.key)).status).toBe(429);
    expect((await h.post('/v1/invoices', submission(), h.tenants.b.key)).status).toBe(202);
  });
});
