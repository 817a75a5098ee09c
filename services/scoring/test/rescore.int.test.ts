// Scoring on the real broker and database: first scores, a tenant's own rules, and a payment that re-scores.
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { CaseScoredV1, debtorKey, DebtorEnrichedV1, DebtorScoredV1, PaymentReconciledV1, type EventOf } from '@regua/contracts';
import { recordTopics, testEndpoints, uniqueName, waitFor } from '@regua/testing';
import { labelMonthOf } from '../src/store/labels.ts';
import { createRulesStore } from '../src/store/rules.ts';
import type { ScoringService } from '../src/service.ts';
import { RuleSetSchema } from '../src/domain/rules.ts';
import { enriched, reconciled, startTestScoring } from './support.ts';

const NOW = new Date('2026-11-25T13:00:00Z');
type CaseScored = EventOf<typeof CaseScoredV1>;

describe('scoring on the real broker and database', () => {
  const { kafkaBrokers } = testEndpoints();
  const kafka = new Kafka({ clientId: 'scoring-test', brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
  const tenant = uniqueName('bank');
  let service: ScoringService;
  let namespace: string;
  let producer: Producer;
  let recorder: Awaited<ReturnType<typeof recordTopics>>;

  beforeAll(async () => {
    ({ service, namespace } = await startTestScoring({ now: () => NOW }));
    recorder = await recordTopics(kafkaBrokers, [namespace + CaseScoredV1.topic, namespace + DebtorScoredV1.topic]);
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await recorder?.stop();
    await service?.context.db.dropDatabase();
    await service?.stop();
  });

  const send = (topic: string, debtorId: string, envelope: object) => producer.send({ topic: namespace + topic, messages: [{ key: debtorKey(tenant, debtorId), value: JSON.stringify(envelope) }] });
  const caseScored = (invoiceId: string) => recorder.messages.filter((m) => m.topic === namespace + CaseScoredV1.topic).map((m) => m.json<CaseScored>()).filter((e) => e.data.invoiceId === invoiceId);
  const db = () => service.context.db.db!;

  test("a payment on one invoice re-scores the debtor's other open invoice, publishing a new case.scored with the new facts", async () => {
    const debtorId = `CUST-${uniqueName('d')}`;
    const [first, second] = [`${tenant}:INV-A-${debtorId}`, `${tenant}:INV-B-${debtorId}`];

    // Given two invoices of one debtor, scored
    await send(DebtorEnrichedV1.topic, debtorId, enriched(tenant, NOW, { invoiceId: first, debtorId }));
    await waitFor('first invoice scored', () => caseScored(first).length === 1);
    await send(DebtorEnrichedV1.topic, debtorId, enriched(tenant, NOW, { invoiceId: second, debtorId }));
    const [initial] = await waitFor('second invoice scored', () => (caseScored(second).length === 1 ? caseScored(second) : undefined));
    expect(initial!.data).toMatchObject({ caseId: second, debtorId, trigger: 'debtor-enriched', segment: 'low_risk', strategy: 'digital-light', rulesVersion: 0, modelVersion: 'rules-2026.11' });
    expect(await db().collection('debtor_histories').findOne({ _id: debtorKey(tenant, debtorId) as never })).toMatchObject({ invoiceIds: [first, second] });

    // When the first invoice is paid in full
    const payment = reconciled(tenant, NOW, { paymentId: `PIX-${debtorId}`, invoiceId: first, debtorId, amountCents: 123_456, settled: true });
    await send(PaymentReconciledV1.topic, debtorId, payment);

    // Then the second, still open, is scored again, higher (paid before, no other open debt), with a new event id
    const [rescored] = await waitFor('second invoice re-scored', () => (caseScored(second).length === 2 ? caseScored(second).slice(1) : undefined));
    expect(rescored!.id).not.toBe(initial!.id);
    expect(rescored!.causationId).toBe(payment.id);
    expect(rescored!.data).toMatchObject({ caseId: second, trigger: 'payment-reconciled' });
    expect(rescored!.data.score - initial!.data.score).toBe(30 + 20);
    // And the settled one is not, and the stored score is the new one
    expect(caseScored(first)).toHaveLength(1);
    expect(await db().collection('scores').findOne({ _id: second as never })).toMatchObject({ score: rescored!.data.score, sourceEventId: payment.id });
    // And the paid invoice's label has its payment; the history its payment and the closed invoice
    expect(await db().collection(`scoring_labels_${labelMonthOf(NOW)}`).findOne({ _id: first as never })).toMatchObject({ paidAt: NOW });
    expect(await db().collection('debtor_histories').findOne({ _id: debtorKey(tenant, debtorId) as never })).toMatchObject({ closedInvoiceIds: [first], payments: [expect.objectContaining({ invoiceId: first, settled: true })] });

    // And the same payment delivered again re-publishes the same event id, not a new one
    await send(PaymentReconciledV1.topic, debtorId, payment);
    const other = `${tenant}:INV-C-${debtorId}`;
    await send(DebtorEnrichedV1.topic, debtorId, enriched(tenant, NOW, { invoiceId: other, debtorId }));
    await waitFor('a later event handled', () => caseScored(other).length === 1);
    expect(new Set(caseScored(second).map((e) => e.id)).size).toBe(2);
  });

  test("a tenant's own rules decide the segment and strategy: data, not code", async () => {
    // Given rules that send debtors without a mobile to a letter strategy
    await createRulesStore(service.context.db).replace(
      tenant,
      RuleSetSchema.parse({ rules: [{ name: 'no mobile', when: { contactability: ['email', 'landline', 'none'] }, segment: 'high_risk', strategy: 'letter' }], fallback: { segment: 'medium_risk', strategy: 'standard' } }),
      NOW,
    );
    const debtorId = `CUST-${uniqueName('d')}`;
    const [withMobile, emailOnly] = [`${tenant}:INV-M-${debtorId}`, `${tenant}:INV-E-${debtorId}`];

    // When two invoices are scored
    await send(DebtorEnrichedV1.topic, debtorId, enriched(tenant, NOW, { invoiceId: withMobile, debtorId }));
    await send(DebtorEnrichedV1.topic, debtorId, enriched(tenant, NOW, { invoiceId: emailOnly, debtorId, contacts: { emails: ['m@example.com'], mobilePhones: [], landlines: [] } }));

    // Then each gets its rule's segment and strategy, on case.scored and on debtor.scored (which notification reads)
    const [mobileEvent] = await waitFor('scored', () => (caseScored(withMobile).length ? caseScored(withMobile) : undefined));
    const [emailEvent] = await waitFor('scored', () => (caseScored(emailOnly).length ? caseScored(emailOnly) : undefined));
    expect(mobileEvent!.data).toMatchObject({ segment: 'medium_risk', strategy: 'standard', rule: null, rulesVersion: 1 });
    expect(emailEvent!.data).toMatchObject({ segment: 'high_risk', strategy: 'letter', rule: 'no mobile', rulesVersion: 1 });
    const debtorScored = await waitFor('debtor.scored', () => recorder.messages.find((m) => m.topic === namespace + DebtorScoredV1.topic && m.value?.includes(emailOnly)));
    expect(debtorScored.json<EventOf<typeof DebtorScoredV1>>().data.segment).toBe('high_risk');
  });
});
