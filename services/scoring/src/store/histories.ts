import { Schema, type Connection } from 'mongoose';
import { debtorKey } from '@regua/contracts';
import { findByIds, forEachConcurrently, insertManyIfAbsent, isDuplicateKeyError } from '@regua/mongo';
import { COUNTER_OF, NO_AGREEMENTS, summariseAgreements, type AgreementFact, type AgreementStatus } from '../domain/agreements.ts';
import { NO_ENGAGEMENT, summariseOutcomes, type ContactOutcome, type MessageStatus } from '../domain/engagement.ts';
import { EMPTY_HISTORY, type DebtorHistory, type PaymentFact } from '../domain/features.ts';
import { oneAtATime } from '@regua/mongo';

/**
 * Contact ids kept per status, newest last: an event of a contact among them is a redelivery and counts nothing.
 * One whose contact has dropped out (this many newer ones of its status since) would count again.
 */
const CONTACTS_SEEN_KEPT = 100;
/** Agreement keys kept per status, newest last, as contacts are (a debtor with more agreements than this is rare). */
const AGREEMENTS_SEEN_KEPT = 100;
/** Guarded writes of one debtor's counts before the batch fails (and is retried by the consumer). */
const GUARDED_ATTEMPTS = 3;

interface HistoryDoc extends Partial<DebtorHistory> {
  _id: string;
  tenant: string;
  debtorId: string;
  /** The latest contact ids counted, per status: only for counting once, so never read for scoring. */
  contactsSeen?: Partial<Record<MessageStatus, string[]>>;
  /** The latest agreement keys counted, per status: likewise. */
  agreementsSeen?: Partial<Record<AgreementStatus, string[]>>;
}

/** The seen ids left out of the reads for scoring (not of `findOneAndUpdate`'s: FerretDB 1 has no projection there). */
const WITHOUT_SEEN = { contactsSeen: 0, agreementsSeen: 0 } as const;

const complete = (doc: HistoryDoc | null | undefined): DebtorHistory => ({
  invoiceIds: doc?.invoiceIds ?? [],
  closedInvoiceIds: doc?.closedInvoiceIds ?? [],
  payments: doc?.payments ?? [],
  agreements: { ...NO_AGREEMENTS, ...doc?.agreements },
  engagement: { ...NO_ENGAGEMENT, ...doc?.engagement },
});

/**
 * `debtor_histories`: one document per debtor of a creditor (`_id` = `tenant:debtorId`), grown only with
 * `$addToSet`, so a redelivered event changes nothing and events of different topics may arrive in any order;
 * message engagement and agreements are counted, each contact or agreement once per status (`recordOutcomes`,
 * `recordAgreements`). Eleven topics write here, so the updates of one debtor's document are run one at a time
 * (`oneAtATime`: FerretDB 1.x would lose one of two at once).
 */
export function createHistoryStore(db: Connection) {
  const model = db.model<HistoryDoc>('DebtorHistory', new Schema<HistoryDoc>({ _id: String, tenant: String, debtorId: String }, { collection: 'debtor_histories', versionKey: false, strict: false }));
  const histories = model.collection;
  const serially = oneAtATime();
  const upsert = (tenant: string, debtorId: string, update: Record<string, unknown>) => {
    const _id = debtorKey(tenant, debtorId);
    return serially(_id, () => histories.findOneAndUpdate({ _id } as never, { $setOnInsert: { tenant, debtorId }, ...update }, { upsert: true, returnDocument: 'after' }) as Promise<HistoryDoc | null>);
  };
  /**
   * Counts `ids` into one debtor's document once each, guarded by "none of these seen yet" on the list at `seen`
   * (`contactsSeen.read`): when the guard fails (a redelivery: the upsert then collides on `_id`), the seen ids are
   * read and only those not among them counted. `count(n)` is the rest of the update for n fresh ids.
   */
  async function countOnce(key: { _id: string; tenant: string; debtorId: string }, seen: { path: string; kept: number }, ids: readonly string[], count: (n: number) => Record<string, unknown>): Promise<void> {
    const { _id, tenant, debtorId } = key;
    let fresh = [...ids];
    for (let attempt = 1; fresh.length > 0; attempt++) {
      try {
        const update = { $setOnInsert: { tenant, debtorId }, $push: { [seen.path]: { $each: fresh, $slice: -seen.kept } }, ...count(fresh.length) };
        await histories.updateOne({ _id, [seen.path]: { $nin: fresh } } as never, update as never, { upsert: true });
        return;
      } catch (error) {
        if (!isDuplicateKeyError(error) || attempt === GUARDED_ATTEMPTS) throw error;
        const doc = (await histories.findOne({ _id } as never, { projection: { [seen.path]: 1 } })) as Record<string, Record<string, string[]> | undefined> | null;
        const [group, status] = seen.path.split('.') as [string, string];
        const counted = new Set(doc?.[group]?.[status] ?? []);
        fresh = fresh.filter((id) => !counted.has(id));
      }
    }
  }

  /** One debtor's outcomes of one status: each contact counted once; reads also move the last read and the channels read. */
  function recordOneDebtor(key: { _id: string; tenant: string; debtorId: string }, status: MessageStatus, outcomes: readonly ContactOutcome[]): Promise<void> {
    const { contactIds, latestAt, channels } = summariseOutcomes(outcomes);
    const reads = status === 'read' && latestAt ? { $max: { 'engagement.lastReadAt': latestAt }, $addToSet: { 'engagement.channelsRead': { $each: channels } } } : {};
    return countOnce(key, { path: `contactsSeen.${status}`, kept: CONTACTS_SEEN_KEPT }, contactIds, (n) => ({ $inc: { [`engagement.${status}`]: n }, ...reads }));
  }

  return {
    /** Histories of many debtors by `_id`; a debtor without one gets the empty history and `known` false. */
    async getMany(keys: ReadonlyArray<{ tenant: string; debtorId: string }>): Promise<Map<string, DebtorHistory & { known: boolean }>> {
      const ids = keys.map((k) => debtorKey(k.tenant, k.debtorId));
      const found = await findByIds<HistoryDoc>(model, ids, { projection: WITHOUT_SEEN });
      const byId = new Map(found.map((doc) => [doc._id, complete(doc)]));
      return new Map(ids.map((id) => [id, { ...(byId.get(id) ?? EMPTY_HISTORY), known: byId.has(id) }]));
    },
    /**
     * Invoices scored for each debtor. Debtors the caller found without a history (`known` false: most of a first
     * portfolio load) get theirs with one `insertMany`; the others, and any another replica created meanwhile, one
     * `$addToSet` upsert by `_id` each. On FerretDB an update costs what a point read does, an insert far less.
     */
    async addInvoices(entries: ReadonlyArray<{ tenant: string; debtorId: string; invoiceIds: string[]; known: boolean }>): Promise<void> {
      const fresh = entries.filter((e) => !e.known);
      const inserted = await insertManyIfAbsent(model, fresh.map(({ tenant, debtorId, invoiceIds }) => ({ _id: debtorKey(tenant, debtorId), tenant, debtorId, invoiceIds })));
      const rest = entries.filter((e) => e.known || !inserted.has(debtorKey(e.tenant, e.debtorId)));
      await forEachConcurrently(rest, 8, async ({ tenant, debtorId, invoiceIds }) => {
        await upsert(tenant, debtorId, { $addToSet: { invoiceIds: { $each: invoiceIds } } });
      });
    },
    /** A payment: kept (the same fact twice is one), and its invoice closed when settled. Returns the history after it. */
    async recordPayment(tenant: string, debtorId: string, payment: PaymentFact): Promise<DebtorHistory> {
      const addToSet: Record<string, unknown> = { payments: payment };
      if (payment.settled) addToSet.closedInvoiceIds = payment.invoiceId;
      return complete(await upsert(tenant, debtorId, { $addToSet: addToSet }));
    },
    /**
     * Payment-reconciliation's agreement events of one status for each debtor: every agreement (every installment,
     * by `agreementId#number`) counted once, broken ones also moving the last broken on. One guarded update by `_id`
     * per debtor, debtors concurrently.
     */
    async recordAgreements(status: AgreementStatus, entries: ReadonlyArray<{ tenant: string; debtorId: string; agreements: readonly AgreementFact[] }>): Promise<void> {
      await forEachConcurrently(entries, 8, async ({ tenant, debtorId, agreements }) => {
        const _id = debtorKey(tenant, debtorId);
        const { keys, latestAt } = summariseAgreements(agreements);
        const broken = status === 'broken' && latestAt ? { $max: { 'agreements.lastBrokenAt': latestAt } } : {};
        await serially(_id, () => countOnce({ _id, tenant, debtorId }, { path: `agreementsSeen.${status}`, kept: AGREEMENTS_SEEN_KEPT }, keys, (n) => ({ $inc: { [`agreements.${COUNTER_OF[status]}`]: n }, ...broken })));
      });
    },
    /**
     * Notification's outcomes of one status for each debtor: every contact counted once, reads also moving the last
     * read and the channels read on. One guarded update by `_id` per debtor, debtors concurrently.
     */
    async recordOutcomes(status: MessageStatus, entries: ReadonlyArray<{ tenant: string; debtorId: string; outcomes: readonly ContactOutcome[] }>): Promise<void> {
      await forEachConcurrently(entries, 8, async ({ tenant, debtorId, outcomes }) => {
        const _id = debtorKey(tenant, debtorId);
        await serially(_id, () => recordOneDebtor({ _id, tenant, debtorId }, status, outcomes));
      });
    },
    /** Invoices no longer scored (erased). */
    async closeInvoices(tenant: string, debtorId: string, invoiceIds: string[]): Promise<void> {
      await upsert(tenant, debtorId, { $addToSet: { closedInvoiceIds: { $each: invoiceIds } } });
    },
  };
}

export type HistoryStore = ReturnType<typeof createHistoryStore>;
