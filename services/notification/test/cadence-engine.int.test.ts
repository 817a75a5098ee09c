// The cadence engine on the real broker and database, sending through the provider sandbox over HTTP: cases opened
// from scored events, contact windows in the debtor's zone, caps and opt-outs, fallbacks, payments, two replicas and a
// crash, receipts. "Sent" is judged by what the provider saw: the sandbox's record of every raw request.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { loadConfig } from '@regua/config';
import { AgreementBrokenV1, AgreementCreatedV1, AgreementInstallmentPaidV1, buildEnvelope, CasePlannedV1, debtorKey, DebtorScoredV1, JudicialCaseClosedV1, JudicialCaseOpenedV1, NotificationDeliveredV1, NotificationReadV1, PaymentReconciledV1, type EventOf } from '@regua/contracts';
import { SIGNATURE_HEADER, signReceipt, startProviderSandbox, type ProviderSandbox, type RecordedRequest, type SandboxChannel } from '@regua/provider-sandbox';
import type { Clock } from '@regua/service-kit';
import { createLogger } from '@regua/telemetry';
import { recordTopics, testEndpoints, uniqueName, waitFor } from '@regua/testing';
import type { MessageChannel, OutboundMessage } from '../src/channels.ts';
import { providersFromConfig } from '../src/providers/from-config.ts';
import { NotificationEnvSchema, startNotification, type NotificationService } from '../src/service.ts';

const logger = createLogger({ service: 'test', level: 'silent' });
const LEASE_MS = 30_000;
const TOKENS: Record<SandboxChannel, string> = { email: 'sandbox-email-key', sms: 'sandbox-sms-token', whatsapp: 'sandbox-whatsapp-token', voice: 'sandbox-voice-key' };
const RECEIPTS_SECRET = `receipts-${randomUUID()}`;
const BANCO_EXEMPLO = { name: 'Banco Exemplo S.A.', cnpj: '11222333000181' };
const FINANCEIRA_MODELO = { name: 'Financeira Modelo S.A.', cnpj: '11444777000161' };

type Scored = EventOf<typeof DebtorScoredV1>;
type Reconciled = EventOf<typeof PaymentReconciledV1>;
type Planned = EventOf<typeof CasePlannedV1>;
type ManualClock = Clock & { set(at: string): void; advance(ms: number): void };

function manualClock(start: string): ManualClock {
  let current = new Date(start);
  return {
    now: () => current,
    set: (at) => void (current = new Date(at)),
    advance: (ms) => void (current = new Date(current.getTime() + ms)),
  };
}

/** A free port on loopback: the sandbox's, known before the service it posts receipts to is started. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Debtor {
  debtorId: string;
  uf: string;
  timeZone: string;
  creditor?: { name: string; cnpj: string };
}

const inSaoPaulo = (label: string): Debtor => ({ debtorId: `CUST-${uniqueName(label)}`, uf: 'SP', timeZone: 'America/Sao_Paulo' });
const inManaus = (label: string): Debtor => ({ debtorId: `CUST-${uniqueName(label)}`, uf: 'AM', timeZone: 'America/Manaus' });

/** Scoring's event for one invoice of a debtor with a mobile and an e-mail, on the standard strategy. */
function scored(tenant: string, at: Date, debtor: Debtor, invoice: { invoiceId: string; dueDate: string; amountCents?: number }): Scored {
  const creditor = debtor.creditor ?? BANCO_EXEMPLO;
  const amountCents = invoice.amountCents ?? 123_456;
  return buildEnvelope(
    DebtorScoredV1,
    { id: randomUUID(), occurredAt: at, source: 'scoring', tenant, correlationId: randomUUID() },
    {
      invoiceId: invoice.invoiceId,
      debtorId: debtor.debtorId,
      score: 420,
      segment: 'medium_risk',
      strategy: 'standard',
      modelVersion: 'rules-2026.11',
      profile: {
        invoiceId: invoice.invoiceId,
        debtorId: debtor.debtorId,
        debtorName: 'Maria da Silva',
        amountCents,
        dueDate: invoice.dueDate,
        status: 'open',
        productType: 'credit_card',
        creditorName: creditor.name,
        creditorCnpj: creditor.cnpj,
        contacts: { emails: ['maria.silva@example.com'], mobilePhones: ['+5511987654321'], landlines: [] },
        uf: debtor.uf,
        timeZone: debtor.timeZone,
      },
    },
  );
}

/** Payment reconciliation's event for a payment that settles the invoice. */
function settledBy(tenant: string, at: Date, debtorId: string, invoiceId: string): Reconciled {
  return buildEnvelope(
    PaymentReconciledV1,
    { id: randomUUID(), occurredAt: at, source: 'payment-reconciliation', tenant, correlationId: randomUUID() },
    { paymentId: `PIX-${randomUUID()}`, invoiceId, debtorId, amountCents: 123_456, paidTotalCents: 123_456, outstandingCents: 0, settled: true, paidAt: at.toISOString() },
  );
}

/** The message text of a raw provider request, whatever the provider's shape. */
function textOf(request: RecordedRequest): string {
  const body = request.body as { content?: Array<{ value?: string }>; contents?: Array<{ text?: string }>; text?: { body?: string }; script?: string };
  return body.content?.[0]?.value ?? body.contents?.[0]?.text ?? body.text?.body ?? body.script ?? '';
}

interface EngineOptions {
  db: string;
  namespace: string;
  tenant: string;
  apiKey: string;
  sandboxUrl: string;
  clock: Clock;
  /** The channels with a provider configured (all four by default). */
  channels?: readonly SandboxChannel[];
  batchSize?: number;
  /** In place of the providers the configuration gives. */
  channel?: MessageChannel;
}

const PROVIDER_URL_VARIABLE: Record<SandboxChannel, string> = { email: 'NOTIFICATION_EMAIL_URL', sms: 'NOTIFICATION_SMS_URL', whatsapp: 'NOTIFICATION_WHATSAPP_URL', voice: 'NOTIFICATION_VOICE_URL' };

function engineEnv(options: EngineOptions) {
  const channels = options.channels ?? (['email', 'sms', 'whatsapp', 'voice'] as const);
  return loadConfig(NotificationEnvSchema, {
    KAFKA_BROKERS: testEndpoints().kafkaBrokers.join(','),
    MONGO_URL: testEndpoints().mongoUrl,
    MONGO_DB: options.db,
    KAFKA_NAMESPACE: options.namespace,
    KAFKA_TOPIC_PARTITIONS: '1',
    HTTP_PORT: '0',
    NOTIFICATION_DISPATCH_CRON: 'off',
    NOTIFICATION_API_KEYS: `${options.tenant}:${options.apiKey}`,
    NOTIFICATION_BATCH_SIZE: String(options.batchSize ?? 200),
    NOTIFICATION_CLAIM_LEASE_MS: String(LEASE_MS),
    NOTIFICATION_PROVIDER_TIMEOUT_MS: '10000',
    ...Object.fromEntries(channels.map((channel) => [PROVIDER_URL_VARIABLE[channel], `${options.sandboxUrl}/${channel}`])),
    NOTIFICATION_EMAIL_API_KEY: TOKENS.email,
    NOTIFICATION_SMS_API_TOKEN: TOKENS.sms,
    NOTIFICATION_WHATSAPP_TOKEN: TOKENS.whatsapp,
    NOTIFICATION_VOICE_API_KEY: TOKENS.voice,
    NOTIFICATION_PROVIDER_LOOKUP_URL: options.sandboxUrl,
    NOTIFICATION_RECEIPTS_SECRET: RECEIPTS_SECRET,
  });
}

function startEngine(options: EngineOptions): Promise<NotificationService> {
  return startNotification(engineEnv(options), { clock: options.clock, logger, retry: { retries: 3, initialDelayMs: 100, maxDelayMs: 500 }, ...(options.channel ? { channel: options.channel } : {}) });
}

/**
 * A case the consumer opened, once its dispatch is over: for an invoice that arrives overdue, the dispatch ends by
 * settling the pre-due steps it skips, after it wrote its wake-ups and made its sends.
 */
function dispatched(engine: NotificationService, invoiceId: string) {
  return waitFor(`the case of ${invoiceId} opened and dispatched`, async () => {
    const doc = await engine.cases.caseOf(invoiceId);
    return doc && doc.settledSteps.length > 0 ? doc : undefined;
  });
}

/**
 * The real providers of a replica that dies in the middle of a batch: once `die()` is called, every send either
 * reaches the provider and never returns (the process died before confirming), or never reaches it (died right
 * after claiming), alternately.
 */
function dyingChannel(providers: MessageChannel) {
  let dead = false;
  let calls = 0;
  const tookThenDied: string[] = [];
  const diedBeforeSending: string[] = [];
  return {
    tookThenDied,
    diedBeforeSending,
    die: () => void (dead = true),
    stuck: () => calls > 0 && tookThenDied.length + diedBeforeSending.length === calls,
    async send(message: OutboundMessage): Promise<void> {
      if (!dead) return providers.send(message);
      calls += 1;
      if (calls % 2 === 1) {
        await providers.send(message);
        tookThenDied.push(message.reference);
      } else {
        diedBeforeSending.push(message.reference);
      }
      return new Promise<void>(() => undefined);
    },
    ...(providers.wasSent ? { wasSent: providers.wasSent.bind(providers) } : {}),
  };
}

describe('the cadence engine on the real broker, database and provider sandbox', () => {
  const { kafkaBrokers } = testEndpoints();
  const kafka = new Kafka({ clientId: 'cadence-engine-test', brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
  const tenant = uniqueName('bank');
  const apiKey = `key-${uniqueName('k')}`;
  const namespace = `${uniqueName('cadence')}.`;
  const clock = manualClock('2026-11-24T13:00:00Z');
  let sandboxUrl: string;
  let sandbox: ProviderSandbox;
  let service: NotificationService;
  let producer: Producer;
  let recorder: Awaited<ReturnType<typeof recordTopics>>;

  const engine = (overrides: Partial<EngineOptions> = {}): EngineOptions => ({ db: uniqueName('cadence'), namespace, tenant, apiKey, sandboxUrl, clock, ...overrides });

  beforeAll(async () => {
    const sandboxPort = await freePort();
    sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
    service = await startEngine(engine());
    sandbox = await startProviderSandbox({
      port: sandboxPort,
      tokens: TOKENS,
      webhookUrl: `http://127.0.0.1:${service.port}/v1/receipts`,
      webhookSecret: RECEIPTS_SECRET,
      webhook: { retries: 3, retryDelayMs: 100 },
      // Every message delivered and read, quickly; no replies, so no debtor opts out unless a test says so.
      delays: { deliveredMs: [20, 50], readMs: [20, 50] },
      rates: { failed: 0, read: 1, reply: 0 },
    });
    recorder = await recordTopics(kafkaBrokers, [namespace + CasePlannedV1.topic, namespace + NotificationDeliveredV1.topic, namespace + NotificationReadV1.topic]);
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await recorder?.stop();
    await sandbox?.close();
    await service?.context.db.dropDatabase();
    await service?.stop();
  });

  const TOPIC_OF: Record<string, string> = {
    [DebtorScoredV1.type]: DebtorScoredV1.topic,
    [PaymentReconciledV1.type]: PaymentReconciledV1.topic,
    [AgreementCreatedV1.type]: AgreementCreatedV1.topic,
    [AgreementInstallmentPaidV1.type]: AgreementInstallmentPaidV1.topic,
    [AgreementBrokenV1.type]: AgreementBrokenV1.topic,
    [JudicialCaseOpenedV1.type]: JudicialCaseOpenedV1.topic,
    [JudicialCaseClosedV1.type]: JudicialCaseClosedV1.topic,
  };
  const publish = (events: Array<{ type: string; tenant: string; data: { debtorId: string } }>, inNamespace = namespace) =>
    producer.send({ topic: inNamespace + TOPIC_OF[events[0]!.type]!, messages: events.map((e) => ({ key: debtorKey(e.tenant, e.data.debtorId), value: JSON.stringify(e) })) });
  const requestsOf = (caseId: string) => sandbox.requests().filter((r) => r.reference?.startsWith(`${caseId}:`));
  const eventsOn = <T>(topic: string) => recorder.messages.filter((m) => m.topic === namespace + topic).map((m) => m.json<T>());
  const invoiceOf = (debtor: Debtor, n = 1) => `${tenant}:INV-${n}-${debtor.debtorId}`;
  const postReceipt = (body: object, secret = RECEIPTS_SECRET) => {
    const raw = JSON.stringify(body);
    return fetch(`http://127.0.0.1:${service.port}/v1/receipts`, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signReceipt(raw, secret) }, body: raw });
  };

  describe('cases scheduled from scored events', () => {
    test('Given an overdue invoice scored in contact hours, when the event arrives, then a case is opened, its plan is published, and the due step reaches the provider once', async () => {
      // Tuesday 10:00 in São Paulo; due on Friday the 20th: D+3 (WhatsApp) is the step due now.
      clock.set('2026-11-24T13:00:00Z');
      const debtor = inSaoPaulo('scored');
      const invoiceId = invoiceOf(debtor);

      await publish([scored(tenant, clock.now(), debtor, { invoiceId, dueDate: '2026-11-20' })]);

      const opened = await dispatched(service, invoiceId);
      expect(opened).toMatchObject({ status: 'open', debtorId: debtor.debtorId, strategy: 'standard', cadenceId: 'standard', creditor: BANCO_EXEMPLO });
      const plan = await waitFor('the case planned', () => eventsOn<Planned>(CasePlannedV1.topic).find((e) => e.data.joinedInvoiceIds.includes(invoiceId)));
      expect(plan.data).toMatchObject({ caseId: opened._id, openInvoiceIds: [invoiceId], nextContact: { stepId: 'd3-whatsapp', channels: ['whatsapp'] } });
      const deliveries = await service.cases.deliveriesFor(invoiceId);
      expect(deliveries.map((d) => [d.stepId, d.channel])).toEqual([['d3-whatsapp', 'whatsapp']]);
      expect(requestsOf(opened._id).map((r) => [r.channel, r.reference, r.outcome])).toEqual([['whatsapp', deliveries[0]!._id, 'accepted']]);
    });

    test('Given two invoices of one debtor with one creditor, when both are scored, then they form one case and one message quotes their sum', async () => {
      // Wednesday 08:00 in São Paulo: before the window, so both have joined when the step goes out at 09:00.
      clock.set('2026-11-25T11:00:00Z');
      const debtor = inSaoPaulo('two-invoices');
      const [first, second] = [invoiceOf(debtor, 1), invoiceOf(debtor, 2)];

      await publish([scored(tenant, clock.now(), debtor, { invoiceId: first, dueDate: '2026-11-20', amountCents: 100_000 }), scored(tenant, clock.now(), debtor, { invoiceId: second, dueDate: '2026-11-21', amountCents: 23_456 })]);
      const opened = await waitFor('both invoices in one case', async () => {
        const doc = await service.cases.caseOf(second);
        return doc && doc.invoices.length === 2 && doc.settledSteps.length > 0 ? doc : undefined;
      });
      expect((await service.cases.caseOf(first))?._id).toBe(opened._id);
      expect(requestsOf(opened._id)).toHaveLength(0);

      clock.set('2026-11-25T12:00:00Z');
      await service.dispatcher.runDue();

      const requests = requestsOf(opened._id);
      expect(requests).toHaveLength(1);
      expect(textOf(requests[0]!)).toContain('R$ 1.234,56');
    });
  });

  describe("contact windows in the debtor's time zone", () => {
    test('Given debtors in São Paulo and in Manaus, when a step falls due at 09:30 in São Paulo (08:30 in Manaus), then only the paulistana is contacted, and the Manaus debtor at 09:00 her time', async () => {
      clock.set('2026-12-01T12:30:00Z'); // a Tuesday
      const [paulistana, manauara] = [inSaoPaulo('sp'), inManaus('am')];

      await publish([scored(tenant, clock.now(), manauara, { invoiceId: invoiceOf(manauara), dueDate: '2026-11-27' }), scored(tenant, clock.now(), paulistana, { invoiceId: invoiceOf(paulistana), dueDate: '2026-11-27' })]);
      const [inManausCase, inSaoPauloCase] = [await dispatched(service, invoiceOf(manauara)), await dispatched(service, invoiceOf(paulistana))];

      expect(requestsOf(inSaoPauloCase._id)).toHaveLength(1);
      expect(requestsOf(inManausCase._id)).toHaveLength(0);
      clock.set('2026-12-01T12:59:59Z');
      await service.dispatcher.runDue();
      expect(requestsOf(inManausCase._id)).toHaveLength(0);

      clock.set('2026-12-01T13:00:00Z');
      await service.dispatcher.runDue();
      expect(requestsOf(inManausCase._id).map((r) => r.channel)).toEqual(['whatsapp']);
    });

    test('Given a step due on a Sunday, then it waits for Monday 09:00', async () => {
      clock.set('2026-12-06T15:00:00Z');
      const debtor = inSaoPaulo('sunday');

      await publish([scored(tenant, clock.now(), debtor, { invoiceId: invoiceOf(debtor), dueDate: '2026-12-03' })]);
      const { _id: caseId } = await dispatched(service, invoiceOf(debtor));
      expect(requestsOf(caseId)).toHaveLength(0);

      clock.set('2026-12-07T11:59:59Z');
      await service.dispatcher.runDue();
      expect(requestsOf(caseId)).toHaveLength(0);
      clock.set('2026-12-07T12:00:00Z');
      await service.dispatcher.runDue();
      expect(requestsOf(caseId)).toHaveLength(1);
    });

    test('Given a step due on Christmas (a Friday), then it waits past the holiday and the weekend, for Monday 09:00', async () => {
      clock.set('2026-12-25T15:00:00Z');
      const debtor = inSaoPaulo('christmas');

      await publish([scored(tenant, clock.now(), debtor, { invoiceId: invoiceOf(debtor), dueDate: '2026-12-22' })]);
      const { _id: caseId } = await dispatched(service, invoiceOf(debtor));
      expect(requestsOf(caseId)).toHaveLength(0);

      clock.set('2026-12-26T13:00:00Z');
      await service.dispatcher.runDue();
      clock.set('2026-12-28T11:59:59Z');
      await service.dispatcher.runDue();
      expect(requestsOf(caseId)).toHaveLength(0);
      clock.set('2026-12-28T12:00:00Z');
      await service.dispatcher.runDue();
      expect(requestsOf(caseId)).toHaveLength(1);
    });
  });

  describe('frequency caps and opt-outs', () => {
    test('Given one debtor with cases at two creditors due at the same moment, then she is contacted once that day and the other case goes out the next day', async () => {
      // Tuesday 08:00 in São Paulo: both cases wait for 09:00.
      clock.set('2027-01-05T11:00:00Z');
      const debtorId = `CUST-${uniqueName('capped')}`;
      const atBank: Debtor = { debtorId, uf: 'SP', timeZone: 'America/Sao_Paulo', creditor: BANCO_EXEMPLO };
      const atFinanceira: Debtor = { ...atBank, creditor: FINANCEIRA_MODELO };
      const [bankInvoice, financeiraInvoice] = [`${tenant}:INV-BANK-${debtorId}`, `${tenant}:INV-FIN-${debtorId}`];

      await publish([scored(tenant, clock.now(), atBank, { invoiceId: bankInvoice, dueDate: '2027-01-01' }), scored(tenant, clock.now(), atFinanceira, { invoiceId: financeiraInvoice, dueDate: '2027-01-01' })]);
      const cases = [await dispatched(service, bankInvoice), await dispatched(service, financeiraInvoice)];
      expect(new Set(cases.map((c) => c._id)).size).toBe(2);
      const requestsOfDebtor = () => cases.flatMap((c) => requestsOf(c._id));

      clock.set('2027-01-05T12:00:00Z');
      const tick = await service.dispatcher.runDue().then(
        () => 'completed',
        (error: Error) => `failed: ${error.message}`,
      );
      // One contact that day, and a tick that completes (both show in the failure, if any).
      expect({ contacts: requestsOfDebtor().map((r) => r.reference), tick }).toEqual({ contacts: [expect.any(String)], tick: 'completed' });

      clock.set('2027-01-06T12:00:00Z');
      await service.dispatcher.runDue();
      expect(requestsOfDebtor().map((r) => r.reference!.split(':')[0]).sort()).toEqual(cases.map((c) => c._id).sort());
    });

    test('Given a debtor who replies "PARAR" on WhatsApp, then her next WhatsApp step goes by its fallback channel and WhatsApp gets nothing more', async () => {
      clock.set('2027-01-12T13:00:00Z'); // Tuesday; due Friday the 8th: D+3 by WhatsApp now, D+7 by e-mail and WhatsApp on Friday
      const debtor = inSaoPaulo('opt-out');
      await publish([scored(tenant, clock.now(), debtor, { invoiceId: invoiceOf(debtor), dueDate: '2027-01-08' })]);
      const { _id: caseId } = await dispatched(service, invoiceOf(debtor));
      const [whatsapp] = await waitFor('the WhatsApp message', () => (requestsOf(caseId).length === 1 ? requestsOf(caseId) : undefined));
      expect(whatsapp!.channel).toBe('whatsapp');

      const reply = { provider: 'whatsapp-cloud', channel: 'whatsapp', reference: whatsapp!.reference, providerMessageId: whatsapp!.providerMessageId, status: 'replied', at: clock.now().toISOString(), providerStatus: 'text', replyText: 'PARAR' };
      const answer = await postReceipt(reply);
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ outcome: 'recorded' });

      clock.set('2027-01-15T13:00:00Z');
      await service.dispatcher.runDue();

      const after = requestsOf(caseId).filter((r) => r.seq > whatsapp!.seq);
      expect(after.map((r) => r.channel).sort()).toEqual(['email', 'sms']);
      const d7 = (await service.cases.deliveriesFor(caseId)).filter((d) => d.stepId === 'd7-email-whatsapp');
      expect(d7.map((d) => [d.channel, d.fallbackFor]).sort()).toEqual([
        ['email', undefined],
        ['sms', 'whatsapp'],
      ]);
    });
  });

  test('Given a channel with no provider, when a step on it falls due, then it goes out on its fallback channel, marked as standing in for it', async () => {
    const withoutWhatsApp = engine({ db: uniqueName('no_whatsapp'), namespace: `${uniqueName('no_whatsapp')}.`, channels: ['email', 'sms', 'voice'] });
    const degraded = await startEngine(withoutWhatsApp);
    try {
      clock.set('2027-01-19T13:00:00Z');
      const debtor = inSaoPaulo('fallback');
      await publish([scored(tenant, clock.now(), debtor, { invoiceId: invoiceOf(debtor), dueDate: '2027-01-15' })], withoutWhatsApp.namespace);

      const { _id: caseId } = await dispatched(degraded, invoiceOf(debtor));
      const deliveries = await degraded.cases.deliveriesFor(caseId);
      expect(deliveries.map((d) => [d.stepId, d.channel, d.fallbackFor])).toEqual([['d3-whatsapp', 'sms', 'whatsapp']]);
      expect(requestsOf(caseId).map((r) => [r.channel, r.reference])).toEqual([['sms', deliveries[0]!._id]]);
    } finally {
      await degraded.context.db.dropDatabase();
      await degraded.stop();
    }
  });

  test('Given an agreement made on a case, then collection stops, each installment is reminded before it falls due with its own Pix, and a broken agreement resumes collection', async () => {
    clock.set('2027-03-02T13:00:00Z'); // Tuesday; due Friday 2027-02-26: D+3 went out
    const debtor = inSaoPaulo('agreement');
    const invoiceId = invoiceOf(debtor);
    await publish([scored(tenant, clock.now(), debtor, { invoiceId, dueDate: '2027-02-26' })]);
    const { _id: caseId } = await dispatched(service, invoiceId);
    expect(requestsOf(caseId)).toHaveLength(1);

    const agreementId = `AG-${randomUUID()}`;
    const context = () => ({ id: randomUUID(), occurredAt: clock.now(), source: 'payment-reconciliation', tenant, correlationId: randomUUID() });
    const pix = '00020101021226830014br.gov.bcb.pix2561pix.example.com/qr/v2/cobv/parcela1';
    await publish([
      buildEnvelope(AgreementCreatedV1, context(), {
        agreementId,
        caseId,
        debtorId: debtor.debtorId,
        invoiceIds: [invoiceId],
        offerKind: 'installments',
        totalCents: 111_326,
        discountCents: 0,
        installments: [
          { number: 1, dueDate: '2027-03-10', amountCents: 55_663, pixCopyPaste: pix },
          { number: 2, dueDate: '2027-04-10', amountCents: 55_663 },
        ],
        acceptedAt: clock.now().toISOString(),
      }),
    ]);
    await waitFor('the agreement on the case', async () => (await service.cases.find(caseId))?.agreement?.status === 'active');
    const plan = (await (await fetch(`http://127.0.0.1:${service.port}/v1/cases/${caseId}/plan`, { headers: { 'x-api-key': apiKey } })).json()) as { contacts: Array<{ stepId: string; status: string; at: string; why: string }> };
    expect(plan.contacts.map((c) => [c.stepId, c.status, c.at])).toEqual([
      ['d-2-whatsapp/parcela-1', 'planned', '2027-03-08T12:00:00.000Z'],
      ['d-1-email/parcela-1', 'planned', '2027-03-09T12:00:00.000Z'],
      ['d-2-whatsapp/parcela-2', 'planned', '2027-04-08T12:00:00.000Z'],
      ['d-1-email/parcela-2', 'planned', '2027-04-09T12:00:00.000Z'],
    ]);
    expect(plan.contacts[0]!.why).toContain(`installment 1 (due 2027-03-10) of agreement ${agreementId}`);

    // D+7 of the collection cadence (Friday 5 March) sends nothing: the agreement suspended collection.
    clock.set('2027-03-05T13:00:00Z');
    await service.dispatcher.runDue();
    expect(requestsOf(caseId)).toHaveLength(1);

    // Two days before installment 1 (Monday 8 March, 09:00): the WhatsApp reminder, quoting it and its Pix.
    clock.set('2027-03-08T12:00:00Z');
    await service.dispatcher.runDue();
    const reminders = requestsOf(caseId).slice(1);
    expect(reminders.map((r) => r.channel)).toEqual(['whatsapp']);
    expect(textOf(reminders[0]!)).toContain('R$ 556,63');
    expect(textOf(reminders[0]!)).toContain(pix);

    // Installment 1 paid; installment 2's due date passes unpaid and the agreement breaks: collection resumes at once.
    await publish([buildEnvelope(AgreementInstallmentPaidV1, context(), { agreementId, caseId, debtorId: debtor.debtorId, number: 1, paidCents: 55_663 })]);
    await waitFor('installment 1 paid', async () => (await service.cases.find(caseId))?.agreement?.installments[0]?.paid === true);
    clock.set('2027-04-20T13:00:00Z');
    await publish([buildEnvelope(AgreementBrokenV1, context(), { agreementId, caseId, debtorId: debtor.debtorId, invoiceIds: [invoiceId], missedInstallment: 2, outstandingCents: 55_663, reason: 'installment 2 unpaid 10 days after its due date' })]);
    await waitFor('collection resumed with one message', () => (requestsOf(caseId).length >= 3 ? true : undefined));
    const resumed = await service.cases.find(caseId);
    expect(resumed?.agreement?.status).toBe('broken');
    // The latest due step of the collection cadence (D+30 on 28 March), once; the ones missed meanwhile recorded as caught up.
    const last = (await service.cases.deliveriesFor(caseId)).at(-1)!;
    expect(last.stepId).toBe('d30-whatsapp');
    expect(requestsOf(caseId)).toHaveLength(3);
    expect(resumed!.timeline.map((t) => t.what)).toEqual(expect.arrayContaining([expect.stringMatching(/agreement .* broken .*collection resumes/)]));
  });

  test('Given a run killed after its case was opened and its plan published but before its invoice was linked, when the run is delivered again, then the plan is published again (same event) and the invoice linked', async () => {
    clock.set('2027-01-26T13:00:00Z');
    const debtor = inSaoPaulo('replanned');
    const invoiceId = invoiceOf(debtor);
    const event = scored(tenant, clock.now(), debtor, { invoiceId, dueDate: '2027-01-22' });
    await publish([event]);
    const { _id: caseId } = await dispatched(service, invoiceId);
    const plansOf = () => eventsOn<Planned>(CasePlannedV1.topic).filter((e) => e.data.joinedInvoiceIds.includes(invoiceId));
    const [first] = await waitFor('the case planned', () => (plansOf().length > 0 ? plansOf() : undefined));

    // What the kill leaves: the invoice in its case, its link not written (the link is written after the plan is out)
    const links = service.context.db.collection<{ _id: string; caseId: string }>('invoice_cases');
    await links.deleteOne({ _id: invoiceId });
    await publish([event]);

    await waitFor('the plan published again', () => plansOf().length >= 2 || undefined, 90_000);
    expect(new Set(plansOf().map((e) => e.id))).toEqual(new Set([first!.id]));
    expect(plansOf().every((e) => e.data.caseId === caseId)).toBe(true);
    await waitFor('the invoice linked again', () => links.findOne({ _id: invoiceId, caseId }));
    expect(requestsOf(caseId)).toHaveLength(1);
  });

  test('Given a case with its next step scheduled, when its only invoice is paid, then the case closes and nothing more is sent when the step falls due', async () => {
    clock.set('2027-01-26T13:00:00Z'); // Tuesday; due Friday the 22nd: D+3 now, D+7 on Friday the 29th
    const debtor = inSaoPaulo('paid');
    const invoiceId = invoiceOf(debtor);
    await publish([scored(tenant, clock.now(), debtor, { invoiceId, dueDate: '2027-01-22' })]);
    const { _id: caseId } = await dispatched(service, invoiceId);
    expect(requestsOf(caseId)).toHaveLength(1);

    await publish([settledBy(tenant, clock.now(), debtor.debtorId, invoiceId)]);
    // The consumer group reads many topics, three partitions at a time: under a loaded CI machine this can take a while.
    await waitFor('the case closed', async () => (await service.cases.find(caseId))?.status === 'closed', 90_000);

    clock.set('2027-01-29T13:00:00Z');
    expect(await service.dispatcher.runDue()).toBeGreaterThan(0);
    expect(requestsOf(caseId)).toHaveLength(1);
  });

  test('Given a case taken to court with the rule "stop", then amicable contact pauses; an agreement in court closes the case and nothing more is sent', async () => {
    clock.set('2027-05-04T13:00:00Z'); // Tuesday; due Friday 30 April: D+3 now, D+7 on Friday 7 May
    const debtor = inSaoPaulo('judicial');
    const invoiceId = invoiceOf(debtor);
    await publish([scored(tenant, clock.now(), debtor, { invoiceId, dueDate: '2027-04-30' })]);
    const { _id: caseId } = await dispatched(service, invoiceId);
    expect(requestsOf(caseId)).toHaveLength(1);
    const context = () => ({ id: randomUUID(), occurredAt: clock.now(), source: 'legal', tenant, correlationId: randomUUID() });
    const processNumber = '0000001-43.2027.8.26.0100';

    await publish([
      buildEnvelope(JudicialCaseOpenedV1, context(), { caseId, debtorId: debtor.debtorId, invoiceIds: [invoiceId], processNumber, court: '1ª Vara Cível de São Paulo', lawFirm: 'Silva Advogados', claimAmountCents: 123_456, amicableContact: 'stop', openedAt: clock.now().toISOString() }),
    ]);
    await waitFor('the case paused for the process', async () => (await service.cases.find(caseId))?.paused?.reason.startsWith(`judicial process ${processNumber}`), 90_000);
    clock.set('2027-05-07T13:00:00Z');
    await service.dispatcher.runDue();
    expect(requestsOf(caseId)).toHaveLength(1);

    await publish([buildEnvelope(JudicialCaseClosedV1, context(), { caseId, debtorId: debtor.debtorId, invoiceIds: [invoiceId], processNumber, outcome: 'agreement-in-court', agreedCents: 100_000, closedOn: '2027-05-07' })]);
    await waitFor('the case closed by the agreement in court', async () => (await service.cases.find(caseId))?.status === 'closed', 90_000);
    const closed = await service.cases.find(caseId);
    expect(closed).toMatchObject({ paused: null, closeReason: `settled in court (judicial process ${processNumber})` });
    expect(closed!.invoices.map((i) => i.status)).toEqual(['renegotiated']);
    clock.set('2027-05-31T13:00:00Z');
    await service.dispatcher.runDue();
    expect(requestsOf(caseId)).toHaveLength(1);
  });

  test('Given two replicas on one database, when both dispatch 40 due cases at once, and later one dies in the middle of a batch and comes back, then every contact reaches the provider exactly once', async () => {
    const replicaClock = manualClock('2026-11-24T11:00:00Z'); // Tuesday 08:00 in São Paulo: the cases wait for 09:00
    const shared = engine({ db: uniqueName('replicas'), namespace: `${uniqueName('replicas')}.`, clock: replicaClock, batchSize: 5 });
    const doomed = dyingChannel(providersFromConfig(engineEnv(shared), logger)!);
    const a = await startEngine({ ...shared, channel: doomed });
    const b = await startEngine(shared);
    let restarted: NotificationService | undefined;
    try {
      const debtors = Array.from({ length: 40 }, (_, n) => inSaoPaulo(`replica${n}`));
      await publish(
        debtors.map((d) => scored(tenant, replicaClock.now(), d, { invoiceId: invoiceOf(d), dueDate: '2026-11-20' })),
        shared.namespace,
      );
      const caseIds = new Set((await Promise.all(debtors.map((d) => dispatched(b, invoiceOf(d))))).map((c) => c._id));
      const references = () => sandbox.requests().filter((r) => caseIds.has(r.reference?.split(':')[0] ?? ''));
      const countByReference = () => Map.groupBy(references(), (r) => r.reference!);

      // Both replicas wake at 09:00 together (D+3, WhatsApp).
      replicaClock.set('2026-11-24T12:00:00Z');
      await Promise.all([a.dispatcher.runDue(), b.dispatcher.runDue()]);
      expect(countByReference().size).toBe(40);
      expect([...countByReference().values()].every((sent) => sent.length === 1)).toBe(true);

      // Friday 09:00 (D+7, e-mail and WhatsApp): A claims a batch and dies while sending it; B carries on.
      replicaClock.set('2026-11-27T12:00:00Z');
      doomed.die();
      void a.dispatcher.runDue().catch(() => undefined);
      await waitFor('replica A stuck in the middle of a batch', () => doomed.stuck());
      await b.dispatcher.runDue();
      await a.stop();
      // Past the claim lease B takes A's contacts up: the provider says which it took; the others are sent.
      replicaClock.advance(LEASE_MS + 1_000);
      await b.dispatcher.runDue();
      restarted = await startEngine(shared);
      replicaClock.advance(LEASE_MS + 1_000);
      await Promise.all([restarted.dispatcher.runDue(), b.dispatcher.runDue()]);

      expect(doomed.tookThenDied.length).toBeGreaterThan(0);
      expect(doomed.diedBeforeSending.length).toBeGreaterThan(0);
      expect(countByReference().size).toBe(40 * 3);
      const twice = [...countByReference()].filter(([, sent]) => sent.length > 1).map(([reference]) => reference);
      expect(twice).toEqual([]);
      const confirmed = await Promise.all([...caseIds].map(async (caseId) => (await b.cases.deliveriesFor(caseId)).length));
      expect(confirmed.every((count) => count === 3)).toBe(true);
    } finally {
      await b.context.db.dropDatabase().catch(() => undefined);
      await Promise.all([a.stop(), b.stop(), restarted?.stop()]);
    }
  });

  test('Given a message the provider later reports failed, when the receipt arrives, then the step goes out again on its fallback channel, once, and the failed channel is not used again for it', async () => {
    clock.set('2027-02-09T13:00:00Z');
    const debtor = inSaoPaulo('failed-receipt');
    await publish([scored(tenant, clock.now(), debtor, { invoiceId: invoiceOf(debtor), dueDate: '2027-02-05' })]);
    const { _id: caseId } = await dispatched(service, invoiceOf(debtor));
    const [sent] = await waitFor('the WhatsApp message', () => (requestsOf(caseId).length === 1 ? requestsOf(caseId) : undefined));
    expect(sent!.channel).toBe('whatsapp');

    const failed = await postReceipt({ provider: 'whatsapp-cloud', channel: 'whatsapp', reference: sent!.reference, providerMessageId: 'wamid.failed-1', status: 'failed', at: clock.now().toISOString(), error: 'número sem WhatsApp' });
    expect(await failed.json()).toEqual({ outcome: 'recorded' });
    await service.dispatcher.runDue();
    await service.dispatcher.runDue();

    // D+3's fallback is SMS: one SMS, marked as standing in for WhatsApp; WhatsApp got nothing more.
    const requests = requestsOf(caseId);
    expect(requests.map((r) => r.channel)).toEqual(['whatsapp', 'sms']);
    const deliveries = await service.cases.deliveriesFor(caseId);
    expect(deliveries.find((d) => d.channel === 'sms')).toMatchObject({ stepId: 'd3-whatsapp', fallbackFor: 'whatsapp' });
    const timeline = (await service.cases.find(caseId))!.timeline.map((t) => t.what);
    expect(timeline).toEqual(expect.arrayContaining(['whatsapp message of step d3-whatsapp failed (número sem WhatsApp)', 'step d3-whatsapp reopened: its fallback channel is tried']));
  });

  test("Given a message sent, when the provider's receipts arrive, then delivered and read events are published and the timeline shows them; a replay is recorded once and a forged receipt refused", async () => {
    clock.set('2027-02-02T13:00:00Z');
    const debtor = inSaoPaulo('receipts');
    await publish([scored(tenant, clock.now(), debtor, { invoiceId: invoiceOf(debtor), dueDate: '2027-01-29' })]);
    const { _id: caseId } = await dispatched(service, invoiceOf(debtor));
    const [sent] = await waitFor('the message', () => (requestsOf(caseId).length === 1 ? requestsOf(caseId) : undefined));
    const reference = sent!.reference!;

    type ContactEvent = { correlationId: string; data: { contactId: string; channel: string; caseId: string; debtorId: string } };
    const ofContact = (topic: string, contact = reference) => eventsOn<ContactEvent>(topic).filter((e) => e.data.contactId === contact);
    await waitFor('delivered and read events', () => ofContact(NotificationDeliveredV1.topic).length === 1 && ofContact(NotificationReadV1.topic).length === 1);
    // Told from what the contact keeps of its case (no read of the case), as the case would tell it.
    const doc = (await service.cases.find(caseId))!;
    const ofTheCase = { correlationId: doc.correlationId ?? doc._id, data: { channel: 'whatsapp', caseId, debtorId: doc.debtorId } };
    expect(ofContact(NotificationReadV1.topic)[0]).toMatchObject(ofTheCase);
    expect(ofContact(NotificationDeliveredV1.topic)[0]).toMatchObject(ofTheCase);

    const readCase = async () => {
      const response = await fetch(`http://127.0.0.1:${service.port}/v1/cases/${caseId}`, { headers: { 'x-api-key': apiKey } });
      expect(response.status).toBe(200);
      return ((await response.json()) as { case: { timeline: Array<{ what: string }> } }).case.timeline.map((t) => t.what);
    };
    const receiptLines = (timeline: string[]) => timeline.filter((what) => /^whatsapp message of step d3-whatsapp (delivered|read)$/.test(what));
    expect(receiptLines(await readCase()).sort()).toEqual(['whatsapp message of step d3-whatsapp delivered', 'whatsapp message of step d3-whatsapp read']);
    // Told from the receipts when the case is shown: a receipt costs no write of the case.
    expect(receiptLines((await service.cases.find(caseId))!.timeline.map((t) => t.what))).toEqual([]);

    const delivered = sandbox.receipts({ reference }).find((r) => r.body.status === 'delivered')!;
    const replay = await postReceipt(delivered.body);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ outcome: 'duplicate' });
    expect(receiptLines(await readCase())).toHaveLength(2);
    expect(ofContact(NotificationDeliveredV1.topic)).toHaveLength(1);

    const forged = await postReceipt({ ...delivered.body, status: 'read' }, 'not-the-shared-secret');
    expect(forged.status).toBe(401);

    // A contact claimed before it kept its case's debtor: the case is read, and the event says the same.
    const older = `${caseId}:0:email`;
    const deliveries = service.context.db.collection<{ _id: string }>('deliveries');
    await deliveries.insertOne({ ...(await deliveries.findOne({ _id: reference }, { projection: { debtorId: 0, correlationId: 0 } })), _id: older });
    const olderDelivered = await postReceipt({ ...delivered.body, reference: older, providerMessageId: 'wamid.older-1' });
    expect(await olderDelivered.json()).toEqual({ outcome: 'recorded' });
    await waitFor('the older contact delivered', () => ofContact(NotificationDeliveredV1.topic, older).length === 1);
    expect(ofContact(NotificationDeliveredV1.topic, older)[0]).toMatchObject(ofTheCase);
  });
});
