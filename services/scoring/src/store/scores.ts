import { Schema, type Connection } from 'mongoose';
import { insertManyIfAbsent } from '@regua/mongo';

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
    async find(invoiceId: string): Promise<ScoreDoc | null> {
      return scores.findById(invoiceId).lean<ScoreDoc>().exec();
    },
  };
}

export type ScoreStore = ReturnType<typeof createScoreStore>;
