import type { Connection } from 'mongoose';
import { insertManyIfAbsent } from '@regua/mongo';
import type { MovementRecord } from '../domain/cnab-settlement.ts';
import type { CnabFileCounts } from './cnab-files.ts';

/** How far a file being applied has gone, on its `cnab_files` record while it is `processing`. */
export interface CnabFileProgress {
  linesDone: number;
  lines: number;
  settlementsApplied: number;
  counts: CnabFileCounts;
  updatedAt: Date;
}

/**
 * One line of a file and what became of it: every settlement's outcome and every other movement, for any size of
 * file (the file record keeps only the first ones). `_id` is `<fileId>:<line>`, so a file applied again after a
 * crash writes each entry once.
 */
export type CnabFileEntry = { _id: string; fileId: string; line: number } & (
  | { kind: 'settlement'; paymentId: string; outcome: string; invoiceId?: string }
  | ({ kind: 'movement' } & Omit<MovementRecord, 'line'>)
);

/** Progress and per-line entries of large files; `cnab_file_entries` is written in batches and read by `_id` only. */
export function createCnabFileProgress(db: Connection) {
  const files = () => db.collection<{ _id: string; progress?: CnabFileProgress }>('cnab_files');
  const entries = { collection: db.collection<CnabFileEntry>('cnab_file_entries') };
  return {
    async record(fileId: string, progress: CnabFileProgress): Promise<void> {
      await files().updateOne({ _id: fileId }, { $set: { progress } });
    },
    async addEntries(docs: CnabFileEntry[]): Promise<void> {
      await insertManyIfAbsent(entries, docs);
    },
  };
}

export type CnabFileProgressStore = ReturnType<typeof createCnabFileProgress>;
