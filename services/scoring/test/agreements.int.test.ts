// Agreements on the real broker and database: payment-reconciliation's agreement events counted once into the
// history, dated on the invoices' labels, a broken one re-scoring the debtor, and the next invoice scored with them.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { AgreementBrokenV1, AgreementCreatedV1, AgreementInstallmentPaidV1, AgreementSettledV1, buildEnvelope, CaseScoredV1, debtorKey, DebtorEnrichedV1, type AnyEventDefinition, type EventOf } from '@regua/contracts';
import { recordTopics, testEndpoints, uniqueName, waitFor } from '@regua/testing';
import type { ScoringService } from '../src/service.ts';
import { labelMonthOf } from '../src/store/labels.ts';
import { enriched, startTestScoring } from './support.ts';

const NOW = new Date('2026-11-25T13:00:00Z');
type CaseScored = EventOf<typeof CaseScoredV1>;

describe('agreements in the history, the labels and the scores', () => {
  const { kafkaBrokers } = testEndpoints();
  const tenant = uniqueName('bank');
  let service: ScoringService;
  let namespace: string;
  let producer: Producer;
  let recorder: Awaited<ReturnType<typeof recordTopics>>;

  beforeAll(async () => {
    // The trained model, the one that reads agreements.
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
  const context = (occurredAt: Date) => ({ id: randomUUID(), occurredAt, source: 'payment-reconciliation', tenant, correlationId: randomUUID() });
  const send = (definition: AnyEventDefinition, debtorId: string, envelopes: object[]) =>
    producer.send({ topic: namespace + definition.topic, messages: envelopes.map((e) => ({ key: debtorKey(tenant, debtorId), value: JSON.stringify(e) })) });
  const caseScored = (invoiceId: string) => recorder.messages.map((m) => m.json<CaseScored>()).filter((e) => e.data.invoiceId === invoiceId);
  const rescoredAfterBreak = (invoiceId: string) => caseScored(invoiceId).filter((e) => e.data.trigger === 'agreement-broken');

  interface HistoryDoc {
    _id: string;
    agreements?: Record<string, unknown>;
    agreementsSeen?: Record<string, string[]>;
  }
  const history = (debtorId: string) => db().collection<HistoryDoc>('debtor_histories').findOne({ _id: debtorKey(tenant, debtorId) });
  const label = (invoiceId: string) => db().collection<{ _id: string; features: Record<string, unknown>; agreementAt?: Date; brokenAt?: Date }>(`scoring_labels_${labelMonthOf(NOW)}`).findOne({ _id: invoiceId });

  const created = (debtorId: string, agreementId: string, invoiceIds: string[], acceptedAt: string) =>
    buildEnvelope(AgreementCreatedV1, context(new Date(acceptedAt)), {
      agreementId,
      caseId: `${tenant}:${debtorId}`,
      debtorId,
      invoiceIds,
      offerKind: 'installments',
      totalCents: 120_000,
      discountCents: 3_456,
      installments: [
        { number: 1, dueDate: '2026-11-15', amountCents: 60_000 },
        { number: 2, dueDate: '2026-12-15', amountCents: 60_000 },
      ],
      acceptedAt,
    });

  test('created and broken count once however often they come, date the labels, re-score the debtor, and reach the next invoice', async () => {
    const debtorId = `CUST-${uniqueName('d')}`;
    const [old, next] = [`${tenant}:INV-OLD-${debtorId}`, `${tenant}:INV-NEW-${debtorId}`];
    const agreementId = `AG-${debtorId}`;

    // Given a debtor with a scored invoice
    await send(DebtorEnrichedV1, debtorId, [enriched(tenant, NOW, { invoiceId: old, debtorId })]);
    const [initial] = await waitFor('first score', () => (caseScored(old).length === 1 ? caseScored(old) : undefined));

    // When its agreement is made and then broken, each event delivered twice
    const made = created(debtorId, agreementId, [old], '2026-11-10T15:00:00.000Z');
    const broken = buildEnvelope(AgreementBrokenV1, context(new Date('2026-11-24T10:00:00.000Z')), { agreementId, caseId: `${tenant}:${debtorId}`, debtorId, invoiceIds: [old], missedInstallment: 1, outstandingCents: 120_000, reason: 'parcela 1 não paga após a carência' });
    await send(AgreementCreatedV1, debtorId, [made, made]);
    await send(AgreementBrokenV1, debtorId, [broken]);
    const [rescored] = await waitFor('re-scored after the break', () => (rescoredAfterBreak(old).length > 0 ? rescoredAfterBreak(old) : undefined));
    await waitFor('the agreement seen made', async () => (await history(debtorId))?.agreementsSeen?.created?.includes(agreementId));

    // And again: the broken one alone (its re-score is how we know it was handled), the created one before a second
    // agreement on the same partition (a renegotiation of the same invoice, accepted later)
    await send(AgreementBrokenV1, debtorId, [broken]);
    await send(AgreementCreatedV1, debtorId, [made, created(debtorId, `${agreementId}-2`, [old], '2026-11-25T12:00:00.000Z')]);
    await waitFor('the broken agreement handled again', () => rescoredAfterBreak(old).length === 2);
    await waitFor('the second agreement seen', async () => (await history(debtorId))?.agreementsSeen?.created?.includes(`${agreementId}-2`));

    // Then the history counts each agreement once per status, with the break's instant
    expect((await history(debtorId))?.agreements).toEqual({ made: 2, broken: 1, lastBrokenAt: '2026-11-24T10:00:00.000Z' });
    // And the invoice's label has the earliest agreement and the break
    expect(await label(old)).toMatchObject({ agreementAt: new Date('2026-11-10T15:00:00Z'), brokenAt: new Date('2026-11-24T10:00:00Z') });
    // And the break re-scored the open invoice lower, caused by the broken event, the same event id both times
    expect(rescored!.data).toMatchObject({ caseId: old, debtorId, trigger: 'agreement-broken', modelVersion: initial!.data.modelVersion });
    expect(rescored!.causationId).toBe(broken.id);
    expect(rescored!.data.score).toBeLessThan(initial!.data.score);
    expect(new Set(rescoredAfterBreak(old).map((e) => e.id)).size).toBe(1);
    expect(await db().collection('scores').findOne({ _id: old as never })).toMatchObject({ score: rescored!.data.score, sourceEventId: broken.id });

    // When the debtor's next invoice comes
    await send(DebtorEnrichedV1, debtorId, [enriched(tenant, NOW, { invoiceId: next, debtorId })]);
    await waitFor('next invoice scored', () => caseScored(next).length === 1);

    // Then its features carry the broken agreement
    expect((await label(next))?.features).toMatchObject({ agreementsBroken: 1, agreementsKept: 0 });
  });

  test('installments paid and a settled agreement count once each, re-score nothing, and the next invoice is scored as kept', async () => {
    const debtorId = `CUST-${uniqueName('k')}`;
    const [old, next] = [`${tenant}:INV-OLD-${debtorId}`, `${tenant}:INV-NEW-${debtorId}`];
    const agreementId = `AG-${debtorId}`;
    const caseId = `${tenant}:${debtorId}`;
    const paid = (n: number) => buildEnvelope(AgreementInstallmentPaidV1, context(NOW), { agreementId, caseId, debtorId, number: n, paidCents: 60_000 });
    const settled = buildEnvelope(AgreementSettledV1, context(NOW), { agreementId, caseId, debtorId, invoiceIds: [old], paidCents: 120_000 });

    // Given a scored invoice, when its agreement's two installments are paid and it settles, every event twice
    await send(DebtorEnrichedV1, debtorId, [enriched(tenant, NOW, { invoiceId: old, debtorId })]);
    await waitFor('first score', () => caseScored(old).length === 1);
    const [first, second] = [paid(1), paid(2)];
    await send(AgreementInstallmentPaidV1, debtorId, [first, first, second, second]);
    await send(AgreementSettledV1, debtorId, [settled, settled]);
    await waitFor('settled', async () => (await history(debtorId))?.agreementsSeen?.settled?.includes(agreementId));
    await waitFor('installments seen', async () => (await history(debtorId))?.agreementsSeen?.installmentPaid?.length === 2);

    // Then each counts once, and the debtor's next invoice is scored with a kept agreement
    expect((await history(debtorId))?.agreements).toEqual({ installmentsPaid: 2, kept: 1 });
    await send(DebtorEnrichedV1, debtorId, [enriched(tenant, NOW, { invoiceId: next, debtorId })]);
    await waitFor('next invoice scored', () => caseScored(next).length === 1);
    expect((await label(next))?.features).toMatchObject({ agreementsBroken: 0, agreementsKept: 1 });
    expect(caseScored(old)).toHaveLength(1);
  });
});
