import type { Connection } from 'mongoose';

/**
 * A service's record of the data-subject erasure requests it carried out (`data_subject_requests`, `_id` = the
 * request id). A request may come in several parts (events); each part done is added once, whatever the
 * redeliveries, and the request is done here when every part is.
 */
export interface DataSubjectRequestRecord {
  _id: string;
  tenant: string;
  parts: number;
  partsDone: number[];
  /** The collections the service erased or anonymised documents in. */
  collections: string[];
  firstAt: Date;
  updatedAt: Date;
}

export function createDataSubjectRequestLog(db: Connection) {
  const records = () => db.collection<DataSubjectRequestRecord>('data_subject_requests');
  return {
    /** One upsert by `_id`; safe to repeat. */
    async partDone(record: { requestId: string; tenant: string; part: number; parts: number; collections: string[]; at: Date }): Promise<void> {
      await records().updateOne(
        { _id: record.requestId },
        { $set: { tenant: record.tenant, parts: record.parts, collections: record.collections, updatedAt: record.at }, $addToSet: { partsDone: record.part }, $setOnInsert: { firstAt: record.at } },
        { upsert: true },
      );
    },
    async find(requestId: string): Promise<(DataSubjectRequestRecord & { done: boolean }) | null> {
      const doc = await records().findOne({ _id: requestId });
      return doc ? { ...doc, done: doc.partsDone.length >= doc.parts } : null;
    },
  };
}

export type DataSubjectRequestLog = ReturnType<typeof createDataSubjectRequestLog>;
