// Credit-bureau registration on the real broker and database, against the bureau stand-in over HTTP, with the
// service's clock moved by the test: the law's order (notice with proof → waiting period → registration with the same
// debts), withdrawal on payment within five business days, a dispute blocking registration, the five-year limit, a
// failing withdrawal retried and escalated, and the automatic request on an exhausted cadence.
import { AgreementCreatedV1, BureauNoticeSentV1, BureauRegisteredV1, BureauWithdrawnV1, CaseDisputedV1, CaseEscalatedV1, PaymentReconciledV1 } from '@regua/contracts';
import { waitFor } from '@regua/testing';
import { startLegalHarness, type LegalHarness } from './support.ts';

const START = new Date('2026-03-02T15:00:00Z'); // Monday, 12:00 in Brasília
const DAY = 86_400_000;

describe('credit-bureau registration ("negativação")', () => {
  let h: LegalHarness;

  beforeAll(async () => {
    h = await startLegalHarness(START);
  });

  afterAll(async () => {
    await h?.stop();
  });

  beforeEach(() => {
    h.clock.at = START;
  });

  const fileOf = async (caseId: string) => (await h.call('GET', `/v1/cases/${caseId}/legal`)).body.bureau;
  const statusOf = async (caseId: string) => (await fileOf(caseId))?.status;

  /** Requested, noticed and registered once the waiting period is over. */
  async function registeredCase(dueDate = '2026-01-05') {
    const opened = await h.openCase({ dueDate, amountCents: 15_990 });
    expect((await h.call('POST', `/v1/cases/${opened.caseId}/bureau-registration`)).status).toBe(202);
    await h.tick();
    const file = await fileOf(opened.caseId);
    expect(file.status).toBe('waiting');
    h.clock.at = new Date(file.notice.registerNotBefore);
    await h.tick();
    expect(await statusOf(opened.caseId)).toBe('registered');
    return opened;
  }

  test('a tenant waiting period under 10 days is refused with its field path; 12 days is kept', async () => {
    const refused = await h.call('PUT', '/v1/legal/settings', { bureau: { waitDays: 5 } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([{ path: 'bureau.waitDays', message: expect.stringContaining('at least 10 days') }]);
    const saved = await h.call('PUT', '/v1/legal/settings', { bureau: { waitDays: 12 } });
    expect(saved).toMatchObject({ status: 200, body: { settings: { bureau: { waitDays: 12, autoRequestOnCadenceExhausted: false }, judicial: { amicableContact: 'stop' } } } });
  });

  test('a debt is registered only after the notice period, with the proof of notice and the noticed amounts and dates', async () => {
    const { caseId, invoiceId } = await h.openCase({ dueDate: '2026-01-05', amountCents: 15_990 });
    const requested = await h.call('POST', `/v1/cases/${caseId}/bureau-registration`);
    expect(requested).toMatchObject({ status: 202, body: { status: 'notice-requested', amountCents: 15_990, debts: [{ invoiceId, amountCents: 15_990, dueDate: '2026-01-05' }] } });
    expect((await h.call('POST', `/v1/cases/${caseId}/bureau-registration`)).status).toBe(409);
    expect(h.bureau.registry.notices()).toHaveLength(0);

    await h.tick();
    const notice = h.bureau.registry.notices().find((n) => n.externalReference.startsWith(caseId))!;
    expect(notice).toMatchObject({ status: 'sent', debts: [{ contract: invoiceId, amountCents: 15_990, dueDate: '2026-01-05' }], proof: { channel: 'letter', trackingCode: expect.stringMatching(/^JO\d{9}BR$/) } });
    const sent = await waitFor('notice-sent event', () => h.published(BureauNoticeSentV1.topic).find((e) => e.data.caseId === caseId));
    // Sent on 2026-03-02 (Brasília) with a 12-day wait: registration from the start of 2026-03-15.
    expect(sent.data).toMatchObject({ noticeProtocol: notice.protocol, proof: { kind: 'letter', reference: notice.proof.trackingCode }, registerNotBefore: '2026-03-15T03:00:00.000Z', amountCents: 15_990, requestedBy: 'operator' });

    for (const at of ['2026-03-05T12:00:00Z', '2026-03-15T02:59:59Z']) {
      h.clock.at = new Date(at);
      await h.tick();
      expect(h.bureau.registry.registrations().filter((r) => r.externalReference.startsWith(caseId))).toHaveLength(0);
      expect(await statusOf(caseId)).toBe('waiting');
    }

    h.clock.at = new Date('2026-03-15T03:00:00Z');
    await h.tick();
    const registration = h.bureau.registry.registrations().find((r) => r.externalReference.startsWith(caseId))!;
    expect(registration).toMatchObject({ status: 'active', noticeProtocol: notice.protocol, debts: notice.debts });
    const registered = await waitFor('registered event', () => h.published(BureauRegisteredV1.topic).find((e) => e.data.caseId === caseId));
    expect(registered.data).toMatchObject({ registrationProtocol: registration.protocol, noticeProtocol: notice.protocol, debts: sent.data.debts, amountCents: sent.data.amountCents, oldestDueDate: sent.data.oldestDueDate, expiresOn: '2031-01-06', bureau: 'standin' });
    const view = await h.call('GET', `/v1/cases/${caseId}/legal`);
    expect(view.body.timeline.map((t: { what: string }) => t.what)).toEqual([expect.stringContaining('registration requested'), expect.stringContaining('sent the written notice'), expect.stringContaining('registered at the bureau')]);
  });

  test('a payment withdraws the registration within five business days, confirmed by the bureau', async () => {
    const { caseId, debtorId, invoiceId } = await registeredCase();
    const paidAt = h.clock.at;
    await h.send(PaymentReconciledV1, debtorId, { paymentId: `pay-${caseId}`, invoiceId, debtorId, amountCents: 15_990, paidTotalCents: 15_990, outstandingCents: 0, settled: true, paidAt: paidAt.toISOString() });
    await waitFor('withdrawal due', async () => (await statusOf(caseId)) === 'withdrawing');
    h.clock.at = new Date(paidAt.getTime() + 2 * DAY);
    await h.tick();
    const withdrawn = await waitFor('withdrawn event', () => h.published(BureauWithdrawnV1.topic).find((e) => e.data.caseId === caseId));
    // Paid on Sunday 2026-03-15 (00:00 in Brasília): five business days are Monday 16 to Friday 20.
    expect(withdrawn.data).toMatchObject({ reason: 'paid', deadline: '2026-03-20', withinDeadline: true, attempts: 1 });
    expect(h.bureau.registry.registrations().find((r) => r.externalReference.startsWith(caseId))).toMatchObject({ status: 'withdrawn', withdrawalReason: 'paid' });
    expect(await statusOf(caseId)).toBe('withdrawn');
  });

  test('a dispute during the waiting period blocks registration, and a new request is refused while it stands', async () => {
    const { caseId, debtorId, invoiceId } = await h.openCase({ dueDate: '2026-01-20' });
    await h.call('POST', `/v1/cases/${caseId}/bureau-registration`);
    await h.tick();
    expect(await statusOf(caseId)).toBe('waiting');
    await h.send(CaseDisputedV1, debtorId, { disputeId: `d-${caseId}`, caseId, debtorId, invoiceIds: [invoiceId], reason: 'already-paid' });
    await waitFor('file cancelled by the dispute', async () => (await statusOf(caseId)) === 'cancelled');
    h.clock.at = new Date('2026-04-01T12:00:00Z');
    await h.tick();
    expect(h.bureau.registry.registrations().filter((r) => r.externalReference.startsWith(caseId))).toHaveLength(0);
    expect(h.published(BureauRegisteredV1.topic).filter((e) => e.data.caseId === caseId)).toHaveLength(0);
    const again = await h.call('POST', `/v1/cases/${caseId}/bureau-registration`);
    expect(again).toMatchObject({ status: 409, body: { error: { details: { reason: 'disputed' } } } });
  });

  test('an agreement after registration withdraws it too', async () => {
    const { caseId, debtorId, invoiceId } = await registeredCase('2026-02-01');
    await h.send(AgreementCreatedV1, debtorId, { agreementId: `ag-${caseId}`, caseId, debtorId, invoiceIds: [invoiceId], offerKind: 'installments', totalCents: 16_000, discountCents: 0, installments: [{ number: 1, dueDate: '2026-04-10', amountCents: 16_000 }], acceptedAt: h.clock.at.toISOString() });
    await waitFor('withdrawal due', async () => (await statusOf(caseId)) === 'withdrawing');
    await h.tick();
    const withdrawn = await waitFor('withdrawn event', () => h.published(BureauWithdrawnV1.topic).find((e) => e.data.caseId === caseId));
    expect(withdrawn.data).toMatchObject({ reason: 'agreement', withinDeadline: true });
  });

  test('a debt five years past due is never registered: the request is refused and nothing reaches the bureau', async () => {
    const { caseId } = await h.openCase({ dueDate: '2021-03-01' }); // five years from 2021-03-02: reached on 2026-03-02
    const refused = await h.call('POST', `/v1/cases/${caseId}/bureau-registration`);
    expect(refused).toMatchObject({ status: 409, body: { error: { details: { reason: 'five-years' } } } });
    await h.tick();
    expect(h.bureau.registry.notices().filter((n) => n.externalReference.startsWith(caseId))).toHaveLength(0);
    expect(await fileOf(caseId)).toBeNull();
  });

  test('a debt that reaches five years while waiting is not registered, and a registration that reaches them is withdrawn', async () => {
    // Due 2021-03-10: the limit is 2026-03-11, before the waiting period ends (2026-03-13).
    const waiting = await h.openCase({ dueDate: '2021-03-10' });
    await h.call('POST', `/v1/cases/${waiting.caseId}/bureau-registration`);
    await h.tick();
    h.clock.at = new Date((await fileOf(waiting.caseId)).notice.registerNotBefore);
    await h.tick();
    expect(await fileOf(waiting.caseId)).toMatchObject({ status: 'cancelled', cancelled: { reason: expect.stringContaining('five years') } });
    expect(h.bureau.registry.registrations().filter((r) => r.externalReference.startsWith(waiting.caseId))).toHaveLength(0);

    // Due 2021-03-20: registered on 2026-03-13, the limit is 2026-03-21.
    h.clock.at = START;
    const { caseId } = await registeredCase('2021-03-20');
    expect((await fileOf(caseId)).expiresOn).toBe('2026-03-21');
    h.clock.at = new Date('2026-03-21T02:59:00Z');
    await h.tick();
    expect(await statusOf(caseId)).toBe('registered');
    h.clock.at = new Date('2026-03-21T03:00:00Z');
    await h.tick();
    const withdrawn = await waitFor('withdrawn at five years', () => h.published(BureauWithdrawnV1.topic).find((e) => e.data.caseId === caseId));
    expect(withdrawn.data).toMatchObject({ reason: 'five-years', deadline: '2026-03-21', withinDeadline: true });
  });

  test('a withdrawal the bureau keeps failing is retried, escalated to the work queue, and done once it answers', async () => {
    const { caseId, debtorId, invoiceId } = await registeredCase('2026-02-10');
    h.bureau.registry.fail({ kind: 'status', status: 503 }, 3, 'withdrawal');
    await h.send(PaymentReconciledV1, debtorId, { paymentId: `pay-${caseId}`, invoiceId, debtorId, amountCents: 15_990, paidTotalCents: 15_990, outstandingCents: 0, settled: true, paidAt: h.clock.at.toISOString() });
    await waitFor('withdrawal due', async () => (await statusOf(caseId)) === 'withdrawing');
    await h.tick();
    expect((await fileOf(caseId)).withdrawal).toMatchObject({ attempts: 1, lastError: expect.stringContaining('503') });
    expect(h.published(CaseEscalatedV1.topic).filter((e) => e.data.caseId === caseId)).toHaveLength(0);
    h.clock.at = new Date(h.clock.at.getTime() + 60_000);
    await h.tick();
    const escalated = await waitFor('escalation', () => h.published(CaseEscalatedV1.topic).find((e) => e.data.caseId === caseId));
    expect(escalated.data).toMatchObject({ reason: 'rule', invoiceIds: [invoiceId], openAmountCents: 15_990, detail: expect.stringContaining('withdrawal failed 2 times') });
    h.clock.at = new Date(h.clock.at.getTime() + 120_000);
    await h.tick(); // the third failure
    h.clock.at = new Date(h.clock.at.getTime() + 240_000);
    await h.tick();
    const withdrawn = await waitFor('withdrawn after retries', () => h.published(BureauWithdrawnV1.topic).find((e) => e.data.caseId === caseId));
    expect(withdrawn.data).toMatchObject({ reason: 'paid', attempts: 4, withinDeadline: true });
    expect(h.published(CaseEscalatedV1.topic).filter((e) => e.data.caseId === caseId)).toHaveLength(1);
  });

  test('an exhausted cadence requests registration when the creditor\'s rule says so', async () => {
    const { caseId, debtorId, invoiceId } = await h.openCase({ dueDate: '2026-01-25' });
    const escalate = () => h.send(CaseEscalatedV1, debtorId, { caseId, debtorId, invoiceIds: [invoiceId], reason: 'cadence-exhausted', detail: 'cadence over', openAmountCents: 123_456 });
    await escalate();
    // Rule off (the default): nothing is requested.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await fileOf(caseId)).toBeNull();
    await h.call('PUT', '/v1/legal/settings', { bureau: { waitDays: 12, autoRequestOnCadenceExhausted: true } });
    await escalate();
    await waitFor('requested by the escalation', async () => (await fileOf(caseId))?.requestedBy === 'cadence-exhausted');
  });

  test('requests need the tenant\'s key, and another tenant\'s case is not found', async () => {
    const { caseId } = await h.openCase();
    expect((await h.call('POST', `/v1/cases/${caseId}/bureau-registration`, undefined, { 'x-api-key': 'nope' })).status).toBe(401);
    expect((await h.call('POST', '/v1/cases/case-unknown/bureau-registration')).status).toBe(404);
  });
});
