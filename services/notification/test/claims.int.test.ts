// A dispatcher that stops between claiming a contact and confirming its send: the contact is neither lost nor doubled.
import { NotificationSentV1 } from '@regua/contracts';
import { createKafkaBus, type KafkaBus } from '@regua/kafka-bus';
import { connectMongo, type Connection } from '@regua/mongo';
import type { Clock } from '@regua/service-kit';
import { createLogger } from '@regua/telemetry';
import { recordTopics, testEndpoints, uniqueName, waitFor } from '@regua/testing';
import type { MessageChannel, OutboundMessage } from '../src/channels.ts';
import { createCadenceBook } from '../src/cadence-book.ts';
import { contactPolicy } from '../src/contact-policy.ts';
import { DEFAULT_CADENCE_CONFIG } from '../src/domain/cadence-spec.ts';
import { createDispatcher } from '../src/dispatcher.ts';
import { contactId, createCaseStore, type CaseDoc, type CaseStore } from '../src/store/cases.ts';
import { createDebtorContactStore } from '../src/store/debtors.ts';
import { createSchedule, type Schedule } from '../src/store/schedule.ts';

// Tuesday 10:00 in São Paulo: inside contact hours. The invoice fell due on Friday the 20th, so on the standard
// cadence the D+3 WhatsApp step (index 3) is the one due now (D+1 is caught up by it).
const NOW = new Date('2026-11-24T13:00:00Z');
const DUE_STEP = 3;
const LEASE_MS = 60_000;
const logger = createLogger({ service: 'test', level: (process.env.TEST_LOG as 'info') ?? 'silent' });

function openCase(id: string, tenant: string): CaseDoc {
  return {
    _id: id,
    tenant,
    debtorId: `debtor-${id}`,
    creditor: { name: 'Banco Exemplo S.A.', cnpj: '11222333000181' },
    status: 'open',
    openedAt: NOW,
    version: 0,
    strategy: 'standard',
    arm: 'champion',
    cadenceId: 'standard',
    cadenceVersion: 0,
    invoices: [{ invoiceId: `${tenant}:${id}`, amountCents: 123456, dueDate: '2026-11-20', status: 'open', segment: 'medium_risk', strategy: 'standard', joinedAt: NOW }],
    profile: { debtorName: 'Maria da Silva', uf: 'SP', timeZone: 'America/Sao_Paulo', contacts: { emails: ['maria.silva@example.com'], mobilePhones: ['+5511987654321'], landlines: [] } },
    settledSteps: [],
    paused: null,
    timeline: [{ at: NOW, what: 'case opened' }],
  };
}

describe('claims left by a dispatcher that stopped', () => {
  const { kafkaBrokers, mongoUrl } = testEndpoints();
  const tenant = uniqueName('bank');
  let db: Connection;
  let bus: KafkaBus;
  let store: CaseStore;
  let schedule: Schedule;
  let namespace: string;

  beforeAll(async () => {
    namespace = `${uniqueName('claims')}.`;
    db = await connectMongo({ url: mongoUrl, dbName: uniqueName('claims'), logger });
    bus = await createKafkaBus({ clientId: 'claims-test', brokers: kafkaBrokers, logger, namespace, partitions: 1 });
    await bus.ensureTopics([NotificationSentV1.topic]);
    store = createCaseStore(db);
    schedule = createSchedule(db);
  });

  afterAll(async () => {
    await bus?.disconnect();
    await db?.dropDatabase();
    await db?.close();
  });

  function dispatcherAt(at: Date, channel: MessageChannel) {
    const clock: Clock = { now: () => at };
    const book = createCadenceBook({ source: { current: async () => ({ version: 0, config: DEFAULT_CADENCE_CONFIG }), atVersion: async () => null, templates: async () => [], creditor: async () => null }, selfServiceBaseUrl: 'https://pague.example.com', selfServiceSecret: 'test-self-service-secret', selfServiceLinkDays: 30, wasRead: async () => false, logger });
    return createDispatcher({ store, debtors: createDebtorContactStore(db), schedule, book, rules: contactPolicy({ enforce: true }), channel, publisher: bus.publisher, clock, logger, source: 'notification', batchSize: 50, claimLeaseMs: LEASE_MS });
  }

  function recordingChannel(answer?: boolean): MessageChannel & { sent: OutboundMessage[]; asked: string[] } {
    const sent: OutboundMessage[] = [];
    const asked: string[] = [];
    return {
      sent,
      asked,
      send: async (message) => void sent.push(message),
      ...(answer === undefined ? {} : { wasSent: async (reference: string) => (asked.push(reference), answer) }),
    };
  }

  /** What a dispatcher that died after claiming the due contact of the case, and before confirming it, leaves behind. */
  async function leftByACrash(caseId: string): Promise<CaseDoc> {
    const doc = openCase(caseId, tenant);
    await store.openAll([doc]);
    await store.recordDeliveries([{ _id: contactId(caseId, DUE_STEP, 'whatsapp'), tenant, caseId, step: DUE_STEP, stepId: 'd3-whatsapp', outcome: 'sending', channel: 'whatsapp', address: '+5511987654321', template: 'segundo-aviso', text: 'Olá', invoiceIds: doc.invoices.map((i) => i.invoiceId), amountCents: 123456, arm: 'champion', sentAt: NOW }]);
    return doc;
  }

  test('within the lease the step is left to its owner and looked at again when the lease ends; after it, the step is sent once and confirmed', async () => {
    const reminders = await recordTopics(kafkaBrokers, [namespace + NotificationSentV1.topic]);
    try {
      const doc = await leftByACrash('case-within-lease');
      const channel = recordingChannel();

      // The owner may still be sending: nothing goes out, a wake-up is scheduled for the lease's end.
      await dispatcherAt(new Date(NOW.getTime() + 1_000), channel).dispatchCases([doc], new Date(NOW.getTime() + 1_000));
      expect(channel.sent).toHaveLength(0);
      expect(await store.deliveriesFor(doc._id)).toHaveLength(0);

      // At the lease's end the schedule hands the step back; nobody confirmed it, so it is sent now.
      const afterLease = new Date(NOW.getTime() + LEASE_MS + 1);
      expect(await dispatcherAt(afterLease, channel).runDue()).toBe(1);
      expect(channel.sent.map((m) => m.reference)).toEqual([contactId(doc._id, DUE_STEP, 'whatsapp')]);
      expect(await store.deliveriesFor(doc._id)).toHaveLength(1);
      expect((await store.find(doc._id))?.settledSteps).toEqual(expect.arrayContaining([DUE_STEP]));

      // Once confirmed, taking it up again (the case as read before the step was settled) publishes the same event again and sends nothing.
      await dispatcherAt(afterLease, channel).dispatchCases([doc], afterLease);
      expect(channel.sent).toHaveLength(1);
      await waitFor('the reminder published twice with one event id', () => reminders.messages.length >= 2);
      expect(new Set(reminders.messages.map((m) => m.json<{ id: string }>().id)).size).toBe(1);
    } finally {
      await reminders.stop();
    }
  });

  test('a provider that says it took the message gets no second copy: the step is confirmed and published', async () => {
    const doc = await leftByACrash('case-provider-took-it');
    const channel = recordingChannel(true);
    const afterLease = new Date(NOW.getTime() + LEASE_MS + 1);

    await dispatcherAt(afterLease, channel).dispatchCases([doc], afterLease);

    expect(channel.asked).toEqual([contactId(doc._id, DUE_STEP, 'whatsapp')]);
    expect(channel.sent).toHaveLength(0);
    expect(await store.deliveriesFor(doc._id)).toHaveLength(1);
  });

  test('a provider that says it did not take the message gets it now', async () => {
    const doc = await leftByACrash('case-provider-missed-it');
    const channel = recordingChannel(false);
    const afterLease = new Date(NOW.getTime() + LEASE_MS + 1);

    await dispatcherAt(afterLease, channel).dispatchCases([doc], afterLease);

    expect(channel.sent.map((m) => m.reference)).toEqual([contactId(doc._id, DUE_STEP, 'whatsapp')]);
    expect(await store.deliveriesFor(doc._id)).toHaveLength(1);
  });

  test('the same step twice in one call (an event Kafka delivered twice in one run) is claimed and sent once', async () => {
    const doc = openCase('case-twice-in-a-run', tenant);
    await store.openAll([doc]);
    const channel = recordingChannel();

    await dispatcherAt(NOW, channel).dispatchCases([doc, doc], NOW);

    expect(channel.sent.map((m) => m.reference)).toEqual([contactId(doc._id, DUE_STEP, 'whatsapp')]);
  });

  test('a step settled with its sent line tells it once: a second settling of the step (another dispatch) keeps its other lines only', async () => {
    const doc = openCase('case-settled-twice', tenant);
    await store.openAll([doc]);
    const sentAt = new Date(NOW.getTime() + 1000);
    const sent = { at: sentAt, what: 'step d3-whatsapp: segundo-aviso sent by whatsapp' };
    const skipped = { at: sentAt, what: 'step d1-email skipped: caught up' };
    const escalated = { at: sentAt, what: 'escalated to the work queue: cadence ran out' };

    await store.settle(doc._id, [1, DUE_STEP], [skipped, sent], { sentLine: { step: DUE_STEP, entry: sent } });
    await store.settle(doc._id, [DUE_STEP], [sent, escalated], { sentLine: { step: DUE_STEP, entry: sent }, escalatedAt: sentAt });

    const after = (await store.find(doc._id))!;
    expect(after.settledSteps.sort()).toEqual([1, DUE_STEP]);
    expect(after.timeline.map((line) => line.what)).toEqual(['case opened', skipped.what, sent.what, escalated.what]);
    expect(after.escalatedAt).toEqual(sentAt);
  });
});
