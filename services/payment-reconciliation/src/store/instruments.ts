import { Schema, type Connection } from 'mongoose';
import { insertIfAbsent, insertOneIfAbsent, readById } from '@regua/mongo';
import type { Allocation } from '../instruments/allocate.ts';
import { ourNumberKey } from '../domain/cnab-settlement.ts';

export interface CaseBoletoDoc {
  bankCode: string;
  ourNumber: string;
  digitableLine?: string;
  barcode?: string;
  /** REGISTRADO once the bank took it; BAIXADO once written off; REJEITADO when the bank refused it (the reason kept). */
  status: 'RESERVED' | 'REGISTRADO' | 'BAIXADO' | 'REJEITADO';
  rejectedReason?: string;
}

/** One version of a case's instruments: one amount, one due date, one txid, at most one boleto. */
export interface InstrumentVersionDoc {
  version: number;
  amountCents: number;
  dueDate: string;
  invoiceIds: string[];
  txid: string;
  copyPaste: string;
  boleto?: CaseBoletoDoc;
  issuedAt: Date;
}

/** `_id` = caseId: the case's instruments, every version kept (a debtor may still pay an older one). */
export interface CaseInstrumentsDoc {
  _id: string;
  tenant: string;
  debtorId: string;
  current: number;
  versions: InstrumentVersionDoc[];
}

/** A txid or a nosso número of a case's version, `_id` = `tenant:key`, so a payment carrying it is matched by `_id`. */
export interface CaseKeyDoc {
  _id: string;
  caseId: string;
  version: number;
}

/** How a payment of a case's instruments was spread, kept so a redelivery spreads it the same way. `_id` = `tenant:paymentId`. */
export interface CasePaymentDoc {
  _id: string;
  caseId: string;
  version: number;
  amountCents: number;
  allocations: Allocation[];
  surplusCents: number;
}

/** Who pays a debtor's boletos (the bank asks for name and CPF/CNPJ), from the invoices: `_id` = `tenant:debtorId`. */
export interface PayerDoc {
  _id: string;
  name: string;
  document: string;
}

const key = (tenant: string, value: string) => `${tenant}:${value}`;

/** Case instruments' own collections, every read and write by `_id`. */
export function createInstrumentStore(db: Connection) {
  const instruments = db.model<CaseInstrumentsDoc>(
    'CaseInstruments',
    new Schema<CaseInstrumentsDoc>(
      {
        _id: String,
        tenant: { type: String, required: true },
        debtorId: { type: String, required: true },
        current: { type: Number, required: true },
        versions: [
          {
            _id: false,
            version: Number,
            amountCents: Number,
            dueDate: String,
            invoiceIds: [String],
            txid: String,
            copyPaste: String,
            boleto: { type: new Schema<CaseBoletoDoc>({ bankCode: String, ourNumber: String, digitableLine: String, barcode: String, status: String, rejectedReason: String }, { _id: false }), required: false },
            issuedAt: Date,
          },
        ],
      },
      { collection: 'case_instruments', versionKey: false },
    ),
  );
  const keySchema = () => new Schema<CaseKeyDoc>({ _id: String, caseId: { type: String, required: true }, version: { type: Number, required: true } }, { versionKey: false });
  const txids = db.model<CaseKeyDoc>('CaseTxid', keySchema(), 'case_txids');
  const ourNumbers = db.model<CaseKeyDoc>('CaseOurNumber', keySchema(), 'case_our_numbers');
  const payments = db.model<CasePaymentDoc>(
    'CaseInstrumentPayment',
    new Schema<CasePaymentDoc>(
      { _id: String, caseId: { type: String, required: true }, version: Number, amountCents: Number, allocations: [{ _id: false, invoiceId: String, amountCents: Number }], surplusCents: Number },
      { collection: 'case_instrument_payments', versionKey: false },
    ),
  );
  const payers = db.model<PayerDoc>('InstrumentPayer', new Schema<PayerDoc>({ _id: String, name: { type: String, required: true }, document: { type: String, required: true } }, { collection: 'instrument_payers', versionKey: false }));

  return {
    async find(caseId: string): Promise<CaseInstrumentsDoc | null> {
      return instruments.findById(caseId).lean<CaseInstrumentsDoc>().exec();
    },

    /**
     * Adds a version if the case's current one is still the one before it (a case's plans arrive one at a time, on
     * its debtor's partition), and indexes its txid. False: that version was added before (a repeat).
     */
    async addVersion(doc: Omit<CaseInstrumentsDoc, 'current' | 'versions'>, version: InstrumentVersionDoc): Promise<boolean> {
      // Through the driver: the documents are built here as stored, and a mongoose create per case cost more CPU than its insert.
      await insertOneIfAbsent(txids, { _id: key(doc.tenant, version.txid), caseId: doc._id, version: version.version });
      if (version.version === 1) return insertOneIfAbsent(instruments, { ...doc, current: 1, versions: [version] });
      const result = await instruments.updateOne({ _id: doc._id, current: version.version - 1 }, { $set: { current: version.version }, $push: { versions: version } });
      return result.modifiedCount === 1;
    },

    /** Claims a nosso número for a case's version; false when another case or version holds it. */
    async claimOurNumber(tenant: string, ourNumber: string, caseId: string, version: number): Promise<boolean> {
      const id = key(tenant, ourNumberKey(ourNumber));
      if (await insertOneIfAbsent(ourNumbers, { _id: id, caseId, version })) return true;
      const holder = await ourNumbers.findById(id).lean<CaseKeyDoc>().exec();
      return holder?.caseId === caseId && holder.version === version;
    },

    /**
     * The version's boleto as it stands now: the versions rewritten whole (FerretDB has no positional `$` update), from
     * `versions` as the caller holds them (it is the case's one writer, on its debtor's partition), else as read.
     * Returns the versions as written.
     */
    async setBoleto(caseId: string, version: number, boleto: CaseBoletoDoc, versions?: InstrumentVersionDoc[]): Promise<InstrumentVersionDoc[]> {
      const current = versions ?? (await instruments.findById(caseId).lean<CaseInstrumentsDoc>().exec())?.versions;
      if (!current) return [];
      const next = current.map((v) => (v.version === version ? { ...v, boleto } : v));
      await instruments.updateOne({ _id: caseId }, { $set: { versions: next } });
      return next;
    },

    async findByTxid(tenant: string, txid: string): Promise<CaseKeyDoc | null> {
      return readById<CaseKeyDoc>(txids, key(tenant, txid));
    },

    async findByOurNumber(tenant: string, ourNumber: string): Promise<CaseKeyDoc | null> {
      const normalised = ourNumberKey(ourNumber);
      return normalised ? readById<CaseKeyDoc>(ourNumbers, key(tenant, normalised)) : null;
    },

    /** The allocation first saved for this payment (a repeat keeps the first one). */
    async allocationOf(doc: CasePaymentDoc): Promise<CasePaymentDoc> {
      await insertIfAbsent(payments, doc);
      return (await payments.findById(doc._id).lean<CasePaymentDoc>().exec()) ?? doc;
    },

    async findAllocation(id: string): Promise<CasePaymentDoc | null> {
      return payments.findById(id).lean<CasePaymentDoc>().exec();
    },

    async savePayer(tenant: string, debtorId: string, payer: { name: string; document: string }): Promise<void> {
      await payers.updateOne({ _id: key(tenant, debtorId) }, { $set: payer }, { upsert: true });
    },

    async findPayer(tenant: string, debtorId: string): Promise<PayerDoc | null> {
      return payers.findById(key(tenant, debtorId)).lean<PayerDoc>().exec();
    },
  };
}

export type InstrumentStore = ReturnType<typeof createInstrumentStore>;
