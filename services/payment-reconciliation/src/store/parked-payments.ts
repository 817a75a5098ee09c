import { Schema, type Connection } from 'mongoose';
import { insertIfAbsent } from '@regua/mongo';

/**
 * A payment that matched no invoice when it arrived, waiting for it. `_id` is the payment's own
 * (`tenant:paymentId`), so a redelivery parks it once and keeps its first window.
 */
export interface ParkedPaymentDoc {
  _id: string;
  tenant: string;
  paymentId: string;
  amountCents: number;
  /** Match keys: the invoice id (`tenant:externalId`), the Pix txid and/or the boleto's nosso número the payment carried. */
  invoiceId?: string;
  pixTxid?: string;
  ourNumber?: string;
  parkedAt: Date;
  expiresAt: Date;
  /** The PaymentReceived event as received (JSON): a match later reconciles it exactly as it would have been live. */
  event: string;
}

/** A parked payment that found no invoice in its window: the operators' queue. */
export interface PaymentExceptionDoc extends ParkedPaymentDoc {
  reason: string;
  raisedAt: Date;
}

const parkedFields = {
  _id: String,
  tenant: { type: String, required: true },
  paymentId: { type: String, required: true },
  amountCents: { type: Number, required: true },
  invoiceId: String,
  pixTxid: String,
  ourNumber: String,
  parkedAt: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
  event: { type: String, required: true },
};

/**
 * Unmatched payments. `parked_payments` is read whole by every sweep (a scan on FerretDB), which is affordable because
 * it holds only payments that are unmatched and inside their window: a match or the window's end removes them. So it
 * is bounded by the payments received in one window whose invoice has not arrived (normally none; a creditor's feed
 * stuck for days at most), never by the portfolio or by payments matched. `payment_exceptions` is only ever written
 * and read by `_id`, never scanned here.
 */
export function createParkedPayments(db: Connection) {
  const parked = db.model<ParkedPaymentDoc>('ParkedPayment', new Schema<ParkedPaymentDoc>(parkedFields, { collection: 'parked_payments', versionKey: false }));
  const exceptions = db.model<PaymentExceptionDoc>(
    'PaymentException',
    new Schema<PaymentExceptionDoc>({ ...parkedFields, reason: { type: String, required: true }, raisedAt: { type: Date, required: true } }, { collection: 'payment_exceptions', versionKey: false }),
  );

  return {
    /** False if it was parked already (a redelivery): the first window stands. */
    async park(doc: ParkedPaymentDoc): Promise<boolean> {
      return insertIfAbsent(parked, doc);
    },

    /** Every parked payment: a scan of a collection bounded as said above. */
    async all(): Promise<ParkedPaymentDoc[]> {
      return parked.find({}).lean<ParkedPaymentDoc[]>().exec();
    },

    /** Matched: leaves the parking. */
    async remove(id: string): Promise<void> {
      await parked.deleteOne({ _id: id });
    },

    /** Moves a parked payment to the operators' queue; false if another sweep did it first. Safe to repeat after a crash. */
    async expire(doc: ParkedPaymentDoc, reason: string, now: Date): Promise<boolean> {
      const raised = await insertIfAbsent(exceptions, { ...doc, reason, raisedAt: now });
      await parked.deleteOne({ _id: doc._id });
      return raised;
    },

    /** True if the payment already went to the operators' queue (a redelivery of it must not park it again). */
    async isException(id: string): Promise<boolean> {
      return (await exceptions.exists({ _id: id })) !== null;
    },
  };
}

export type ParkedPayments = ReturnType<typeof createParkedPayments>;
