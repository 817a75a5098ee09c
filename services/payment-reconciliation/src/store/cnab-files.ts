import { Schema, type Connection } from 'mongoose';
import { insertIfAbsent } from '@regua/mongo';
import type { MovementRecord } from '../domain/cnab-settlement.ts';

export interface CnabFileCounts {
  /** Settlements in the file (movements 06 and 17). */
  settlements: number;
  reconciled: number;
  parked: number;
  /** Nothing to match on, or parked once and expired since: in `payment_exceptions`. */
  unmatched: number;
  /** Settlements whose payment id was recorded before (an earlier file, or an earlier try of this one). */
  repeated: number;
  /** Every other movement (entry confirmed, rejected, written off…): recorded here, not applied. */
  movements: number;
}

/**
 * A return file taken in, keyed by the SHA-256 of its normalised content (`fileFingerprint`), so the same file is
 * applied once. Its `sequenceKey` (tenant, bank, beneficiary, agreement, NSA) is claimed too, in
 * `cnab_file_sequences` keyed by it: a different file claiming a sequence number already taken is refused.
 * `processing` until every settlement was handed to the matcher; a try that stopped half-way is taken up again by the
 * next (each settlement counts once whatever the tries).
 */
export interface CnabFileDoc {
  _id: string;
  tenant: string;
  status: 'processing' | 'processed';
  sequenceKey: string;
  bankCode: string;
  companyDocument: string;
  agreement: string;
  fileSequence: number;
  generatedOn: string | null;
  origin: 'upload' | 'inbox';
  /** The inbox file's name. */
  name?: string;
  receivedAt: Date;
  processedAt?: Date;
  counts?: CnabFileCounts;
  settlements?: Array<{ line: number; paymentId: string; outcome: string; invoiceId?: string }>;
  movements: MovementRecord[];
}

export type NewCnabFile = Omit<CnabFileDoc, 'status' | 'processedAt' | 'counts' | 'settlements'>;

/** Which file holds a sequence number. */
interface SequenceDoc {
  _id: string;
  fileId: string;
}

export type Claim = { kind: 'claimed' } | { kind: 'known'; file: CnabFileDoc } | { kind: 'sequence-taken'; by: CnabFileDoc | null };

export function createCnabFiles(db: Connection) {
  const files = db.model<CnabFileDoc>(
    'CnabFile',
    new Schema<CnabFileDoc>(
      {
        _id: String,
        tenant: { type: String, required: true },
        status: { type: String, required: true },
        sequenceKey: { type: String, required: true },
        bankCode: { type: String, required: true },
        companyDocument: String,
        agreement: String,
        fileSequence: { type: Number, required: true },
        generatedOn: String,
        origin: { type: String, required: true },
        name: String,
        receivedAt: { type: Date, required: true },
        processedAt: Date,
        counts: { type: Schema.Types.Mixed },
        settlements: { type: Schema.Types.Mixed },
        movements: { type: Schema.Types.Mixed, default: [] },
      },
      { collection: 'cnab_files', versionKey: false },
    ),
  );

  const sequences = db.model<SequenceDoc>('CnabFileSequence', new Schema<SequenceDoc>({ _id: String, fileId: { type: String, required: true } }, { collection: 'cnab_file_sequences', versionKey: false }));
  const find = (id: string) => files.findById(id).lean<CnabFileDoc>().exec();

  return {
    find,

    /**
     * Takes a file in: its sequence number first, then the file. `known`: this very file was taken in before (done,
     * or stopped half-way); `sequence-taken`: another file holds its sequence number. Safe to repeat after a crash
     * between the two writes: the sequence already names this file.
     */
    async claim(doc: NewCnabFile): Promise<Claim> {
      const known = await find(doc._id);
      if (known) return { kind: 'known', file: known };
      if (!(await insertIfAbsent(sequences, { _id: doc.sequenceKey, fileId: doc._id }))) {
        const holder = await sequences.findById(doc.sequenceKey).lean<SequenceDoc>().exec();
        if (holder && holder.fileId !== doc._id) return { kind: 'sequence-taken', by: await find(holder.fileId) };
      }
      if (await insertIfAbsent(files, { ...doc, status: 'processing' } as CnabFileDoc)) return { kind: 'claimed' };
      // Another request took the same file in at the same moment.
      const raced = await find(doc._id);
      if (!raced) throw new Error(`CNAB file ${doc._id} could not be recorded nor found`);
      return { kind: 'known', file: raced };
    },

    async complete(id: string, result: { counts: CnabFileCounts; settlements: NonNullable<CnabFileDoc['settlements']>; processedAt: Date }): Promise<void> {
      await files.updateOne({ _id: id }, { $set: { status: 'processed', ...result } });
    },
  };
}

export type CnabFiles = ReturnType<typeof createCnabFiles>;
