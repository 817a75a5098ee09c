import { Schema, type Connection } from 'mongoose';
import { insertIfAbsent, insertManyIfAbsent } from '@regua/mongo';

export interface MatchedPayment {
  paymentId: string;
  amountCents: number;
}

/** What an invoice owes, keyed by its invoice id (`tenant:externalId`), so every read and write is by `_id`. */
export interface ReceivableDoc {
  _id: string;
  tenant: string;
  externalId: string;
  debtorId: string;
  amountCents: number;
  pixTxid?: string;
  registeredAt: Date;
  /** Payments matched to it; a payment id appears once whatever the redeliveries. */
  payments: MatchedPayment[];
}

/** Pix txid → invoice id: lets a payment that only carries a txid be matched by `_id`. */
interface TxidDoc {
  _id: string;
  invoiceId: string;
}

export interface PaymentDoc {
  _id: string;
  tenant: string;
  paymentId: string;
  invoiceId: string | null;
  method: string;
  amountCents: number;
  paidAt: Date;
  receivedAt: Date;
  sourceEventId: string;
}

const txidKey = (tenant: string, txid: string) => `${tenant}:${txid}`;

/** Payment-reconciliation's own ledger: what is owed (from invoice events) and what was paid. */
export function createLedger(db: Connection) {
  const receivables = db.model<ReceivableDoc>(
    'Receivable',
    new Schema<ReceivableDoc>(
      {
        _id: String,
        tenant: { type: String, required: true },
        externalId: { type: String, required: true },
        debtorId: { type: String, required: true },
        amountCents: { type: Number, required: true },
        pixTxid: String,
        registeredAt: { type: Date, required: true },
        payments: [{ _id: false, paymentId: String, amountCents: Number }],
      },
      { collection: 'receivables', versionKey: false },
    ),
  );
  const txids = db.model<TxidDoc>('PixTxid', new Schema<TxidDoc>({ _id: String, invoiceId: { type: String, required: true } }, { collection: 'pix_txids', versionKey: false }));
  const payments = db.model<PaymentDoc>(
    'Payment',
    new Schema<PaymentDoc>(
      {
        _id: String,
        tenant: { type: String, required: true },
        paymentId: { type: String, required: true },
        invoiceId: { type: String, default: null },
        method: { type: String, required: true },
        amountCents: { type: Number, required: true },
        paidAt: { type: Date, required: true },
        receivedAt: { type: Date, required: true },
        sourceEventId: { type: String, required: true },
      },
      { collection: 'payments', versionKey: false },
    ),
  );

  return {
    /**
     * Registrations: the first event of an invoice, so written only if absent. An update that overtook its
     * registration (they travel on two topics) has already written newer figures, which must stay.
     */
    async registerAll(docs: ReceivableDoc[]): Promise<void> {
      await insertManyIfAbsent(receivables, docs);
      await insertManyIfAbsent(
        txids,
        docs.flatMap((d) => (d.pixTxid ? [{ _id: txidKey(d.tenant, d.pixTxid), invoiceId: d._id }] : [])),
      );
    },

    /** An update replaces what is owed, keeping the payments matched so far. */
    async update(doc: Omit<ReceivableDoc, 'payments'>): Promise<void> {
      const { _id, ...fields } = doc;
      await receivables.updateOne({ _id }, { $set: fields, $setOnInsert: { payments: [] } }, { upsert: true });
      if (doc.pixTxid) await insertIfAbsent(txids, { _id: txidKey(doc.tenant, doc.pixTxid), invoiceId: _id });
    },

    async findReceivable(tenant: string, match: { invoiceId?: string | undefined; pixTxid?: string | undefined }): Promise<ReceivableDoc | null> {
      let id = match.invoiceId;
      if (!id && match.pixTxid) id = (await txids.findById(txidKey(tenant, match.pixTxid)).lean<TxidDoc>().exec())?.invoiceId;
      return id ? receivables.findById(id).lean<ReceivableDoc>().exec() : null;
    },

    /** Payment ids are unique per tenant: a provider's retry of the same payment is recorded once. */
    async recordPayment(doc: PaymentDoc): Promise<boolean> {
      return insertIfAbsent(payments, doc);
    },

    /** Adds the payment to its receivable (once, whatever the redeliveries) and returns the receivable as it is now. */
    async matchPayment(invoiceId: string, payment: MatchedPayment): Promise<ReceivableDoc | null> {
      return receivables.findOneAndUpdate({ _id: invoiceId }, { $addToSet: { payments: payment } }, { new: true }).lean<ReceivableDoc>().exec();
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;
