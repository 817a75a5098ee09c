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

/** One line of a file and what became of it: a settlement's outcome, or another movement. */
export type CnabFileEntry = { line: number } & (
  | { kind: 'settlement'; paymentId: string; outcome: string; invoiceId?: string }
  | ({ kind: 'movement' } & Omit<MovementRecord, 'line'>)
);

/**
 * The entries of one applied batch of a file, every line of it, for any size of file (the file record keeps only the
 * first ones): one document per batch rather than one per line, so a 100,000-line file adds a hundred documents, not
 * fifty thousand. `_id` is `<fileId>:<first line>`, so a file applied again after a crash writes each batch once.
 */
export interface CnabFileEntriesDoc {
  _id: string;
  fileId: string;
  firstLine: number;
  lastLine: number;
  entries: CnabFileEntry[];
}

/** Progress and per-line entries of large files; `cnab_file_entries` is written a batch at a time and read by `_id` only. */
export function createCnabFileProgress(db: Connection) {
  const files = () => db.collection<{ _id: string; progress?: CnabFileProgress }>('cnab_files');
  const chunks = { collection: db.collection<CnabFileEntriesDoc>('cnab_file_entries') };
  return {
    async record(fileId: string, progress: CnabFileProgress): Promise<void> {
      await files().updateOne({ _id: fileId }, { $set: { progress } });
    },
    /** A batch's entries, in line order. */
    async addEntries(fileId: string, entries: CnabFileEntry[]): Promise<void> {
      const [first, last] = [entries[0], entries.at(-1)];
      if (!first || !last) return;
      await insertManyIfAbsent(chunks, [{ _id: `${fileId}:${first.line}`, fileId, firstLine: first.line, lastLine: last.line, entries }]);
    },
  };
}

export type CnabFileProgressStore = ReturnType<typeof createCnabFileProgress>;
