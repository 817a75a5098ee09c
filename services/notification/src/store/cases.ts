import { Schema, type Connection } from 'mongoose';
import { findByIds, forEachConcurrently, insertManyIfAbsent, isDuplicateKeyError } from '@regua/mongo';
import { cadenceFor, stepDueAt, type Segment } from '../domain/cadence.ts';
import type { OpenCase } from '../domain/dispatch.ts';

/**
 * A collection case as stored: written when it opens and when it closes, never in between. How far its cadence
 * has gone lives in its delivery records and its next due time in the schedule, both written by insert: on
 * FerretDB every update is a scan of the collection, and a case is touched at every step.
 */
export interface CaseDoc {
  _id: string;
  tenant: string;
  debtorId: string;
  correlationId?: string;
  status: 'open' | 'closed';
  segment?: string;
  openedAt?: Date;
  dispatch?: Omit<OpenCase, 'segment' | 'openedAt' | 'nextStep'>;
  closedAt?: Date;
  closeReason?: string;
  timeline: Array<{ at: Date; what: string }>;
}

/**
 * One step of one case: claimed for sending (the insert is the claim, so the step is sent by one dispatcher at a
 * time) or found unreachable. A claimed step counts as sent once its confirmation exists (`SentDoc`); records
 * written before confirmations existed say `sent` themselves.
 */
export interface DeliveryDoc {
  /** `caseId:step` */
  _id: string;
  tenant: string;
  caseId: string;
  step: number;
  outcome: 'sending' | 'sent' | 'unreachable';
  channel: string;
  address: string;
  template: string;
  text: string;
  /** When the step was claimed (or found unreachable). */
  sentAt: Date;
}

/** The provider took the message of a claimed step: written after the send, by insert (`_id` = the delivery id). */
export interface SentDoc {
  _id: string;
  caseId: string;
  sentAt: Date;
}

/** Where a claimed step stands, for a dispatcher that finds it claimed already. */
export interface StepProgress {
  claim: DeliveryDoc | null;
  sent: boolean;
}

/** What the API shows: the stored case with its progress folded in. */
export interface CaseView extends CaseDoc {
  nextStep: number;
  nextDueAt: Date | null;
}

/** What replaces a personal value in an erased document. */
export const ERASED = '[erased]';

export const deliveryId = (caseId: string, step: number) => `${caseId}:${step}`;

/** Notification's own collections: collection cases (its view) and the steps it carried out. */
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
        outcome: { type: String, required: true },
        channel: { type: String, required: true },
        address: { type: String, default: '' },
        template: { type: String, required: true },
        text: { type: String, default: '' },
        sentAt: { type: Date, required: true },
      },
      // Read by `_id` only (`caseId:step`): no secondary index to maintain on every insert.
      { collection: 'deliveries', versionKey: false },
    ),
  );
  const confirmations = db.model<SentDoc>(
    'SentConfirmation',
    new Schema<SentDoc>({ _id: String, caseId: { type: String, required: true }, sentAt: { type: Date, required: true } }, { collection: 'sent_confirmations', versionKey: false }),
  );

  /** Claims and confirmations of the given steps, read by `_id`. */
  async function progressOf(ids: string[]): Promise<Map<string, StepProgress>> {
    const [claims, sent] = await Promise.all([findByIds<DeliveryDoc>(deliveries, ids), findByIds<SentDoc>(confirmations, ids)]);
    const claimById = new Map(claims.map((c) => [c._id, c]));
    const sentIds = new Set(sent.map((c) => c._id));
    return new Map(ids.map((id) => [id, { claim: claimById.get(id) ?? null, sent: sentIds.has(id) || claimById.get(id)?.outcome === 'sent' }]));
  }

  /** The steps of one case that are done (sent and confirmed, or unreachable), read by `_id` (a cadence has a handful). */
  async function stepsOf(doc: CaseDoc): Promise<DeliveryDoc[]> {
    const count = doc.segment ? cadenceFor(doc.segment as Segment).length : 0;
    const progress = await progressOf(Array.from({ length: count }, (_, step) => deliveryId(doc._id, step)));
    return [...progress.values()].flatMap(({ claim, sent }) => {
      if (!claim) return [];
      if (claim.outcome === 'unreachable') return [claim];
      return sent ? [{ ...claim, outcome: 'sent' as const }] : [];
    });
  }

  async function close(caseId: string, tenant: string, debtorId: string, reason: string, at: Date): Promise<void> {
    await cases.updateOne(
      { _id: caseId, status: { $ne: 'closed' } },
      { $set: { status: 'closed', closedAt: at, closeReason: reason }, $setOnInsert: { tenant, debtorId }, $push: { timeline: { at, what: `case closed: ${reason}` } } },
      { upsert: true },
    ).catch((error: unknown) => {
      // Already closed: the upsert's filter missed the existing document and hit its _id.
      if (!isDuplicateKeyError(error)) throw error;
    });
  }

  return {
    /**
     * Opens the cases that do not exist yet, with one insert; returns the ids it opened. A redelivered event
     * finds its case and changes nothing (the cadence keeps its start), and a case closed before it opened
     * (the payment came first) stays closed.
     */
    async openAll(docs: CaseDoc[]): Promise<Set<string>> {
      return insertManyIfAbsent(cases, docs);
    },

    close,

    /**
     * Erasure (LGPD), by `_id`: the case is closed (or left closed, as a tombstone if it has not opened yet, so a
     * later `debtor.scored` opens nothing) and loses its dispatch data (contacts, name, amount); its steps' records
     * lose the address and the message text. Ids, segment, dates, channels and templates stay. Safe to repeat.
     */
    async erase(targets: Array<{ invoiceId: string; debtorId: string }>, tenant: string, requestId: string, at: Date): Promise<void> {
      await forEachConcurrently(targets, 8, async ({ invoiceId: caseId, debtorId }) => {
        await close(caseId, tenant, debtorId, 'personal data erased at the data subject\'s request', at);
        await cases.collection.updateOne({ _id: caseId as never }, { $unset: { dispatch: '' }, $set: { erasedAt: at, erasureRequestId: requestId } });
        const doc = await cases.findById(caseId).lean<CaseDoc>().exec();
        const steps = doc?.segment ? cadenceFor(doc.segment as Segment).length : 0;
        for (let step = 0; step < steps; step++) {
          await deliveries.collection.updateOne({ _id: deliveryId(caseId, step) as never }, { $set: { address: ERASED, text: ERASED, erasedAt: at } });
        }
      });
    },

    /** Many cases, read by `_id` (see `findByIds`: the cost follows the ids asked for, not the portfolio). */
    async findMany(caseIds: string[]): Promise<CaseDoc[]> {
      return findByIds<CaseDoc>(cases, caseIds);
    },

    /** Records steps with one insert; returns the ids that were new (the others were claimed before: a crash's first try, or another replica). */
    async recordDeliveries(docs: DeliveryDoc[]): Promise<Set<string>> {
      return insertManyIfAbsent(deliveries, docs);
    },

    /** Confirms that the provider took these steps' messages, with one insert. */
    async confirmSent(docs: SentDoc[]): Promise<void> {
      await insertManyIfAbsent(confirmations, docs);
    },

    progressOf,

    /** Undoes a claim whose send failed, so the step is sent again. */
    async forgetDelivery(id: string): Promise<void> {
      await deliveries.deleteOne({ _id: id });
    },

    /** The case with its progress: steps done, the next one, and a timeline from opening to now. */
    async find(caseId: string): Promise<CaseView | null> {
      const doc = await cases.findById(caseId).lean<CaseDoc>().exec();
      if (!doc) return null;
      const steps = await stepsOf(doc);
      const nextStep = steps.length;
      const next = doc.segment && doc.openedAt && doc.status === 'open' ? cadenceFor(doc.segment as Segment)[nextStep] : undefined;
      const done = steps.map((d) => ({ at: d.sentAt, what: d.outcome === 'sent' ? `step ${d.step}: ${d.template} sent by ${d.channel}` : `step ${d.step}: no channel reaches the debtor` }));
      const timeline = [...doc.timeline, ...done].sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
      return { ...doc, timeline, nextStep, nextDueAt: next && doc.openedAt ? stepDueAt(new Date(doc.openedAt), next) : null };
    },

    /** The messages sent for a case, step by step. */
    async deliveriesFor(caseId: string): Promise<DeliveryDoc[]> {
      const doc = await cases.findById(caseId).lean<CaseDoc>().exec();
      return doc ? (await stepsOf(doc)).filter((d) => d.outcome === 'sent') : [];
    },
  };
}

export type CaseStore = ReturnType<typeof createCaseStore>;
