// Self-service negotiation on the real broker and database: the debtor's link shows the case's debt and offers, an
// accepted offer becomes an agreement with a Pix BR Code per installment, installments are paid through the Pix webhook,
// a missed one breaks the agreement, and a dispute pauses the case.
import { AgreementBrokenV1, AgreementCreatedV1, AgreementInstallmentPaidV1, AgreementSettledV1, CaseDisputedV1, CaseDisputeResolvedV1, PaymentReconciledV1, type EventOf } from '@regua/contracts';
import { waitFor } from '@regua/testing';
import { decodeBrCode, txidFor } from '../src/domain/pix-brcode.ts';
import type { NegotiationView } from '../src/negotiation.ts';
import { startNegotiationHarness, valor, type NegotiationHarness } from './support/negotiation.ts';

const NOW = new Date('2026-12-14T13:00:00Z');
type Created = EventOf<typeof AgreementCreatedV1>;
type Agreement = NonNullable<NegotiationView['agreement']>;

describe('online negotiation: link → debt and offers → agreement → installments', () => {
  let h: NegotiationHarness;

  beforeAll(async () => {
    h = await startNegotiationHarness(NOW);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const get = (token: string) => fetch(h.url(`/v1/negotiation/${token}`));
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) => fetch(h.url(path), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const accept = (token: string, offerId: string) => post(`/v1/negotiation/${token}/agreements`, { offerId });

  test('given an overdue invoice in a planned case, the link shows its updated debt and the offers; accepting one makes one agreement whose first installment is paid by Pix', async () => {
    const { token, caseId, invoiceId } = await h.openCase({ amountCents: 123_456, dueDate: '2026-11-05' });

    // When the debtor opens the link
    const response = await get(token);
    expect(response.status).toBe(200);
    const view = (await response.json()) as NegotiationView;

    // Then the debt is the invoice updated to today (multa and juros on top of the principal) and the offers follow
    // named as the invoice names its creditor, with the CNPJ (CDC art. 42-A)
    expect(view).toMatchObject({ caseId, creditor: { name: 'Banco Exemplo S.A.', cnpj: '11.222.333/0001-81' }, today: '2026-12-14' });
    expect(view.debt.principalCents).toBe(123_456);
    expect(view.debt.fineCents).toBe(2_469);
    expect(view.debt.interestCents).toBeGreaterThan(0);
    expect(view.debt.totalCents).toBe(view.debt.principalCents + view.debt.correctionCents + view.debt.fineCents + view.debt.interestCents);
    expect(view.offers.map((o) => o.kind)).toContain('full');
    const plan = view.offers.find((o) => o.kind === 'installments' && o.installments === 3)!;
    expect(plan).toBeDefined();

    // When the debtor accepts the 3-installment plan, twice (a double click)
    const first = await accept(token, plan.id);
    const again = await accept(token, plan.id);

    // Then one agreement exists, with a BR Code per payment carrying its own txid and amount
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    const { agreement, created } = (await first.json()) as { created: boolean; agreement: Agreement };
    expect(created).toBe(true);
    expect(((await again.json()) as { created: boolean; agreement: Agreement })).toMatchObject({ created: false, agreement: { agreementId: agreement.agreementId } });
    expect(agreement.installments).toHaveLength(plan.schedule.length);
    for (const installment of agreement.installments) {
      expect(decodeBrCode(installment.pixCopyPaste)).toMatchObject({ kind: 'static', amountCents: installment.amountCents, txid: txidFor({ agreementId: agreement.agreementId, installment: installment.number }, 'static') });
    }
    expect(agreement.terms).toContain('Parcela 1');
    expect(agreement.terms).toContain('Banco Exemplo S.A., CNPJ 11.222.333/0001-81');
    const [createdEvent] = await waitFor('AgreementCreated', () => {
      const found = h.published<Created>(AgreementCreatedV1.topic).filter((e) => e.data.agreementId === agreement.agreementId);
      return found.length > 0 && found;
    });
    expect(createdEvent!.data).toMatchObject({ caseId, invoiceIds: [invoiceId], offerKind: 'installments', totalCents: plan.totalCents });
    expect(createdEvent!.data.installments[0]!.pixCopyPaste).toBe(agreement.installments[0]!.pixCopyPaste);
    // And the link now shows the agreement instead of offers
    const after = (await (await get(token)).json()) as NegotiationView;
    expect(after.agreement?.agreementId).toBe(agreement.agreementId);
    expect(after.offers).toEqual([]);

    // When the debtor pays the first installment by Pix (the PSP's signed webhook with its txid)
    const installment = agreement.installments[0]!;
    const paid = await h.postPix([{ txid: txidFor({ agreementId: agreement.agreementId, installment: 1 }, 'static'), valor: valor(installment.amountCents) }]);

    // Then it is matched to the agreement, and AgreementInstallmentPaid is published for installment 1
    expect(paid.status).toBe(200);
    expect(((await paid.json()) as { results: unknown[] }).results).toEqual([expect.objectContaining({ outcome: 'agreement', agreementId: agreement.agreementId, installment: 1, repeated: false })]);
    const [installmentPaid] = await waitFor('AgreementInstallmentPaid', () => {
      const found = h.published<EventOf<typeof AgreementInstallmentPaidV1>>(AgreementInstallmentPaidV1.topic).filter((e) => e.data.agreementId === agreement.agreementId);
      return found.length > 0 && found;
    });
    expect(installmentPaid!.data).toEqual({ agreementId: agreement.agreementId, caseId, debtorId: expect.any(String), number: 1, paidCents: installment.amountCents });
    const shown = (await (await get(token)).json()) as NegotiationView;
    expect(shown.agreement!.installments.map((i) => i.status)).toEqual(['paid', 'open', 'open', 'open'].slice(0, agreement.installments.length));
  });

  test('an offer that is not among today\'s answers 409, and another offer while an agreement stands answers 409', async () => {
    const { token } = await h.openCase({ amountCents: 50_000, dueDate: '2026-12-01' });
    expect((await accept(token, 'B-full-0000000000000000')).status).toBe(409);
    const view = (await (await get(token)).json()) as NegotiationView;
    const [one, two] = view.offers;
    expect((await accept(token, one!.id)).status).toBe(201);
    const second = await accept(token, two!.id);
    expect(second.status).toBe(409);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('conflict');
  });

  test('paying the whole agreement (cash with discount) settles it: AgreementSettled, and each invoice reconciled as settled', async () => {
    const { token, invoiceId } = await h.openCase({ amountCents: 80_000, dueDate: '2026-11-20' });
    const view = (await (await get(token)).json()) as NegotiationView;
    const full = view.offers.find((o) => o.kind === 'full')!;
    expect(full.discountCents).toBeGreaterThan(0);
    const { agreement } = (await (await accept(token, full.id)).json()) as { agreement: Agreement };

    await h.postPix([{ txid: txidFor({ agreementId: agreement.agreementId, installment: 1 }, 'static'), valor: valor(full.totalCents) }]);

    await waitFor('AgreementSettled', () => h.published<EventOf<typeof AgreementSettledV1>>(AgreementSettledV1.topic).find((e) => e.data.agreementId === agreement.agreementId));
    const reconciled = await waitFor('PaymentReconciled', () => h.published<EventOf<typeof PaymentReconciledV1>>(PaymentReconciledV1.topic).find((e) => e.data.invoiceId === invoiceId));
    expect(reconciled.data).toMatchObject({ paymentId: `agreement:${agreement.agreementId}`, amountCents: 80_000, outstandingCents: 0, settled: true });
    expect(((await (await get(token)).json()) as NegotiationView).agreement!.status).toBe('settled');
  });

  test('a dispute from the link publishes CaseDisputed; the operator\'s resolution publishes CaseDisputeResolved once', async () => {
    const { token, caseId, invoiceId } = await h.openCase({ amountCents: 30_000, dueDate: '2026-12-01' });

    const response = await post(`/v1/negotiation/${token}/disputes`, { reason: 'already-paid', details: 'paguei no caixa <b>dia 2</b>' });

    expect(response.status).toBe(201);
    const { disputeId } = (await response.json()) as { disputeId: string };
    const disputed = await waitFor('CaseDisputed', () => h.published<EventOf<typeof CaseDisputedV1>>(CaseDisputedV1.topic).find((e) => e.data.disputeId === disputeId));
    expect(disputed.data).toMatchObject({ caseId, invoiceIds: [invoiceId], reason: 'already-paid', details: 'paguei no caixa <b>dia 2</b>' });
    expect((await post(`/v1/negotiation/${token}/disputes`, { reason: 'nonsense' })).status).toBe(400);

    expect((await post(`/v1/disputes/${disputeId}/resolution`, { outcome: 'upheld' })).status).toBe(401);
    const resolved = await post(`/v1/disputes/${disputeId}/resolution`, { outcome: 'upheld', note: 'pagamento localizado' }, { 'x-api-key': h.apiKey });
    expect(resolved.status).toBe(200);
    await waitFor('CaseDisputeResolved', () => h.published<EventOf<typeof CaseDisputeResolvedV1>>(CaseDisputeResolvedV1.topic).find((e) => e.data.disputeId === disputeId && e.data.outcome === 'upheld'));
    expect((await post(`/v1/disputes/${disputeId}/resolution`, { outcome: 'rejected' }, { 'x-api-key': h.apiKey })).status).toBe(409);
    expect((await post('/v1/disputes/dsp_unknown/resolution', { outcome: 'rejected' }, { 'x-api-key': h.apiKey })).status).toBe(404);
  });

  test('an expired link answers 410 and a forged one 401, on the API and on the page', async () => {
    const { caseId } = await h.openCase({ amountCents: 10_000 });
    const expired = h.link(caseId, new Date(NOW.getTime() - 1000));
    const forged = h.link(caseId, undefined, 'another-secret-of-some-length');

    expect((await get(expired)).status).toBe(410);
    expect((await get(forged)).status).toBe(401);
    expect((await get('not-a-token')).status).toBe(401);
    expect((await accept(forged, 'x')).status).toBe(401);
    const page = await fetch(h.url(`/negociar/${expired}`));
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('Este link expirou');
    expect((await fetch(h.url(`/negociar/${forged}`))).status).toBe(401);
  });

  test('an installment still unpaid past its due date and the grace days breaks the agreement: AgreementBroken once, and the case may negotiate again', async () => {
    const { token, caseId } = await h.openCase({ amountCents: 60_000, dueDate: '2026-12-01' });
    const view = (await (await get(token)).json()) as NegotiationView;
    const plan = view.offers.find((o) => o.kind === 'installments')!;
    const { agreement } = (await (await accept(token, plan.id)).json()) as { agreement: Agreement };
    const firstDue = agreement.installments[0]!.dueDate;

    // When the clock passes the first due date plus the 5 grace days
    h.clock.at = new Date(`${firstDue}T15:00:00Z`);
    h.clock.at = new Date(h.clock.at.getTime() + 6 * 86_400_000);

    // Then the sweep breaks it and publishes AgreementBroken once
    const broken = await waitFor('AgreementBroken', () => h.published<EventOf<typeof AgreementBrokenV1>>(AgreementBrokenV1.topic).find((e) => e.data.agreementId === agreement.agreementId));
    expect(broken.data).toMatchObject({ caseId, missedInstallment: 1, outstandingCents: plan.totalCents });
    const stored = await h.service.context.db.db!.collection('agreements').findOne({ _id: agreement.agreementId as never });
    expect(stored).toMatchObject({ status: 'broken', brokenReason: expect.stringContaining('installment 1') });
    await waitFor('out of the active agreements', async () => (await h.service.context.db.db!.collection('active_agreements').countDocuments({ _id: agreement.agreementId as never })) === 0);
    // The case is free again: today's offers are back
    const again = (await (await get(h.link(caseId))).json()) as NegotiationView;
    expect(again.agreement).toBeUndefined();
    expect(again.offers.length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 600)); // a few more sweeps
    const ids = new Set(h.published<EventOf<typeof AgreementBrokenV1>>(AgreementBrokenV1.topic).filter((e) => e.data.agreementId === agreement.agreementId).map((e) => e.id));
    expect(ids.size).toBe(1);
  });
});
