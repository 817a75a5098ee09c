import { Schema, type Connection } from 'mongoose';
import type { Invoice } from '@regua/contracts';
import { RetriableError } from '@regua/errors';
import type { IngestionModels, InvoiceDoc } from './models.ts';

export type DataSubjectRequestKind = 'export' | 'erasure';

/** Who asked: the tenant the credentials belong to, and which kind of credentials they were. */
export interface Actor {
  tenant: string;
  credential: 'api-key' | 'signature';
}

/** One line of the audit trail: written once, never updated or deleted. Holds no tax id, name or contact. */
export interface AuditEntry {
  _id: string;
  at: Date;
  action: 'data-subject.export' | 'data-subject.erasure';
  tenant: string;
  actor: Actor;
  requestId: string;
  reason: string;
  /** Documents the request returned or anonymised here. */
  documents: number;
  invoiceIds: string[];
}

/** A data-subject request and where it stands in ingestion (`_id` = request id). */
export interface DataSubjectRequestDoc {
  _id: string;
  tenant: string;
  kind: DataSubjectRequestKind;
  reason: string;
  requestedAt: Date;
  invoiceIds: string[];
  /** Erasure: events the request was published as (0 when the person had no invoices). */
  parts: number;
  status: 'received' | 'done';
  completedAt?: Date;
}

/** Anonymisation races a concurrent submission at most this many times before giving up (retried by the caller). */
const MAX_CONFLICT_ROUNDS = 5;

/** Ingestion's data-subject collections (`audit_log`, `data_subject_requests`) and the invoice reads and writes they need. */
export function createDataSubjectStore(models: IngestionModels) {
  const db: Connection = models.db;
  const audit = db.model<AuditEntry>(
    'AuditEntry',
    new Schema<AuditEntry>(
      {
        _id: String,
        at: { type: Date, required: true },
        action: { type: String, required: true },
        tenant: { type: String, required: true },
        actor: { type: Schema.Types.Mixed, required: true },
        requestId: { type: String, required: true },
        reason: { type: String, required: true },
        documents: { type: Number, required: true },
        invoiceIds: { type: [String], default: [] },
      },
      { collection: 'audit_log', versionKey: false },
    ),
  );
  const requests = db.model<DataSubjectRequestDoc>(
    'DataSubjectRequest',
    new Schema<DataSubjectRequestDoc>(
      {
        _id: String,
        tenant: { type: String, required: true },
        kind: { type: String, required: true },
        reason: { type: String, required: true },
        requestedAt: { type: Date, required: true },
        invoiceIds: { type: [String], default: [] },
        parts: { type: Number, default: 0 },
        status: { type: String, required: true },
        completedAt: Date,
      },
      { collection: 'data_subject_requests', versionKey: false },
    ),
  );

  return {
    /**
     * The tenant's invoices whose debtor has this tax id (normalised digits). A scan of the invoices collection (no
     * index on the tax id, so that the invoice hot path writes nothing more): rare, audited requests only.
     */
    async invoicesOfTaxId(tenant: string, taxIdNumber: string): Promise<InvoiceDoc[]> {
      return models.invoices.find({ tenant, 'invoice.debtor.taxId.number': taxIdNumber }).lean<InvoiceDoc[]>().exec();
    },

    /**
     * Replaces an invoice's content by `anonymise(content)`, on the version read (a concurrent submission wins and
     * the invoice is read again by `_id`). False if the invoice is gone.
     */
    async anonymiseInvoice(doc: InvoiceDoc, anonymise: (invoice: Invoice) => Invoice, requestId: string, at: Date): Promise<boolean> {
      let current: InvoiceDoc | null = doc;
      for (let round = 0; current; round++) {
        if (round === MAX_CONFLICT_ROUNDS) throw new RetriableError(`invoice ${doc._id} kept changing while it was anonymised: ask again`);
        const result = await models.invoices.collection.updateOne({ _id: current._id as never, lastEventId: current.lastEventId }, { $set: { invoice: anonymise(current.invoice as unknown as Invoice), erasedAt: at, erasureRequestId: requestId } });
        if (result.matchedCount === 1) return true;
        current = await models.invoices.findById(doc._id).lean<InvoiceDoc>().exec();
      }
      return false;
    },

    /** Insert only: the audit trail is never updated or deleted by Régua. */
    async appendAudit(entry: AuditEntry): Promise<void> {
      await audit.collection.insertOne(entry as never);
    },

    async recordRequest(doc: DataSubjectRequestDoc): Promise<void> {
      await requests.collection.insertOne(doc as never);
    },

    async completeRequest(requestId: string, at: Date): Promise<void> {
      await requests.updateOne({ _id: requestId }, { $set: { status: 'done', completedAt: at } });
    },

    async findRequest(requestId: string): Promise<DataSubjectRequestDoc | null> {
      return requests.findById(requestId).lean<DataSubjectRequestDoc>().exec();
    },
  };
}

export type DataSubjectStore = ReturnType<typeof createDataSubjectStore>;
