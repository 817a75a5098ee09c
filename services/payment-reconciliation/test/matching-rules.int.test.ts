// Matching rules past the keys a payment carries, on the real broker and database: a case settled by its last
// invoice's payment, overpayments and late payments as credit, matching on the payer's document, and the generic
// card/gateway webhook.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { loadConfig } from '@regua/config';
import { buildEnvelope, CasePlannedV1, CaseSettledV1, CreditRecordedV1, debtorKey, exampleInvoice, invoiceId as toInvoiceId, InvoiceRegisteredV1, PaymentReconciledV1, type EventOf, type Invoice } from '@regua/contracts';
import type { RunningService } from '@regua/service-kit';
import { createLogger } from '@regua/telemetry';
import { recordTopics, testEndpoints, uniqueName, waitFor, serviceTestEnv } from '@regua/testing';
import { pixSignature } from '../src/domain/pix-webhook.ts';
import { PaymentReconciliationEnvSchema, startPaymentReconciliation } from '../src/service.ts';
import { receivableAsRead } from './support/receivables.ts';

const NOW = new Date('2026-12-14T13:00:00Z');

type Reconciled = EventOf<typeof PaymentReconciledV1>;
type CaseSettled = EventOf<typeof CaseSettledV1>;
type CreditRecorded = EventOf<typeof CreditRecordedV1>;
interface GatewayResponse {
  received: number;
  results: Array<{ id: string; type: string; outcome: string; invoiceId?: string; reason?: string; repeated: boolean }>;
}
interface ErrorBody {
  error: { code: string; details?: Array<{ path: string; message: string }> };
}

/** A random CPF with valid check digits. */
function cpf(): string {
  const digits = Array.from({ length: 9 }, () => randomInt(10));
  for (const weightStart of [10, 11]) {
    const sum = digits.reduce((acc, d, i) => acc + d * (weightStart - i), 0);
    const rest = (sum * 10) % 11;
    digits.push(rest === 10 ? 0 : rest);
  }
  return digits.join('');
}

describe('matching rules: case settlement, credit, payer document, gateway webhook', () => {
  const { kafkaBrokers } = testEndpoints();
  const namespace = `${uniqueName('paymatch')}.`;
  const tenant = uniqueName('bank');
  const secret = `gateway-secret-${randomUUID()}`;
  const kafka = new Kafka({ clientId: 'matching-rules-test', brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
  let service: RunningService;
  let producer: Producer;
  let recorder: Awaited<ReturnType<typeof recordTopics>>;

  beforeAll(async () => {
    const env = loadConfig(PaymentReconciliationEnvSchema, serviceTestEnv(namespace, {
      PAYMENT_GATEWAY_WEBHOOK_SECRETS: `${tenant}:${secret}`,
      PAYMENT_MATCH_WINDOW_DAYS: '30',
    }));
    service = await startPaymentReconciliation(env, { clock: { now: () => NOW }, logger: createLogger({ service: 'matching-rules-test', level: 'silent' }) });
    recorder = await recordTopics(kafkaBrokers, [PaymentReconciledV1, CaseSettledV1, CreditRecordedV1].map((e) => namespace + e.topic));
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await recorder?.stop();
    await service?.context.db.dropDatabase();
    await service?.stop();
  });

  const db = () => service.context.db.db!;
  const context = () => ({ id: randomUUID(), occurredAt: NOW, source: 'test', tenant, correlationId: randomUUID() });
  const published = <T extends { data: object }>(topic: string) => recorder.messages.filter((m) => m.topic === namespace + topic).map((m) => m.json<T>());
  const receivable = (invoiceId: string) => receivableAsRead(db(), invoiceId);
  const exception = (paymentId: string) => db().collection<{ _id: string; reason: string; event: string }>('payment_exceptions').findOne({ _id: `${tenant}:${paymentId}` });

  const invoiceFor = (overrides: Partial<Invoice> & { debtorId?: string; taxId?: string } = {}): Invoice => {
    const { debtorId, taxId, ...rest } = overrides;
    const base = exampleInvoice({ externalId: `INV-${randomBytes(5).toString('hex')}`, dueDate: '2026-12-01', ...rest });
    return { ...base, debtor: { ...base.debtor, externalId: debtorId ?? base.debtor.externalId, taxId: { type: 'cpf', number: taxId ?? base.debtor.taxId.number } } };
  };
  async function register(...invoices: Invoice[]): Promise<string[]> {
    const ids = invoices.map((i) => toInvoiceId(tenant, i.externalId));
    await producer.send({
      topic: namespace + InvoiceRegisteredV1.topic,
      messages: invoices.map((invoice, i) => ({ key: debtorKey(tenant, invoice.debtor.externalId), value: JSON.stringify(buildEnvelope(InvoiceRegisteredV1, context(), { invoiceId: ids[i]!, invoice, revision: 1 })) })),
    });
    for (const id of ids) await waitFor(`invoice ${id} in the ledger`, () => receivable(id));
    return ids;
  }
  /** Plans a case; `joinings` splits its invoices over several plans (each lists every invoice joined so far as open). */
  async function planCase(debtorId: string, invoiceIds: string[], joinings: string[][] = [invoiceIds]): Promise<string> {
    const caseId = `case-${randomUUID()}`;
    const plans = joinings.map((joined, i) => buildEnvelope(CasePlannedV1, context(), { caseId, debtorId, joinedInvoiceIds: joined, openInvoiceIds: joinings.slice(0, i + 1).flat(), strategy: 'default', arm: 'control', cadenceId: null, cadenceVersion: 0, nextContact: null }));
    await producer.send({ topic: namespace + CasePlannedV1.topic, messages: plans.map((planned) => ({ key: debtorKey(tenant, debtorId), value: JSON.stringify(planned) })) });
    // Linked as the last plan lists the case: every invoice of it knows all the others.
    const lastPlan = joinings.flat();
    for (const id of invoiceIds) await waitFor(`invoice ${id} linked to case ${caseId}`, async () => ((await receivable(id))?.casePlan?.openInvoiceIds.length === lastPlan.length ? true : undefined));
    return caseId;
  }
  const url = (path: string) => `http://127.0.0.1:${service.port}${path}`;
  const postGateway = (body: string, signature = pixSignature(body, secret), to = tenant) => fetch(url(`/v1/webhooks/gateway/${to}`), { method: 'POST', headers: { 'content-type': 'application/json', 'x-regua-signature': signature }, body });
  const gatewayEvent = (amountCents: number, extra: object = {}) => ({ id: `evt_${randomUUID()}`, type: 'payment.succeeded', amountCents, currency: 'BRL', paidAt: NOW.toISOString(), method: 'card', ...extra });
  async function pay(...events: object[]): Promise<GatewayResponse> {
    const response = await postGateway(JSON.stringify({ events }));
    expect(response.status).toBe(200);
    return (await response.json()) as GatewayResponse;
  }

  test('a 2-invoice case whose invoices joined in two plans: paying the first settles nothing, paying the last publishes CaseSettled once, even when the payment is sent again', async () => {
    const debtorId = `CUST-${randomUUID()}`;
    const [a, b] = [invoiceFor({ debtorId, amountCents: 10_000 }), invoiceFor({ debtorId, amountCents: 20_000 })];
    const ids = await register(a, b);
    const caseId = await planCase(debtorId, ids, [[ids[0]!], [ids[1]!]]);

    const first = await pay(gatewayEvent(10_000, { reference: { invoiceExternalId: a.externalId } }));
    expect(first.results[0]).toMatchObject({ outcome: 'reconciled', invoiceId: ids[0] });
    expect(await db().collection('settled_cases').findOne({ _id: caseId as never })).toBeNull();
    // The case's other invoices are known from the plan kept on its receivables: the case itself is not read.
    await db().collection('negotiation_cases').deleteOne({ _id: caseId as never });
    const last = gatewayEvent(20_000, { reference: { invoiceExternalId: b.externalId } });
    expect((await pay(last)).results[0]).toMatchObject({ outcome: 'reconciled', invoiceId: ids[1] });

    const [settled] = await waitFor('CaseSettled', () => {
      const found = published<CaseSettled>(CaseSettledV1.topic).filter((e) => e.data.caseId === caseId);
      return found.length > 0 ? found : undefined;
    });
    expect(settled!.data).toEqual({ caseId, debtorId, invoiceIds: ids, paidCents: 30_000, settledAt: NOW.toISOString() });

    expect((await pay(last)).results[0]).toMatchObject({ outcome: 'reconciled', repeated: true });
    const again = await waitFor('the repeat reconciled again', () => {
      const found = published<Reconciled>(PaymentReconciledV1.topic).filter((e) => e.data.paymentId === `gateway:${last.id}`);
      return found.length >= 2 ? found : undefined;
    });
    expect(new Set(again.map((e) => e.id)).size).toBe(1);
    expect(published<CaseSettled>(CaseSettledV1.topic).filter((e) => e.data.caseId === caseId)).toHaveLength(1);
  });

  test("an overpayment settles the invoice and its excess becomes the debtor's credit; a later payment of the settled invoice goes to the operators' queue as credit, counted once", async () => {
    const debtorId = `CUST-${randomUUID()}`;
    const invoice = invoiceFor({ debtorId, amountCents: 10_000 });
    const [invoiceId] = await register(invoice);

    const over = gatewayEvent(12_500, { reference: { invoiceExternalId: invoice.externalId } });
    expect((await pay(over)).results[0]).toMatchObject({ outcome: 'reconciled', invoiceId });
    const [credit] = await waitFor('overpayment credit', () => {
      const found = published<CreditRecorded>(CreditRecordedV1.topic).filter((e) => e.data.paymentId === `gateway:${over.id}`);
      return found.length > 0 ? found : undefined;
    });
    expect(credit!.data).toMatchObject({ invoiceId, debtorId, reason: 'overpayment', creditCents: 2_500, balanceCents: 2_500 });
    // One publish carries both, on two topics: either may be read first.
    expect((await waitFor('overpayment reconciled', () => published<Reconciled>(PaymentReconciledV1.topic).find((e) => e.data.paymentId === `gateway:${over.id}`))).data).toMatchObject({ paidTotalCents: 12_500, outstandingCents: 0, settled: true });

    const late = gatewayEvent(3_000, { reference: { invoiceExternalId: invoice.externalId } });
    expect((await pay(late)).results[0]).toMatchObject({ outcome: 'unmatched', reason: 'late payment of a settled debt (refund or credit)', repeated: false });
    // Sent again: still one exception, one credit.
    expect((await pay(late)).results[0]).toMatchObject({ outcome: 'unmatched', repeated: true });

    expect(await exception(`gateway:${late.id}`)).toMatchObject({ reason: 'late payment of a settled debt (refund or credit)', invoiceId });
    expect((await receivable(invoiceId!))!.payments).toEqual([{ paymentId: `gateway:${over.id}`, amountCents: 12_500 }]);
    expect(await db().collection('credit_balances').findOne({ _id: `${tenant}:${debtorId}` as never })).toMatchObject({ balanceCents: 5_500 });
    await waitFor('late-payment credit', () => published<CreditRecorded>(CreditRecordedV1.topic).find((e) => e.data.paymentId === `gateway:${late.id}`));
    expect(published<CreditRecorded>(CreditRecordedV1.topic).find((e) => e.data.paymentId === `gateway:${late.id}`)!.data).toMatchObject({ reason: 'late-payment', creditCents: 3_000 });
    expect(published<Reconciled>(PaymentReconciledV1.topic).filter((e) => e.data.paymentId === `gateway:${late.id}`)).toEqual([]);
  });

  test("a payment naming no invoice is matched on the payer's document, amount and due date when one invoice fits; two that fit go to the operators' queue as ambiguous", async () => {
    const single = cpf();
    const [fitting, otherAmount, tooOld] = [invoiceFor({ taxId: single, amountCents: 7_777 }), invoiceFor({ taxId: single, amountCents: 8_888 }), invoiceFor({ taxId: single, amountCents: 7_777, issueDate: '2026-05-01', dueDate: '2026-06-01' })];
    const [fittingId] = await register(fitting, otherAmount, tooOld);
    const matched = gatewayEvent(7_777, { payer: { document: `${single.slice(0, 3)}.${single.slice(3, 6)}.${single.slice(6, 9)}-${single.slice(9)}` } });
    expect((await pay(matched)).results[0]).toMatchObject({ outcome: 'reconciled', invoiceId: fittingId });
    expect(await db().collection('debtor_documents').countDocuments({ invoiceIds: fittingId })).toBe(1);
    expect(JSON.stringify(await db().collection('debtor_documents').find({}).toArray())).not.toContain(single);

    const twice = cpf();
    await register(invoiceFor({ taxId: twice, amountCents: 5_000 }), invoiceFor({ taxId: twice, amountCents: 5_000, dueDate: '2026-12-10' }));
    const ambiguous = gatewayEvent(5_000, { payer: { document: twice } });
    const [result] = (await pay(ambiguous)).results;
    expect(result).toMatchObject({ outcome: 'unmatched', reason: expect.stringMatching(/^ambiguous: 2 /) });
    const queued = await exception(`gateway:${ambiguous.id}`);
    expect(queued!.reason).toMatch(/^ambiguous/);
    expect(queued!.event).not.toContain(twice);

    const nobody = gatewayEvent(5_000, { payer: { document: cpf() } });
    expect((await pay(nobody)).results[0]).toMatchObject({ outcome: 'unmatched', reason: expect.stringMatching(/^none: /) });
  });

  describe('the gateway webhook', () => {
    test('a forged signature, another tenant, or no secret: 401 and nothing recorded', async () => {
      const event = gatewayEvent(1_000, { reference: { invoiceExternalId: 'INV-X' } });
      const body = JSON.stringify({ events: [event] });
      expect((await postGateway(body, pixSignature(body, 'not-the-secret'))).status).toBe(401);
      expect((await postGateway(body, pixSignature(body, secret), 'another-bank')).status).toBe(401);
      expect((await postGateway(body, 'sha256=nothex')).status).toBe(401);
      expect(await db().collection('payments').findOne({ _id: `${tenant}:gateway:${event.id}` as never })).toBeNull();
    });

    test('a signed but malformed call: 400 naming each field by its path', async () => {
      const response = await postGateway(JSON.stringify({ events: [{ id: 'evt_bad', type: 'payment.chargeback', amountCents: -1, currency: 'USD', paidAt: 'today', method: 'cash' }] }));
      expect(response.status).toBe(400);
      const paths = ((await response.json()) as ErrorBody).error.details!.map((d) => d.path);
      expect(paths).toEqual(expect.arrayContaining(['events[0].type', 'events[0].amountCents', 'events[0].currency', 'events[0].paidAt', 'events[0].method']));
    });

    test("a refund goes to the operators' queue and un-settles nothing; sent again, it counts once", async () => {
      const invoice = invoiceFor({ amountCents: 4_000 });
      const [invoiceId] = await register(invoice);
      await pay(gatewayEvent(4_000, { reference: { invoiceExternalId: invoice.externalId } }));
      const document = cpf();
      const refund = { ...gatewayEvent(4_000, { reference: { invoiceExternalId: invoice.externalId }, payer: { document } }), type: 'payment.refunded' };
      expect((await pay(refund)).results[0]).toMatchObject({ outcome: 'refund-recorded', repeated: false });
      expect((await pay(refund)).results[0]).toMatchObject({ outcome: 'refund-recorded', repeated: true });
      const queued = await exception(`gateway:${refund.id}`);
      expect(queued).toMatchObject({ invoiceId });
      expect(queued!.event).not.toContain(document);
      expect((await receivable(invoiceId!))!.payments).toHaveLength(1);
    });

    test('GET /openapi.json documents the gateway webhook', async () => {
      const document = (await (await fetch(url('/openapi.json'))).json()) as { paths: Record<string, unknown> };
      expect(document.paths['/v1/webhooks/gateway/{tenant}']).toBeDefined();
    });
  });
});
