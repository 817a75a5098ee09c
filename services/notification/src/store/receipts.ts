import type { Connection } from 'mongoose';
import { findByIds, insertManyIfAbsent, mongoose } from '@regua/mongo';
import { CHANNELS } from '../domain/channel.ts';

/**
 * Providers' receipts as received, one per contact and status (`_id` = `contactId:status`): providers retry and
 * replay receipts, so the insert is the dedup, and whether a contact was read is a read by `_id`.
 */
export interface ReceiptDoc {
  _id: string;
  contactId: string;
  caseId: string;
  tenant: string;
  status: 'delivered' | 'read' | 'failed' | 'replied';
  provider: string;
  providerMessageId: string;
  at: Date;
  receivedAt: Date;
  optOut?: boolean;
  error?: string;
}

/** Receipts whose timeline line is not written on the case: read with the case when it is shown. */
const TOLD_FROM_RECEIPTS = ['delivered', 'read', 'replied'] as const;

export function createReceiptStore(db: Connection) {
  const model = db.models.Receipt ?? db.model<ReceiptDoc>('Receipt', new mongoose.Schema<ReceiptDoc>({ _id: String }, { collection: 'receipts', versionKey: false, strict: false }));
  return {
    /** Records a receipt; false when it was recorded before (a provider's retry or a replay). */
    async record(doc: ReceiptDoc): Promise<boolean> {
      return (await insertManyIfAbsent(model as never, [doc])).has(doc._id);
    },
    /** The receipts the case timeline tells of these contacts (a failure is told on the case, as it reopens the step). */
    async ofContacts(contactIds: readonly string[]): Promise<ReceiptDoc[]> {
      return findByIds<ReceiptDoc>(model as never, contactIds.flatMap((id) => TOLD_FROM_RECEIPTS.map((status) => `${id}:${status}`)));
    },
    /** Whether any channel's message of a case's step was read. */
    async wasRead(caseId: string, step: number): Promise<boolean> {
      const found = await findByIds<ReceiptDoc>(model as never, CHANNELS.map((channel) => `${caseId}:${step}:${channel}:read`));
      return found.length > 0;
    },
  };
}

export type ReceiptStore = ReturnType<typeof createReceiptStore>;
