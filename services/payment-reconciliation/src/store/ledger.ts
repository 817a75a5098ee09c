import { Schema, type Connection } from 'mongoose';
import { insertIfAbsent } from '@regua/mongo';

export interface ReceivableDoc {
  _id: string;
  tenant: string;
  externalId: string;
  debtorId: string;
  amountCents: number;
  pixTxid?: string;
  registeredAt: Date;
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
      },
      { collection: 'receivables', versionKey: false },
    )
      .index({ tenant: 1, externalId: 1 }, { unique: true })
      .index({ tenant: 1, pixTxid: 1 }),
  );
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
    ).index({ invoiceId: 1 }),
  );

  return {
    async upsertReceivable(doc: ReceivableDoc): Promise<void> {
      const { _id, ...fields } = doc;
      await receivables.updateOne({ _id }, { $set: fields }, { upsert: true });
    },
    async findReceivable(tenant: string, match: { externalId?: string | undefined; pixTxid?: string | undefined }): Promise<ReceivableDoc | null> {
      if (match.externalId) return receivables.findOne({ tenant, externalId: match.externalId }).lean<ReceivableDoc>().exec();
      if (match.pixTxid) return receivables.findOne({ tenant, pixTxid: match.pixTxid }).lean<ReceivableDoc>().exec();
      return null;
    },
    /** Payment ids are unique per tenant: a provider's retry of the same payment is recorded once. */
    async recordPayment(doc: PaymentDoc): Promise<boolean> {
      return insertIfAbsent(payments, doc);
    },
    async paymentsFor(invoiceId: string): Promise<PaymentDoc[]> {
      return payments.find({ invoiceId }).lean<PaymentDoc[]>().exec();
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;
