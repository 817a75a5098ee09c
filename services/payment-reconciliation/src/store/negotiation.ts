import { Schema, type Connection } from 'mongoose';
import { forEachConcurrently, insertIfAbsent, insertManyIfAbsent, readById } from '@regua/mongo';

/** Plans of cases already held, rewritten at once by `planCases` (single updates by `_id` over the pool). */
const PLAN_WRITES = 8;

/** Which invoices a case holds, from notification's CasePlanned events: `_id` = caseId. */
export interface NegotiationCaseDoc {
  _id: string;
  tenant: string;
  debtorId: string;
  openInvoiceIds: string[];
  segment?: string;
  /** The case's current agreement (active or settled); cleared when it breaks, so the debtor may negotiate again. */
  agreementId?: string;
  updatedAt: Date;
}

export interface AgreementInstallmentDoc {
  number: number;
  dueDate: string;
  amountCents: number;
  interestCents: number;
  txid: string;
  pixCopyPaste: string;
}

export interface AgreementPaymentDoc {
  paymentId: string;
  amountCents: number;
  /** The date in America/Sao_Paulo it was paid. */
  paidOn: string;
  paidAt: string;
}

export type AgreementState = 'active' | 'settled' | 'broken';

export interface AgreementDoc {
  _id: string;
  tenant: string;
  caseId: string;
  debtorId: string;
  invoiceIds: string[];
  offerId: string;
  offerKind: 'full' | 'installments';
  totalCents: number;
  discountCents: number;
  /** What the case owed on the day it was accepted, updated. */
  debtCents: number;
  schedule: AgreementInstallmentDoc[];
  terms: string;
  status: AgreementState;
  payments: AgreementPaymentDoc[];
  createdAt: Date;
  acceptedAt: string;
  settledAt?: Date;
  brokenAt?: Date;
  brokenReason?: string;
}

/** An installment's Pix txid → its agreement: `_id` = `tenant:txid`, so a payment carrying the txid is matched by `_id`. */
export interface AgreementTxidDoc {
  _id: string;
  agreementId: string;
  number: number;
}

export type DisputeReason = 'already-paid' | 'not-mine' | 'wrong-amount' | 'fraud' | 'other';

export interface DisputeDoc {
  _id: string;
  tenant: string;
  caseId: string;
  debtorId: string;
  invoiceIds: string[];
  reason: DisputeReason;
  details?: string;
  status: 'open' | 'resolved';
  outcome?: 'upheld' | 'rejected';
  note?: string;
  createdAt: Date;
  resolvedAt?: Date;
}

/**
 * The self-service negotiation's own collections. `negotiation_cases`, `agreements`, `agreement_txids` and `disputes`
 * are read and written by `_id` only. `active_agreements` (`_id` = agreementId) is the one collection read whole, by
 * the broken-agreement sweep: it holds only agreements still active (a settlement or a break removes them), so it is
 * bounded by the agreements being paid now, never by every agreement ever made.
 */
export function createNegotiationStore(db: Connection) {
  const cases = db.model<NegotiationCaseDoc>(
    'NegotiationCase',
    new Schema<NegotiationCaseDoc>(
      { _id: String, tenant: { type: String, required: true }, debtorId: { type: String, required: true }, openInvoiceIds: [String], segment: String, agreementId: String, updatedAt: { type: Date, required: true } },
      { collection: 'negotiation_cases', versionKey: false },
    ),
  );
  const agreements = db.model<AgreementDoc>(
    'Agreement',
    new Schema<AgreementDoc>(
      {
        _id: String,
        tenant: { type: String, required: true },
        caseId: { type: String, required: true },
        debtorId: { type: String, required: true },
        invoiceIds: [String],
        offerId: { type: String, required: true },
        offerKind: { type: String, required: true },
        totalCents: { type: Number, required: true },
        discountCents: { type: Number, required: true },
        debtCents: { type: Number, required: true },
        schedule: [{ _id: false, number: Number, dueDate: String, amountCents: Number, interestCents: Number, txid: String, pixCopyPaste: String }],
        terms: { type: String, required: true },
        status: { type: String, required: true },
        payments: [{ _id: false, paymentId: String, amountCents: Number, paidOn: String, paidAt: String }],
        createdAt: { type: Date, required: true },
        acceptedAt: { type: String, required: true },
        settledAt: Date,
        brokenAt: Date,
        brokenReason: String,
      },
      { collection: 'agreements', versionKey: false },
    ),
  );
  const active = db.model<{ _id: string; tenant: string }>('ActiveAgreement', new Schema({ _id: String, tenant: { type: String, required: true } }, { collection: 'active_agreements', versionKey: false }));
  const txids = db.model<AgreementTxidDoc>('AgreementTxid', new Schema<AgreementTxidDoc>({ _id: String, agreementId: { type: String, required: true }, number: { type: Number, required: true } }, { collection: 'agreement_txids', versionKey: false }));
  const disputes = db.model<DisputeDoc>(
    'Dispute',
    new Schema<DisputeDoc>(
      {
        _id: String,
        tenant: { type: String, required: true },
        caseId: { type: String, required: true },
        debtorId: { type: String, required: true },
        invoiceIds: [String],
        reason: { type: String, required: true },
        details: String,
        status: { type: String, required: true },
        outcome: String,
        note: String,
        createdAt: { type: Date, required: true },
        resolvedAt: Date,
      },
      { collection: 'disputes', versionKey: false },
    ),
  );
  const txidKey = (tenant: string, txid: string) => `${tenant}:${txid}`;

  return {
    /**
     * Each case as last planned: the cases seen for the first time in one `insertMany` (on FerretDB an upsert each is
     * a read and a write), then a `$set` by `_id` for each case already held (its agreement is kept).
     */
    async planCases(docs: ReadonlyArray<Omit<NegotiationCaseDoc, 'agreementId'>>, likelyHeld: ReadonlySet<string> = new Set()): Promise<void> {
      // Cases likely held already (a later plan) are not offered to the insert: FerretDB inserts a batch holding a
      // duplicate one document at a time. They are upserted, in case they are not held after all.
      const inserted = await insertManyIfAbsent(cases, docs.filter((d) => !likelyHeld.has(d._id)));
      await forEachConcurrently(
        docs.filter((d) => !inserted.has(d._id)),
        PLAN_WRITES,
        async ({ _id, segment, ...fields }) => void (await cases.collection.updateOne({ _id: _id as never }, { $set: { ...fields, ...(segment ? { segment } : {}) } }, { upsert: likelyHeld.has(_id) })),
      );
    },

    async findCase(caseId: string): Promise<NegotiationCaseDoc | null> {
      // Through the driver (no query casting): a CNAB file settling thousands of cases reads each one.
      return readById<NegotiationCaseDoc>(cases, caseId);
    },

    /** Makes the agreement the case's current one; false if the case already has another. */
    async claimCase(caseId: string, agreementId: string): Promise<boolean> {
      const result = await cases.updateOne({ _id: caseId, $or: [{ agreementId: { $exists: false } }, { agreementId: null }, { agreementId }] }, { $set: { agreementId } });
      return result.matchedCount === 1;
    },

    async releaseCase(caseId: string, agreementId: string): Promise<void> {
      await cases.updateOne({ _id: caseId, agreementId }, { $unset: { agreementId: 1 } });
    },

    /** The agreement, its txids and its place among the active: each insert-if-absent, so a repeat after a crash completes it. */
    async createAgreement(doc: AgreementDoc): Promise<boolean> {
      const created = await insertIfAbsent(agreements, doc);
      for (const installment of doc.schedule) await insertIfAbsent(txids, { _id: txidKey(doc.tenant, installment.txid), agreementId: doc._id, number: installment.number });
      if (doc.status === 'active') await insertIfAbsent(active, { _id: doc._id, tenant: doc.tenant });
      return created;
    },

    async findAgreement(agreementId: string): Promise<AgreementDoc | null> {
      return agreements.findById(agreementId).lean<AgreementDoc>().exec();
    },

    async findByTxid(tenant: string, txid: string): Promise<AgreementTxidDoc | null> {
      return txids.findById(txidKey(tenant, txid)).lean<AgreementTxidDoc>().exec();
    },

    /** Adds the payment once (by payment id and first amount) and returns the agreement as it is now. */
    async addPayment(agreementId: string, payment: AgreementPaymentDoc): Promise<AgreementDoc | null> {
      await agreements.updateOne({ _id: agreementId, 'payments.paymentId': { $ne: payment.paymentId } }, { $push: { payments: payment } });
      return agreements.findById(agreementId).lean<AgreementDoc>().exec();
    },

    /** Moves an active agreement to settled or broken; false if it had left active already. */
    async finish(agreementId: string, to: 'settled' | 'broken', now: Date, reason?: string): Promise<boolean> {
      const fields = to === 'settled' ? { status: to, settledAt: now } : { status: to, brokenAt: now, ...(reason ? { brokenReason: reason } : {}) };
      const result = await agreements.updateOne({ _id: agreementId, status: 'active' }, { $set: fields });
      return result.modifiedCount === 1;
    },

    /** Every agreement still active: a scan of a collection bounded as said above. */
    async activeIds(): Promise<string[]> {
      return (await active.find({}).lean<Array<{ _id: string }>>().exec()).map((d) => d._id);
    },

    async leaveActive(agreementId: string): Promise<void> {
      await active.deleteOne({ _id: agreementId });
    },

    async createDispute(doc: DisputeDoc): Promise<boolean> {
      return insertIfAbsent(disputes, doc);
    },

    async findDispute(disputeId: string): Promise<DisputeDoc | null> {
      return disputes.findById(disputeId).lean<DisputeDoc>().exec();
    },

    /** Records the operator's decision once; false if the dispute was resolved before. */
    async resolveDispute(disputeId: string, outcome: 'upheld' | 'rejected', note: string | undefined, now: Date): Promise<boolean> {
      const result = await disputes.updateOne({ _id: disputeId, status: 'open' }, { $set: { status: 'resolved', outcome, resolvedAt: now, ...(note ? { note } : {}) } });
      return result.modifiedCount === 1;
    },
  };
}

export type NegotiationStore = ReturnType<typeof createNegotiationStore>;
