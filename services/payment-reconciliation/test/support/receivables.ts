import type { mongo } from 'mongoose';
import { withFirstPayment, type FirstPaymentDoc, type ReceivableDoc } from '../../src/store/ledger.ts';

/** A receivable as the service reads it: its first payment, kept apart in `first_payments`, heads its payments. */
export async function receivableAsRead(db: mongo.Db, invoiceId: string): Promise<ReceivableDoc | null> {
  const byId = { _id: invoiceId as never };
  const [doc, first] = await Promise.all([db.collection<ReceivableDoc>('receivables').findOne(byId), db.collection<FirstPaymentDoc>('first_payments').findOne(byId)]);
  return withFirstPayment(doc, first);
}
