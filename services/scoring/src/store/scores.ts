import { Schema, type Connection } from 'mongoose';
import { findByIds, forEachConcurrently, insertManyIfAbsent } from '@regua/mongo';
import type { InvoiceFacts } from '../domain/features.ts';
import type { Reason } from '../domain/model-port.ts';

/** The latest score of one invoice, with the facts needed to score it again (ids and figures, no personal data). */
export interface ScoreDoc {
  _id: string;
  tenant: string;
  debtorId: string;
  score: number;
  segment: string;
  factors: Record<string, number>;
  modelVersion: string;
  sourceEventId: string;
  scoredAt: Date;
  probability?: number;
  band?: string;
  strategy?: string;
  rule?: string | null;
  rulesVersion?: number;
  reasons?: Reason[];
  facts?: InvoiceFacts;
  /** Month (`yyyymm`) of the label collection holding this invoice's label. */
  labelMonth?: string;
  rescoredAt?: Date;
  erasedAt?: Date;
}

export type Rescore = Pick<ScoreDoc, '_id' | 'score' | 'segment' | 'factors' | 'modelVersion' | 'probability' | 'band' | 'strategy' | 'rule' | 'rulesVersion' | 'reasons'> & { rescoredAt: Date; sourceEventId: string };

export function createScoreStore(db: Connection) {
  const scores = db.model<ScoreDoc>(
    'Score',
    new Schema<ScoreDoc>(
      {
        _id: String,
        tenant: { type: String, required: true },
        debtorId: { type: String, required: true },
        score: { type: Number, required: true },
        segment: { type: String, required: true },
        factors: { type: Schema.Types.Mixed, required: true },
        modelVersion: { type: String, required: true },
        sourceEventId: { type: String, required: true },
        scoredAt: { type: Date, required: true },
      },
      { collection: 'scores', versionKey: false, minimize: false, strict: false },
    ).index({ tenant: 1, segment: 1 }),
  );
  return {
    /** One document per invoice, inserted once: a redelivered event keeps the first score (and its reasons). Returns the ids inserted now. */
    async saveAll(docs: ScoreDoc[]): Promise<Set<string>> {
      return insertManyIfAbsent(scores, docs);
    },
    async find(invoiceId: string): Promise<ScoreDoc | null> {
      return scores.findById(invoiceId).lean<ScoreDoc>().exec();
    },
    async findMany(invoiceIds: readonly string[]): Promise<ScoreDoc[]> {
      return findByIds<ScoreDoc>(scores, invoiceIds);
    },
    /** A new score for invoices scored before, one update by `_id` each. */
    async rescore(updates: Rescore[]): Promise<void> {
      await forEachConcurrently(updates, 8, async ({ _id, ...set }) => {
        await scores.collection.updateOne({ _id: _id as never }, { $set: set });
      });
    },
    /**
     * Erasure (LGPD): what describes the debtor's situation goes (factors, reasons, facts); the score, segment and
     * model stay for portfolio figures, tied to ids only. By `_id`, upserted: a score not written yet is left as a
     * tombstone, which a later insert of it leaves alone.
     */
    async erase(targets: Array<{ invoiceId: string; debtorId: string }>, tenant: string, requestId: string, at: Date): Promise<void> {
      await forEachConcurrently(targets, 8, async ({ invoiceId, debtorId }) => {
        await scores.collection.updateOne({ _id: invoiceId as never }, { $set: { tenant, debtorId, factors: {}, reasons: [], erasedAt: at, erasureRequestId: requestId }, $unset: { facts: '' } }, { upsert: true });
      });
    },
  };
}

export type ScoreStore = ReturnType<typeof createScoreStore>;
