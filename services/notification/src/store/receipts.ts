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

export function createReceiptStore(db: Connection) {
  const model = db.models.Receipt ?? db.model<ReceiptDoc>('Receipt', new mongoose.Schema<ReceiptDoc>({ _id: String }, { collection: 'receipts', versionKey: false, strict: false }));
  return {
    /** Records a receipt; false when it was recorded before (a provider's retry or a replay). */
    async record(doc: ReceiptDoc): Promise<boolean> {
      return (await insertManyIfAbsent(model as never, [doc])).has(doc._id);
    },
    /** Whether any channel's message of a case's step was read. */
    async wasRead(caseId: string, step: number): Promise<boolean> {
      const found = await findByIds<ReceiptDoc>(model as never, CHANNELS.map((channel) => `${caseId}:${step}:${channel}:read`));
      return found.length > 0;
    },
  };
}

export type ReceiptStore = ReturnType<typeof createReceiptStore>;
