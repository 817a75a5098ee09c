import { Schema, type Connection } from 'mongoose';

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
    async save(doc: ScoreDoc): Promise<void> {
      const { _id, ...fields } = doc;
      await scores.updateOne({ _id }, { $set: fields }, { upsert: true });
    },
    async find(invoiceId: string): Promise<ScoreDoc | null> {
      return scores.findById(invoiceId).lean<ScoreDoc>().exec();
    },
  };
}

export type ScoreStore = ReturnType<typeof createScoreStore>;
