import { createHash } from 'node:crypto';
import type { LinkClaims } from '@regua/auth';
import {
  AgreementBrokenV1,
  AgreementCreatedV1,
  AgreementInstallmentPaidV1,
  AgreementSettledV1,
  buildEnvelope,
  CaseDisputedV1,
  CaseDisputeResolvedV1,
  causedBy,
  debtorKey,
  formatCnpj,
  PaymentReconciledV1,
  SegmentSchema,
  type AnyEventDefinition,
  type EventOf,
} from '@regua/contracts';
import { ConflictError, NotFoundError } from '@regua/errors';
import type { EventPublisher } from '@regua/kafka-bus';
import { derivedEventId, type Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import { agreementStatus, type AgreementStatus } from './domain/negotiation/agreement.ts';
import { agreementIdFor, agreementSchedule, agreementTerms, caseDebt, saoPauloDate, type CaseDebt } from './domain/negotiation/case-debt.ts';
import type { TenantChargeRulesInput } from './domain/negotiation/charges.ts';
import { offersFor, type NegotiationPlansInput, type Offer } from './domain/negotiation/offers.ts';
import { staticBrCode, txidFor } from './domain/pix-brcode.ts';
import { settle } from './domain/reconcile.ts';
import type { PaymentReceived } from './reconciliation.ts';
import type { Ledger } from './store/ledger.ts';
import type { AgreementDoc, DisputeDoc, DisputeReason, NegotiationCaseDoc, NegotiationStore } from './store/negotiation.ts';

/** What the creditor offers and charges. One set for every tenant today; per-tenant rules plug in here (PAYMENT_NEGOTIATION_RULES). */
export interface NegotiationRules {
  charges: TenantChargeRulesInput;
  plans: NegotiationPlansInput;
}

export interface NegotiationSettings {
  creditorName: string;
  pixKey: string;
  merchantName: string;
  merchantCity: string;
  graceDays: number;
  rules: NegotiationRules;
}

export interface NegotiationDeps {
  store: NegotiationStore;
  ledger: Ledger;
  publisher: EventPublisher;
  clock: Clock;
  logger: Logger;
  source: string;
  settings: NegotiationSettings;
}

/** A case with no segment yet (scoring has not spoken) gets the middle plan. */
const DEFAULT_SEGMENT = 'medium_risk';

export type AgreementPaymentResult = { outcome: 'agreement'; agreementId: string; installment: number; repeated: boolean };

const hashed = (prefix: string, parts: unknown[]) => `${prefix}_${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 24)}`;

function offerView(offer: Offer) {
  const common = { id: offer.id, kind: offer.kind, plan: offer.plan, installments: offer.installments, totalCents: offer.totalCents, discountCents: offer.discountCents, firstDueDate: offer.firstDueDate };
  const schedule = offer.schedule.map((s, i) => ({ number: i + 1, dueDate: s.dueDate, amountCents: s.amountCents }));
  return offer.kind === 'full'
    ? { ...common, amountCents: offer.amountCents, schedule }
    : { ...common, installmentCents: offer.installmentCents, downPaymentCents: offer.downPaymentCents, monthlyRate: offer.monthlyRate, schedule };
}

function agreementView(doc: AgreementDoc, status: AgreementStatus) {
  return {
    agreementId: doc._id,
    status: doc.status,
    offerKind: doc.offerKind,
    totalCents: doc.totalCents,
    discountCents: doc.discountCents,
    paidCents: status.paidCents,
    outstandingCents: status.outstandingCents,
    acceptedAt: doc.acceptedAt,
    terms: doc.terms,
    installments: doc.schedule.map((s, i) => ({ number: s.number, dueDate: s.dueDate, amountCents: s.amountCents, status: status.installments[i]?.status ?? 'open', paidCents: status.installments[i]?.paidCents ?? 0, pixCopyPaste: s.pixCopyPaste })),
  };
}

export type NegotiationView = Awaited<ReturnType<ReturnType<typeof createNegotiation>['view']>>;

/**
 * Online self-service negotiation: the debtor's link (a signed token naming tenant and case) shows the case's debt
 * updated to today and the offers of its segment's plan; accepting one makes an agreement with a Pix BR Code per
 * installment. Installments are paid through any payment door (matched on their txid before any invoice), and a
 * leased sweep breaks agreements whose installment stays unpaid past the grace days.
 */
export function createNegotiation(deps: NegotiationDeps) {
  const { store, ledger, settings, logger } = deps;

  const publish = async <D extends AnyEventDefinition>(definition: D, envelope: EventOf<D>, debtorId: string) =>
    deps.publisher.publish([{ topic: definition.topic, key: debtorKey(envelope.tenant, debtorId), envelope }]);
  const context = (tenant: string, id: string, correlationId: string, now: Date) => ({ id, occurredAt: now, source: deps.source, tenant, correlationId });

  async function caseOf(claims: LinkClaims): Promise<NegotiationCaseDoc> {
    const found = await store.findCase(claims.caseId);
    if (!found || found.tenant !== claims.tenant) throw new NotFoundError('case not found: its invoices have not reached payments yet, or the link is for another creditor');
    return found;
  }

  /** The case's debt today, and its creditor as the invoices name it (the configured name for older receivables). */
  async function debtOf(found: NegotiationCaseDoc, today: string): Promise<CaseDebt & { creditor: { name: string; cnpj?: string } }> {
    const receivables = (await ledger.findReceivables(found.openInvoiceIds)).filter((r) => r.tenant === found.tenant);
    const creditor = receivables.find((r) => r.creditor)?.creditor ?? { name: settings.creditorName };
    const open = receivables.map((r) => ({
      invoiceId: r._id,
      principalCents: r.amountCents - r.payments.reduce((sum, p) => sum + p.amountCents, 0),
      // Receivables stored before due dates were kept: their charges run from the day they were registered.
      dueDate: r.dueDate ?? saoPauloDate(r.registeredAt),
    }));
    return { ...caseDebt(open, today, settings.rules.charges), creditor };
  }

  function offersOf(found: NegotiationCaseDoc, debt: CaseDebt, today: string): Offer[] {
    const segment = SegmentSchema.safeParse(found.segment);
    return offersFor({ debt: debt.total, segment: segment.success ? segment.data : DEFAULT_SEGMENT, plans: settings.rules.plans, today });
  }

  const statusOf = (doc: AgreementDoc, today: string) =>
    agreementStatus({ schedule: doc.schedule, payments: doc.payments.map((p) => ({ paidAt: p.paidOn <= today ? p.paidOn : today, amountCents: p.amountCents })), today, graceDays: settings.graceDays });

  async function currentAgreement(found: NegotiationCaseDoc, today: string) {
    const doc = found.agreementId ? await store.findAgreement(found.agreementId) : null;
    return doc ? agreementView(doc, statusOf(doc, today)) : undefined;
  }

  /** Every invoice of a paid-off agreement settled in the ledger, and a PaymentReconciled (settled) for each. */
  async function settleAgreement(doc: AgreementDoc, status: AgreementStatus, now: Date, cause: PaymentReceived | undefined): Promise<void> {
    await store.finish(doc._id, 'settled', now);
    const paymentId = `agreement:${doc._id}`;
    const paidAt = doc.payments.reduce((last, p) => (p.paidAt > last ? p.paidAt : last), doc.payments[0]?.paidAt ?? now.toISOString());
    for (const receivable of await ledger.findReceivables(doc.invoiceIds)) {
      const earlier = receivable.payments.filter((p) => p.paymentId !== paymentId);
      const recorded = receivable.payments.find((p) => p.paymentId === paymentId);
      const amountCents = recorded?.amountCents ?? receivable.amountCents - earlier.reduce((sum, p) => sum + p.amountCents, 0);
      if (amountCents <= 0) continue; // paid off otherwise before the agreement was
      const matched = (await ledger.matchPayment(receivable._id, { paymentId, amountCents })) ?? receivable;
      const settlement = settle({ invoiceId: matched._id, debtorId: matched.debtorId, amountCents: matched.amountCents }, matched.payments.map((p) => p.amountCents));
      const id = derivedEventId(`${doc.tenant}:${paymentId}:${receivable._id}`, PaymentReconciledV1.type);
      const envelopeContext = cause ? causedBy(cause, { id, occurredAt: now, source: deps.source }) : context(doc.tenant, id, doc.caseId, now);
      await publish(
        PaymentReconciledV1,
        buildEnvelope(PaymentReconciledV1, envelopeContext, { paymentId, invoiceId: matched._id, debtorId: matched.debtorId, amountCents, paidTotalCents: settlement.paidTotalCents, outstandingCents: settlement.outstandingCents, settled: settlement.settled, paidAt }),
        matched.debtorId,
      );
    }
    await publish(AgreementSettledV1, buildEnvelope(AgreementSettledV1, context(doc.tenant, derivedEventId(doc._id, AgreementSettledV1.type), doc.caseId, now), { agreementId: doc._id, caseId: doc.caseId, debtorId: doc.debtorId, invoiceIds: doc.invoiceIds, paidCents: status.paidCents }), doc.debtorId);
    await store.leaveActive(doc._id);
    logger.info({ agreementId: doc._id, caseId: doc.caseId }, 'agreement settled: its invoices are paid');
  }

  /** Marked broken first, then published (the same event id on a repeat), then out of the active set and off the case. */
  async function breakAgreement(doc: AgreementDoc, status: AgreementStatus, now: Date): Promise<void> {
    const reason = status.reason ?? 'an installment went unpaid past the grace period';
    if (await store.finish(doc._id, 'broken', now, reason)) logger.info({ agreementId: doc._id, caseId: doc.caseId, reason }, 'agreement broken');
    const missed = status.installments.find((i) => i.status === 'late') ?? status.installments.find((i) => i.status !== 'paid');
    await publish(
      AgreementBrokenV1,
      buildEnvelope(AgreementBrokenV1, context(doc.tenant, derivedEventId(doc._id, AgreementBrokenV1.type), doc.caseId, now), {
        agreementId: doc._id,
        caseId: doc.caseId,
        debtorId: doc.debtorId,
        invoiceIds: doc.invoiceIds,
        missedInstallment: missed?.number ?? 1,
        outstandingCents: status.outstandingCents,
        reason: doc.brokenReason ?? reason,
      }),
      doc.debtorId,
    );
    await store.releaseCase(doc.caseId, doc._id);
    await store.leaveActive(doc._id);
  }

  return {
    /** The case's debt updated to today, its offers (none while an agreement stands) and its current agreement. */
    async view(claims: LinkClaims) {
      const found = await caseOf(claims);
      const today = saoPauloDate(deps.clock.now());
      const debt = await debtOf(found, today);
      const agreement = await currentAgreement(found, today);
      const { total } = debt;
      return {
        caseId: found._id,
        creditor: debt.creditor.cnpj ? { name: debt.creditor.name, cnpj: formatCnpj(debt.creditor.cnpj) } : { name: debt.creditor.name },
        today,
        debt: {
          totalCents: total.totalCents,
          principalCents: total.principalCents,
          correctionCents: total.correctionCents,
          fineCents: total.fineCents,
          interestCents: total.interestCents,
          daysOverdue: total.daysOverdue,
          oldestDueDate: total.dueDate,
          breakdown: total.breakdown,
          invoices: debt.invoices.map(({ invoiceId, debt: d }) => ({ invoiceId, dueDate: d.dueDate, principalCents: d.principalCents, totalCents: d.totalCents })),
        },
        offers: agreement && agreement.status !== 'broken' ? [] : offersOf(found, debt, today).map(offerView),
        ...(agreement ? { agreement } : {}),
      };
    },

    /**
     * Accepts one of today's offers. The same case, offer and day always make the same agreement (its id is derived
     * from them), so a double click or a retry answers the agreement made the first time; another offer while one
     * stands, or an offer that is not among today's, is a conflict.
     */
    async accept(claims: LinkClaims, offerId: string) {
      const found = await caseOf(claims);
      const now = deps.clock.now();
      const today = saoPauloDate(now);
      const debt = await debtOf(found, today);
      const offer = offersOf(found, debt, today).find((o) => o.id === offerId);
      if (!offer) throw new ConflictError('esta oferta não está mais disponível: recarregue a página para ver as ofertas de hoje', [{ path: 'offerId', message: 'not among today\'s offers' }]);
      const agreementId = agreementIdFor(found.tenant, found._id, offer.id);
      if (!(await store.claimCase(found._id, agreementId))) throw new ConflictError('este caso já tem um acordo em andamento', [{ path: 'offerId', message: 'the case has another agreement' }]);

      const schedule = agreementSchedule(offer).map((s) => {
        const txid = txidFor({ agreementId, installment: s.number }, 'static');
        return { ...s, txid, pixCopyPaste: staticBrCode({ key: settings.pixKey, amountCents: s.amountCents, merchantName: settings.merchantName, merchantCity: settings.merchantCity, txid }) };
      });
      const doc: AgreementDoc = {
        _id: agreementId,
        tenant: found.tenant,
        caseId: found._id,
        debtorId: found.debtorId,
        invoiceIds: debt.invoices.map((i) => i.invoiceId),
        offerId: offer.id,
        offerKind: offer.kind,
        totalCents: offer.totalCents,
        discountCents: offer.discountCents,
        debtCents: debt.total.totalCents,
        schedule,
        terms: agreementTerms({ creditorName: debt.creditor.cnpj ? `${debt.creditor.name}, CNPJ ${formatCnpj(debt.creditor.cnpj)}` : debt.creditor.name, debt: debt.total, offer, schedule, acceptedOn: today, graceDays: settings.graceDays }),
        status: 'active',
        payments: [],
        createdAt: now,
        acceptedAt: now.toISOString(),
      };
      const created = await store.createAgreement(doc);
      const stored = (await store.findAgreement(agreementId)) ?? doc;
      await publish(
        AgreementCreatedV1,
        buildEnvelope(AgreementCreatedV1, context(stored.tenant, derivedEventId(agreementId, AgreementCreatedV1.type), stored.caseId, stored.createdAt), {
          agreementId,
          caseId: stored.caseId,
          debtorId: stored.debtorId,
          invoiceIds: stored.invoiceIds,
          offerKind: stored.offerKind,
          totalCents: stored.totalCents,
          discountCents: stored.discountCents,
          installments: stored.schedule.map((s) => ({ number: s.number, dueDate: s.dueDate, amountCents: s.amountCents, pixCopyPaste: s.pixCopyPaste })),
          acceptedAt: stored.acceptedAt,
        }),
        stored.debtorId,
      );
      if (created) logger.info({ agreementId, caseId: found._id, offerKind: offer.kind, installments: schedule.length }, 'agreement created');
      return { created, agreement: agreementView(stored, statusOf(stored, today)) };
    },

    /** The debtor contests the case's debt; the same reason and words the same day are the same dispute. */
    async dispute(claims: LinkClaims, input: { reason: DisputeReason; details?: string | undefined }) {
      const found = await caseOf(claims);
      if (found.openInvoiceIds.length === 0) throw new ConflictError('não há faturas em aberto neste caso para contestar');
      const now = deps.clock.now();
      const disputeId = hashed('dsp', [found.tenant, found._id, input.reason, input.details ?? '', saoPauloDate(now)]);
      const doc: DisputeDoc = { _id: disputeId, tenant: found.tenant, caseId: found._id, debtorId: found.debtorId, invoiceIds: found.openInvoiceIds, reason: input.reason, ...(input.details ? { details: input.details } : {}), status: 'open', createdAt: now };
      await store.createDispute(doc);
      const stored = (await store.findDispute(disputeId)) ?? doc;
      await publish(
        CaseDisputedV1,
        buildEnvelope(CaseDisputedV1, context(stored.tenant, derivedEventId(disputeId, CaseDisputedV1.type), stored.caseId, stored.createdAt), {
          disputeId,
          caseId: stored.caseId,
          debtorId: stored.debtorId,
          invoiceIds: stored.invoiceIds,
          reason: stored.reason,
          ...(stored.details ? { details: stored.details } : {}),
        }),
        stored.debtorId,
      );
      return { disputeId, status: stored.status, reason: stored.reason };
    },

    /** An operator's decision, once: the same decision again answers as before; another one is a conflict. */
    async resolveDispute(tenant: string, disputeId: string, input: { outcome: 'upheld' | 'rejected'; note?: string | undefined }) {
      const found = await store.findDispute(disputeId);
      if (!found || found.tenant !== tenant) throw new NotFoundError(`dispute ${disputeId} not found`);
      if (found.status === 'resolved' && found.outcome !== input.outcome) throw new ConflictError(`dispute ${disputeId} was already resolved as ${found.outcome}`);
      const now = deps.clock.now();
      await store.resolveDispute(disputeId, input.outcome, input.note, now);
      const resolved = (await store.findDispute(disputeId)) ?? found;
      const note = resolved.note ?? input.note;
      await publish(
        CaseDisputeResolvedV1,
        buildEnvelope(CaseDisputeResolvedV1, context(tenant, derivedEventId(disputeId, CaseDisputeResolvedV1.type), resolved.caseId, resolved.resolvedAt ?? now), {
          disputeId,
          caseId: resolved.caseId,
          debtorId: resolved.debtorId,
          invoiceIds: resolved.invoiceIds,
          outcome: input.outcome,
          ...(note ? { note } : {}),
        }),
        resolved.debtorId,
      );
      return { disputeId, status: 'resolved' as const, outcome: input.outcome, ...(note ? { note } : {}) };
    },

    /**
     * A payment whose txid is an agreement installment's: recorded once (by payment id, at the amount first
     * recorded), added to the agreement, and every installment it leaves paid is published (ids derived from the
     * installment, so repeats dedupe); the last one settles the agreement and its invoices. Null: not an agreement's.
     */
    async receivePayment(event: PaymentReceived): Promise<AgreementPaymentResult | null> {
      const txid = event.data.pixTxid;
      const target = txid ? await store.findByTxid(event.tenant, txid) : null;
      if (!target) return null;
      const now = deps.clock.now();
      const id = `${event.tenant}:${event.data.paymentId}`;
      const firstTime = await ledger.recordPayment({ _id: id, tenant: event.tenant, paymentId: event.data.paymentId, invoiceId: null, agreementId: target.agreementId, method: event.data.method, amountCents: event.data.amountCents, paidAt: new Date(event.data.paidAt), receivedAt: now, sourceEventId: event.id });
      const amountCents = firstTime ? event.data.amountCents : ((await ledger.findPayment(id))?.amountCents ?? event.data.amountCents);
      const doc = await store.addPayment(target.agreementId, { paymentId: event.data.paymentId, amountCents, paidOn: saoPauloDate(new Date(event.data.paidAt)), paidAt: event.data.paidAt });
      const result: AgreementPaymentResult = { outcome: 'agreement', agreementId: target.agreementId, installment: target.number, repeated: !firstTime };
      if (!doc) return result;
      const status = statusOf(doc, saoPauloDate(now));
      for (const installment of status.installments.filter((i) => i.status === 'paid')) {
        const envelope = buildEnvelope(AgreementInstallmentPaidV1, causedBy(event, { id: derivedEventId(`${doc._id}:${installment.number}`, AgreementInstallmentPaidV1.type), occurredAt: now, source: deps.source }), {
          agreementId: doc._id,
          caseId: doc.caseId,
          debtorId: doc.debtorId,
          number: installment.number,
          paidCents: installment.paidCents,
        });
        await publish(AgreementInstallmentPaidV1, envelope, doc.debtorId);
      }
      logger.info({ agreementId: doc._id, paymentId: event.data.paymentId, installment: target.number, paidCents: status.paidCents, outstandingCents: status.outstandingCents }, 'agreement installment payment');
      if (status.settled && doc.status !== 'settled') await settleAgreement(doc, status, now, event);
      return result;
    },

    /** Every active agreement checked against today: broken ones published once, settled ones finished. */
    async sweepAgreements(): Promise<void> {
      const now = deps.clock.now();
      const today = saoPauloDate(now);
      for (const agreementId of await store.activeIds()) {
        const doc = await store.findAgreement(agreementId);
        if (!doc || doc.status === 'settled') {
          await store.leaveActive(agreementId);
          continue;
        }
        const status = statusOf(doc, today);
        if (doc.status === 'broken' || status.broken) await breakAgreement(doc, status, now);
        else if (status.settled) await settleAgreement(doc, status, now, undefined);
      }
    },
  };
}

export type Negotiation = ReturnType<typeof createNegotiation>;
