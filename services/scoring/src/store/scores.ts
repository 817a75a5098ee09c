import { Schema, type Connection } from 'mongoose';
import { forEachConcurrently, insertManyIfAbsent } from '@regua/mongo';

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
}

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
      { collection: 'scores', versionKey: false, minimize: false },
    ).index({ tenant: 1, segment: 1 }),
  );
  return {
    /** One score per invoice, written once: a redelivered event keeps the first score (and its reasons). */
    async saveAll(docs: ScoreDoc[]): Promise<void> {
      await insertManyIfAbsent(scores, docs);
    },
    /**
     * Erasure (LGPD): the factors that describe the debtor's situation go; the score, segment and model stay for
     * portfolio figures, tied to ids only. By `_id`, upserted: a score not written yet is left as a tombstone, which
     * a later insert of it leaves alone.
     */
    async erase(targets: Array<{ invoiceId: string; debtorId: string }>, tenant: string, requestId: string, at: Date): Promise<void> {
      await forEachConcurrently(targets, 8, async ({ invoiceId, debtorId }) => {
        await scores.collection.updateOne({ _id: invoiceId as never }, { $set: { tenant, debtorId, factors: {}, erasedAt: at, erasureRequestId: requestId } }, { upsert: true });
      });
    },
    async find(invoiceId: string): Promise<ScoreDoc | null> {
      return scores.findById(invoiceId).lean<ScoreDoc>().exec();
    },
  };
}

export type ScoreStore = ReturnType<typeof createScoreStore>;
