// Message engagement on the real broker and database: notification's events counted once into the history, then
// read by the next invoice's score.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { buildEnvelope, CaseScoredV1, debtorKey, DebtorEnrichedV1, NotificationDeliveredV1, NotificationFailedV1, NotificationReadV1, NotificationSentV1, type AnyEventDefinition, type EventOf } from '@regua/contracts';
import { recordTopics, testEndpoints, uniqueName, waitFor } from '@regua/testing';
import type { Channel } from '../src/domain/engagement.ts';
import type { ScoringService } from '../src/service.ts';
import { labelMonthOf } from '../src/store/labels.ts';
import { enriched, startTestScoring } from './support.ts';

const NOW = new Date('2026-11-25T13:00:00Z');
type CaseScored = EventOf<typeof CaseScoredV1>;

describe('message engagement in the history and the features', () => {
  const { kafkaBrokers } = testEndpoints();
  const tenant = uniqueName('bank');
  let service: ScoringService;
  let namespace: string;
  let producer: Producer;
  let recorder: Awaited<ReturnType<typeof recordTopics>>;

  beforeAll(async () => {
    // The trained model, the one that reads engagement.
    ({ service, namespace } = await startTestScoring({ now: () => NOW }, { SCORING_MODEL_ARTIFACT: 'current' }));
    recorder = await recordTopics(kafkaBrokers, [namespace + CaseScoredV1.topic]);
    producer = new Kafka({ clientId: 'scoring-test', brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await recorder?.stop();
    await service?.context.db.dropDatabase();
    await service?.stop();
  });

  const db = () => service.context.db.db!;
  const context = () => ({ id: randomUUID(), occurredAt: NOW, source: 'notification', tenant, correlationId: randomUUID() });
  const send = (definition: AnyEventDefinition, debtorId: string, envelopes: object[]) =>
    producer.send({ topic: namespace + definition.topic, messages: envelopes.map((e) => ({ key: debtorKey(tenant, debtorId), value: JSON.stringify(e) })) });
  const caseScored = (invoiceId: string) => recorder.messages.map((m) => m.json<CaseScored>()).find((e) => e.data.invoiceId === invoiceId);

  /** One debtor's contacts: `c<n>` is step n of their case on the channel given. */
  function contacts(debtorId: string) {
    const caseId = `${tenant}:${debtorId}`;
    const base = (n: number, channel: Channel) => ({ contactId: `${caseId}:${n}:${channel}`, caseId, debtorId, channel });
    return {
      id: (n: number, channel: Channel) => base(n, channel).contactId,
      sent: (n: number, channel: Channel) =>
        buildEnvelope(NotificationSentV1, context(), { ...base(n, channel), invoiceIds: [`${tenant}:INV-OLD-${debtorId}`], step: n, stepId: `step-${n}`, template: 'lembrete', strategy: 'standard', cadenceId: 'standard', cadenceVersion: 1, arm: 'champion', amountCents: 50_000 }),
      delivered: (n: number, channel: Channel, at: string) => buildEnvelope(NotificationDeliveredV1, context(), { ...base(n, channel), at }),
      read: (n: number, channel: Channel, at: string) => buildEnvelope(NotificationReadV1, context(), { ...base(n, channel), at }),
      failed: (n: number, channel: Channel, at: string) => buildEnvelope(NotificationFailedV1, context(), { ...base(n, channel), reason: 'número inexistente', at }),
    };
  }

  test("sent, delivered, read and failed events count each message once, however often they come, and the debtor's next invoice is scored with them", async () => {
    const reader = `CUST-${uniqueName('r')}`;
    const twin = `CUST-${uniqueName('t')}`;
    const c = contacts(reader);

    // Given five messages: three delivered, two of them read, one failed
    const first = {
      sent: [c.sent(1, 'whatsapp'), c.sent(2, 'email'), c.sent(3, 'whatsapp'), c.sent(4, 'sms'), c.sent(5, 'sms')],
      delivered: [c.delivered(1, 'whatsapp', '2026-11-10T12:00:00Z'), c.delivered(2, 'email', '2026-11-15T12:00:00Z'), c.delivered(3, 'whatsapp', '2026-11-22T08:59:00Z')],
      read: [c.read(1, 'whatsapp', '2026-11-10T12:05:00Z'), c.read(2, 'email', '2026-11-16T20:00:00Z')],
      failed: [c.failed(5, 'sms', '2026-11-23T12:00:00Z')],
    };
    // When every event comes again (the same envelopes: a redelivery), each topic followed by one new message
    const again = {
      sent: [...first.sent, c.sent(6, 'sms')],
      delivered: [...first.delivered, c.delivered(4, 'sms', '2026-11-23T11:00:00Z')],
      read: [...first.read, c.read(3, 'whatsapp', '2026-11-22T09:00:00Z')],
      failed: [...first.failed, c.failed(6, 'sms', '2026-11-24T12:00:00Z')],
    };
    for (const round of [first, again]) {
      await send(NotificationSentV1, reader, round.sent);
      await send(NotificationDeliveredV1, reader, round.delivered);
      await send(NotificationReadV1, reader, round.read);
      await send(NotificationFailedV1, reader, round.failed);
    }

    // Then, once the new ones are in (after the repeated ones, on the same partitions), every message counted once
    const histories = db().collection<{ _id: string; engagement?: object; contactsSeen?: Record<string, string[]> }>('debtor_histories');
    const newOnes = { sent: c.id(6, 'sms'), delivered: c.id(4, 'sms'), read: c.id(3, 'whatsapp'), failed: c.id(6, 'sms') };
    const history = await waitFor('the new messages counted', async () => {
      const doc = await histories.findOne({ _id: debtorKey(tenant, reader) });
      return Object.entries(newOnes).every(([status, id]) => doc?.contactsSeen?.[status]?.includes(id)) ? doc : undefined;
    });
    expect(history.engagement).toEqual({ sent: 6, delivered: 4, read: 3, failed: 2, lastReadAt: '2026-11-22T09:00:00.000Z', channelsRead: ['whatsapp', 'email'] });
    expect(history.contactsSeen?.sent).toHaveLength(6);

    // When the reader and a twin who was never messaged each get a new invoice
    const [readerInvoice, twinInvoice] = [`${tenant}:INV-NEW-${reader}`, `${tenant}:INV-NEW-${twin}`];
    await send(DebtorEnrichedV1, reader, [enriched(tenant, NOW, { invoiceId: readerInvoice, debtorId: reader })]);
    await send(DebtorEnrichedV1, twin, [enriched(tenant, NOW, { invoiceId: twinInvoice, debtorId: twin })]);
    const [readerScore, twinScore] = [await waitFor('reader scored', () => caseScored(readerInvoice)), await waitFor('twin scored', () => caseScored(twinInvoice))];

    // Then the reader's features carry the engagement figures, and reading moves the score up
    const labels = db().collection<{ _id: string; features: Record<string, unknown> }>(`scoring_labels_${labelMonthOf(NOW)}`);
    expect((await labels.findOne({ _id: readerInvoice }))?.features).toMatchObject({ messagesSent: 6, messagesDelivered: 4, messagesRead: 3, readRate: 0.75, daysSinceLastRead: 3 });
    expect((await labels.findOne({ _id: twinInvoice }))?.features).toMatchObject({ messagesSent: 0, messagesDelivered: 0, messagesRead: 0, readRate: 0, daysSinceLastRead: 180 });
    expect(readerScore.data.modelVersion).toBe(twinScore.data.modelVersion);
    expect(readerScore.data.score).toBeGreaterThan(twinScore.data.score);
  });
});
