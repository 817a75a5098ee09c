import { createHash } from 'node:crypto';
import { Schema, type Connection } from 'mongoose';
import { findByIds, forEachConcurrently, insertManyIfAbsent, oneAtATime } from '@regua/mongo';
import type { Channel } from '../domain/channel.ts';
import { COLLECTION_STEPS, type AgreementInstallment, type CaseInvoice, type Reach } from '../domain/plan.ts';

/**
 * A collection case: one debtor's open invoices with one creditor, worked as one conversation. Written by the
 * consumers when invoices join or change (`$set` of the invoices under the case's `version`, so two writers never
 * lose each other's change) and by the dispatcher as steps are settled (`$addToSet`, atomic, no version needed).
 */
export interface CaseDoc {
  _id: string;
  tenant: string;
  debtorId: string;
  creditor: { name: string; cnpj?: string | undefined };
  correlationId?: string;
  status: 'open' | 'closed';
  openedAt: Date;
  closedAt?: Date;
  closeReason?: string;
  /** Incremented by every change of `invoices`, `status` or `profile`. */
  version: number;
  strategy: string;
  /** `champion`, a challenger's name, or `holdout` (the strategy's control group: no automated contact). */
  arm: string;
  /** The cadence the case follows (null on holdout), at the version it started with. */
  cadenceId: string | null;
  cadenceVersion: number;
  /** How many times the case was moved to another cadence or version (plan.ts, COLLECTION_STEPS); 0 or absent: never. */
  cadenceGeneration?: number;
  movedAt?: Date;
  invoices: CaseInvoice[];
  profile: DebtorProfile;
  /** Steps of the cadence carried out or skipped (by index); their records say how. */
  settledSteps: number[];
  /**
   * The case's current agreement (payment-reconciliation's `agreement.created`): while active, the collection
   * cadence is suspended and the installments cadence reminds of each installment; broken, collection resumes.
   */
  agreement?: CaseAgreement | null;
  /**
   * Régua's own Pix and boleto for the case's open amount (payment-reconciliation's `case.instruments-issued`); messages
   * quote them in preference to the creditor's instruments for one invoice.
   */
  issuedInstruments?: { version: number; amountCents: number; dueDate: string; pixCopyPaste: string; boletoDigitableLine?: string | undefined } | null;
  /** Contacts the provider reported failed (`caseId:step:channel`): that channel is not used again for that step. */
  failedContacts?: string[];
  /** Set while an operator or a rule holds the case (a dispute): nothing is sent. */
  paused?: { reason: string; at: Date } | null;
  escalatedAt?: Date;
  timeline: Array<{ at: Date; what: string }>;
}

export interface CaseAgreement {
  agreementId: string;
  /** The case's n-th agreement: its reminders' step numbers are its own (plan.ts, AGREEMENT_STEPS). */
  generation: number;
  status: 'active' | 'broken' | 'settled';
  invoiceIds: string[];
  cadenceId: string;
  cadenceVersion: number;
  installments: AgreementInstallment[];
}

export interface DebtorProfile {
  debtorName: string;
  uf?: string | undefined;
  /** The municipality, for municipal holidays in the tenant's calendars. */
  city?: string | undefined;
  timeZone?: string | undefined;
  contacts: Reach;
  /** The creditor's boleto and Pix for the anchor invoice, when it sent them. */
  paymentInstruments?: { boletoDigitableLine?: string | undefined; pixCopyPaste?: string | undefined } | undefined;
}

/** One contact: a step of a case on one channel. The insert is the claim (so it is sent by one dispatcher at a time). */
export interface DeliveryDoc {
  /** `caseId:step:channel` */
  _id: string;
  tenant: string;
  caseId: string;
  /**
   * The case's debtor and correlation id, so a receipt for the contact is told without reading the case; absent on
   * contacts claimed before they were kept here (their case is read).
   */
  debtorId?: string;
  correlationId?: string;
  step: number;
  stepId: string;
  outcome: 'sending' | 'sent';
  channel: Channel;
  fallbackFor?: Channel | undefined;
  address: string;
  template: string;
  /** The cadence the step belongs to (the installments cadence for an agreement's reminders). */
  cadenceId?: string;
  subject?: string | undefined;
  text: string;
  invoiceIds: string[];
  amountCents: number;
  arm: string;
  /** When it was claimed. */
  sentAt: Date;
}

/** How a step was settled: sent (on which channels), or skipped and why. `_id` = `caseId:step`. */
export interface StepRecord {
  _id: string;
  caseId: string;
  step: number;
  stepId: string;
  outcome: 'sent' | 'skipped' | 'unreachable';
  reason?: string;
  channels: Channel[];
  at: Date;
}

/** The provider took a contact's message: written after the send, by insert (`_id` = the contact id). */
export interface SentDoc {
  _id: string;
  caseId: string;
  sentAt: Date;
}

export interface StepProgress {
  claim: DeliveryDoc | null;
  sent: boolean;
}

/** What replaces a personal value in an erased document. */
export const ERASED = '[erased]';

/** A cadence has at most this many steps (cadence-spec.ts). */
const MAX_STEPS = 30;

export const contactId = (caseId: string, step: number, channel: Channel) => `${caseId}:${step}:${channel}`;
export const stepRecordId = (caseId: string, step: number) => `${caseId}:${step}`;

/**
 * A case's id from tenant, creditor and debtor: stable, so every replica and every redelivery lands on the same
 * case, and opaque (it is in URLs and logs; the debtor's id at the creditor is personal data).
 */
export function caseIdFor(tenant: string, creditorKey: string, debtorId: string): string {
  return 'case-' + createHash('sha256').update(`${tenant}\u0000${creditorKey}\u0000${debtorId}`).digest('base64url').slice(0, 22);
}

/**
 * What settling steps may also say: an escalation, and which line of the timeline tells a step sent (`sentLine`,
 * also in the timeline given): it is kept only while that step is unsettled.
 */
export interface SettleExtra {
  escalatedAt?: Date;
  sentLine?: { step: number; entry: CaseDoc['timeline'][number] };
}

/** Notification's own collections: cases, which case each invoice belongs to, contacts, step records. */
export function createCaseStore(db: Connection) {
  const cases = db.model<CaseDoc>(
    'CollectionCase',
    // Read and written by `_id` only: the schedule buckets (store/schedule.ts) say which cases are due.
    new Schema<CaseDoc>({ _id: String }, { collection: 'cases', versionKey: false, minimize: false, strict: false }),
  );
  const invoiceCases = db.model<{ _id: string; caseId: string; tenant: string }>(
    'InvoiceCase',
    new Schema({ _id: String, caseId: { type: String, required: true }, tenant: String }, { collection: 'invoice_cases', versionKey: false }),
  );
  const deliveries = db.model<DeliveryDoc>('Delivery', new Schema<DeliveryDoc>({ _id: String }, { collection: 'deliveries', versionKey: false, strict: false }));
  const steps = db.model<StepRecord>('StepRecord', new Schema<StepRecord>({ _id: String }, { collection: 'case_steps', versionKey: false, strict: false }));
  const confirmations = db.model<SentDoc>('SentConfirmation', new Schema<SentDoc>({ _id: String }, { collection: 'sent_confirmations', versionKey: false, strict: false }));

  async function progressOf(ids: string[]): Promise<Map<string, StepProgress>> {
    const [claims, sent] = await Promise.all([findByIds<DeliveryDoc>(deliveries, ids), findByIds<SentDoc>(confirmations, ids)]);
    const claimById = new Map(claims.map((c) => [c._id, c]));
    const sentIds = new Set(sent.map((c) => c._id));
    return new Map(ids.map((id) => [id, { claim: claimById.get(id) ?? null, sent: sentIds.has(id) || claimById.get(id)?.outcome === 'sent' }]));
  }

  // Every write of a case goes through `serially`: FerretDB 1.x would lose one of two concurrent updates of a case
  // (the consumer's, the dispatcher's and a receipt's), the version check included (see oneAtATime).
  const serially = oneAtATime();

  async function updateVersioned(doc: CaseDoc, expectedVersion: number, newTimeline: CaseDoc['timeline']): Promise<boolean> {
    const set: Partial<CaseDoc> = {
      invoices: doc.invoices,
      status: doc.status,
      profile: doc.profile,
      version: expectedVersion + 1,
      paused: doc.paused ?? null,
      agreement: doc.agreement ?? null,
      issuedInstruments: doc.issuedInstruments ?? null,
      strategy: doc.strategy,
      arm: doc.arm,
      cadenceId: doc.cadenceId,
      cadenceVersion: doc.cadenceVersion,
      cadenceGeneration: doc.cadenceGeneration ?? 0,
      ...(doc.movedAt ? { movedAt: doc.movedAt } : {}),
    };
    if (doc.closedAt) Object.assign(set, { closedAt: doc.closedAt, closeReason: doc.closeReason });
    const result = await cases.collection.updateOne({ _id: doc._id as never, version: expectedVersion }, { $set: set, ...(newTimeline.length > 0 ? { $push: { timeline: { $each: newTimeline } } } : {}) } as never);
    return result.matchedCount === 1;
  }

  async function settleSteps(caseId: string, stepIndexes: number[], timeline: CaseDoc['timeline'], extra: SettleExtra): Promise<void> {
    const update = (lines: CaseDoc['timeline']) => ({ $addToSet: { settledSteps: { $each: stepIndexes } }, ...(lines.length > 0 ? { $push: { timeline: { $each: lines } } } : {}), ...(extra.escalatedAt ? { $set: { escalatedAt: extra.escalatedAt } } : {}) });
    if (extra.sentLine) {
      // Told once: settled with its line in one write while the step is unsettled (the usual case); a dispatch that
      // finds it settled already (another one sent it just before) settles the rest without the line.
      const told = await cases.collection.updateOne({ _id: caseId as never, settledSteps: { $ne: extra.sentLine.step } } as never, update(timeline) as never);
      if (told.matchedCount === 1) return;
      timeline = timeline.filter((line) => line !== extra.sentLine!.entry);
    }
    await cases.collection.updateOne({ _id: caseId as never }, update(timeline) as never);
  }

  return {
    /** Cases by `_id` (see `findByIds`: the cost follows the ids asked for, not the portfolio). */
    async findMany(caseIds: string[]): Promise<CaseDoc[]> {
      return findByIds<CaseDoc>(cases, caseIds);
    },

    async find(caseId: string): Promise<CaseDoc | null> {
      return cases.findById(caseId).lean<CaseDoc>().exec();
    },

    /** A case by its id, or the case an invoice is in. */
    async caseOf(id: string): Promise<CaseDoc | null> {
      const direct = await cases.findById(id).lean<CaseDoc>().exec();
      if (direct) return direct;
      const caseId = (await invoiceCases.findById(id).lean<{ caseId: string }>().exec())?.caseId;
      return caseId ? cases.findById(caseId).lean<CaseDoc>().exec() : null;
    },

    /** Which case each invoice is in (absent: not in any yet). */
    async caseIdsOf(invoiceIds: string[]): Promise<Map<string, string>> {
      const found = await findByIds<{ _id: string; caseId: string }>(invoiceCases, invoiceIds);
      return new Map(found.map((f) => [f._id, f.caseId]));
    },

    /** Records which case invoices are in, with one insert (an invoice never changes case). */
    async linkInvoices(links: Array<{ invoiceId: string; caseId: string; tenant: string }>): Promise<void> {
      await insertManyIfAbsent(invoiceCases, links.map((l) => ({ _id: l.invoiceId, caseId: l.caseId, tenant: l.tenant })));
    },

    /** Opens cases with one insert; returns the ids that were new (the others exist: the caller updates them instead). */
    async openAll(docs: CaseDoc[]): Promise<Set<string>> {
      return insertManyIfAbsent(cases, docs);
    },

    /**
     * Writes a case's new invoices, status and profile if nobody changed it since it was read (`version`); false
     * when somebody did (the caller reads it again and reapplies its change).
     */
    async update(doc: CaseDoc, expectedVersion: number, newTimeline: CaseDoc['timeline']): Promise<boolean> {
      return serially(doc._id, () => updateVersioned(doc, expectedVersion, newTimeline));
    },

    /** Marks steps settled and adds to the timeline (atomic on MongoDB; one at a time per case here, for FerretDB). */
    async settle(caseId: string, stepIndexes: number[], timeline: CaseDoc['timeline'], extra: SettleExtra = {}): Promise<void> {
      await serially(caseId, () => settleSteps(caseId, stepIndexes, timeline, extra));
    },

    /**
     * A contact the provider reported failed: its step is open again (so the dispatcher sends it on the step's
     * fallback channel, inside the contact window and caps) and that channel is not used again for the step.
     */
    async reopenStep(caseId: string, step: number, failedContactId: string, timeline: CaseDoc['timeline']): Promise<void> {
      await serially(caseId, () => cases.collection.updateOne({ _id: caseId as never }, { $pull: { settledSteps: step }, $addToSet: { failedContacts: failedContactId }, $push: { timeline: { $each: timeline } } } as never));
    },

    /** Records how steps were settled, with one insert (a step recorded before keeps its record). */
    async recordSteps(records: StepRecord[]): Promise<void> {
      const fresh = await insertManyIfAbsent(steps, records);
      // A step sent again (on a fallback after a failure receipt) adds its channels to the record it has.
      const again = records.filter((r) => !fresh.has(r._id) && r.outcome === 'sent');
      await forEachConcurrently(again, 8, async (r) => {
        await steps.collection.updateOne({ _id: r._id as never }, { $addToSet: { channels: { $each: r.channels } }, $set: { outcome: 'sent' } } as never);
      });
    },

    async stepRecordsAt(caseId: string, stepIndexes: number[]): Promise<StepRecord[]> {
      return findByIds<StepRecord>(steps, stepIndexes.map((step) => stepRecordId(caseId, step)));
    },

    async stepRecords(caseId: string, count: number): Promise<StepRecord[]> {
      return findByIds<StepRecord>(steps, Array.from({ length: count }, (_, i) => stepRecordId(caseId, i)));
    },

    /** Claims contacts with one insert; returns the ids that were new (the others were claimed before: a crash's first try, or another replica). */
    async recordDeliveries(docs: DeliveryDoc[]): Promise<Set<string>> {
      return insertManyIfAbsent(deliveries, docs);
    },

    async confirmSent(docs: SentDoc[]): Promise<void> {
      await insertManyIfAbsent(confirmations, docs);
    },

    progressOf,

    /** Undoes a claim whose send failed, so the contact is sent again (or by a fallback channel). */
    async forgetDelivery(id: string): Promise<void> {
      await deliveries.deleteOne({ _id: id });
    },

    async delivery(id: string): Promise<DeliveryDoc | null> {
      return deliveries.findById(id).lean<DeliveryDoc>().exec();
    },

    /**
     * The messages sent for a case (found by its id or one of its invoices'), step by step: the step records say
     * which steps went out on which channels, then those contacts are read by `_id`.
     */
    async deliveriesFor(id: string): Promise<DeliveryDoc[]> {
      const doc = (await cases.findById(id).lean<CaseDoc>().exec()) ?? null;
      const caseId = doc ? id : (await invoiceCases.findById(id).lean<{ caseId: string }>().exec())?.caseId;
      if (!caseId) return [];
      const generations = ((doc ?? (await cases.findById(caseId).lean<CaseDoc>().exec()))?.cadenceGeneration ?? 0) + 1;
      const indexes = Array.from({ length: generations }, (_, g) => Array.from({ length: MAX_STEPS }, (_, i) => g * COLLECTION_STEPS + i)).flat();
      const records = await findByIds<StepRecord>(steps, indexes.map((i) => stepRecordId(caseId, i)));
      const ids = records.filter((r) => r.outcome === 'sent').sort((a, b) => a.step - b.step).flatMap((r) => r.channels.map((channel) => contactId(caseId, r.step, channel)));
      const progress = await progressOf(ids);
      return ids.flatMap((cid) => {
        const { claim, sent } = progress.get(cid)!;
        return claim && sent ? [{ ...claim, outcome: 'sent' as const }] : [];
      });
    },

    /** The contacts of a case's steps on the channels given, sent and confirmed. */
    async deliveriesOf(caseId: string, stepCount: number, channels: readonly Channel[]): Promise<DeliveryDoc[]> {
      const ids = Array.from({ length: stepCount }, (_, step) => channels.map((channel) => contactId(caseId, step, channel))).flat();
      const progress = await progressOf(ids);
      return [...progress.values()].flatMap(({ claim, sent }) => (claim && sent ? [{ ...claim, outcome: 'sent' as const }] : []));
    },

    /**
     * Erasure (LGPD), by `_id`: the debtor's cases lose their profile (name, contacts, instruments) and are closed;
     * their contacts lose address and text. Ids, dates, channels and templates stay. Safe to repeat.
     */
    async erase(caseIds: string[], at: Date, requestId: string, stepCount: (doc: CaseDoc) => number): Promise<void> {
      await forEachConcurrently([...new Set(caseIds)], 8, async (caseId) => {
        const doc = await cases.findById(caseId).lean<CaseDoc>().exec();
        if (!doc) return;
        await serially(caseId, () => cases.collection.updateOne(
          { _id: caseId as never },
          {
            $set: { status: 'closed', closedAt: doc.closedAt ?? at, closeReason: doc.closeReason ?? "personal data erased at the data subject's request", profile: { debtorName: ERASED, contacts: { emails: [], mobilePhones: [], landlines: [] } }, erasedAt: at, erasureRequestId: requestId },
            $inc: { version: 1 },
            $push: { timeline: { at, what: "personal data erased at the data subject's request" } },
          } as never,
        ));
        const ids = Array.from({ length: stepCount(doc) }, (_, step) => (['email', 'sms', 'whatsapp', 'voice'] as const).map((channel) => contactId(caseId, step, channel))).flat();
        await forEachConcurrently(ids, 8, async (id) => {
          await deliveries.collection.updateOne({ _id: id as never }, { $set: { address: ERASED, text: ERASED, erasedAt: at } });
        });
      });
    },
  };
}

export type CaseStore = ReturnType<typeof createCaseStore>;
