import { Schema, type Connection } from 'mongoose';
import { insertManyIfAbsent, isDuplicateKeyError } from '@regua/mongo';
import type { OpenCase } from '../domain/dispatch.ts';

export interface CaseDoc {
  _id: string;
  tenant: string;
  debtorId: string;
  correlationId?: string;
  status: 'open' | 'closed';
  segment?: string;
  openedAt?: Date;
  nextStep: number;
  nextDueAt: Date | null;
  dispatch?: Omit<OpenCase, 'segment' | 'openedAt' | 'nextStep'>;
  closedAt?: Date;
  closeReason?: string;
  timeline: Array<{ at: Date; what: string }>;
}

export interface DeliveryDoc {
  _id: string;
  tenant: string;
  caseId: string;
  step: number;
  channel: string;
  address: string;
  template: string;
  text: string;
  sentAt: Date;
}

/** Notification's own collections: collection cases (its view) and the messages it delivered. */
export function createCaseStore(db: Connection) {
  const cases = db.model<CaseDoc>(
    'CollectionCase',
    new Schema<CaseDoc>(
      {
        _id: String,
        tenant: { type: String, required: true },
        debtorId: { type: String, required: true },
        correlationId: String,
        status: { type: String, required: true },
        segment: String,
        openedAt: Date,
        nextStep: { type: Number, required: true },
        nextDueAt: { type: Date, default: null },
        dispatch: Schema.Types.Mixed,
        closedAt: Date,
        closeReason: String,
        timeline: [{ _id: false, at: Date, what: String }],
      },
      // No index on status or due time: the schedule buckets (store/schedule.ts) say which cases are due.
      { collection: 'cases', versionKey: false, minimize: false },
    ),
  );
  const deliveries = db.model<DeliveryDoc>(
    'Delivery',
    new Schema<DeliveryDoc>(
      {
        _id: String,
        tenant: { type: String, required: true },
        caseId: { type: String, required: true },
        step: { type: Number, required: true },
        channel: { type: String, required: true },
        address: { type: String, required: true },
        template: { type: String, required: true },
        text: { type: String, required: true },
        sentAt: { type: Date, required: true },
      },
      { collection: 'deliveries', versionKey: false },
    ).index({ caseId: 1, step: 1 }),
  );

  return {
    /**
     * Opens the cases that do not exist yet, with one insert; returns the ids it opened. A redelivered event
     * finds its case and changes nothing (the cadence keeps its start), and a case closed before it opened
     * (the payment came first) stays closed.
     */
    async openAll(docs: Array<Omit<CaseDoc, 'closedAt' | 'closeReason'>>): Promise<Set<string>> {
      return insertManyIfAbsent(cases, docs);
    },

    async close(caseId: string, tenant: string, debtorId: string, reason: string, at: Date): Promise<void> {
      await cases.updateOne(
        { _id: caseId, status: { $ne: 'closed' } },
        { $set: { status: 'closed', closedAt: at, closeReason: reason, nextDueAt: null }, $setOnInsert: { tenant, debtorId, nextStep: 0 }, $push: { timeline: { at, what: `case closed: ${reason}` } } },
        { upsert: true },
      ).catch((error: unknown) => {
        // Already closed: the upsert's filter missed the existing document and hit its _id.
        if (!isDuplicateKeyError(error)) throw error;
      });
    },

    /** Moves the case on only if it is still open at that step, so a concurrent close always wins. */
    async advance(caseId: string, fromStep: number, nextDueAt: Date | null, note: { at: Date; what: string }): Promise<boolean> {
      const result = await cases.updateOne({ _id: caseId, status: 'open', nextStep: fromStep }, { $set: { nextStep: fromStep + 1, nextDueAt }, $push: { timeline: note } });
      return result.modifiedCount === 1;
    },

    async defer(caseId: string, fromStep: number, until: Date): Promise<void> {
      await cases.updateOne({ _id: caseId, status: 'open', nextStep: fromStep }, { $set: { nextDueAt: until } });
    },

    /** Records deliveries with one insert; returns the ids that were new (the others were delivered before a crash). */
    async recordDeliveries(docs: DeliveryDoc[]): Promise<Set<string>> {
      return insertManyIfAbsent(deliveries, docs);
    },

    /** Undoes a record whose send failed, so the step is sent again. */
    async forgetDelivery(id: string): Promise<void> {
      await deliveries.deleteOne({ _id: id });
    },

    async find(caseId: string): Promise<CaseDoc | null> {
      return cases.findById(caseId).lean<CaseDoc>().exec();
    },

    async deliveriesFor(caseId: string): Promise<DeliveryDoc[]> {
      return deliveries.find({ caseId }).sort({ step: 1 }).lean<DeliveryDoc[]>().exec();
    },
  };
}

export type CaseStore = ReturnType<typeof createCaseStore>;
