import type { Connection } from 'mongoose';
import { findByIds, forEachConcurrently, insertManyIfAbsent, isDuplicateKeyError, mongoose } from '@regua/mongo';
import type { Channel } from '../domain/channel.ts';

/**
 * What notification knows of a debtor across all of a tenant's creditors, one document per debtor (`tenant:debtorId`):
 * recent contacts (frequency caps count across cases and channels), opt-outs per channel, and consent records.
 * Read once per case dispatched, written by `_id` with atomic operators.
 */
export interface DebtorContactDoc {
  _id: string;
  tenant: string;
  debtorId: string;
  recent: Array<{ at: Date; channel: Channel; caseId: string; step?: number }>;
  optOuts: Partial<Record<Channel, { at: Date; source: string }>>;
  consents: Array<{ at: Date; channel: Channel; granted: boolean; source: string }>;
}

/** A contact to count for a debtor; `known`: the debtor's document was found when the dispatch read it. */
export interface ContactToCount {
  tenant: string;
  debtorId: string;
  known: boolean;
  contact: { at: Date; channel: Channel; caseId: string; step: number };
}

/** Contacts kept for the caps: more than any weekly cap needs. */
const RECENT_KEPT = 30;

export const debtorDocId = (tenant: string, debtorId: string) => `${tenant}:${debtorId}`;

export function createDebtorContactStore(db: Connection) {
  const model = db.models.DebtorContact ?? db.model<DebtorContactDoc>('DebtorContact', new mongoose.Schema<DebtorContactDoc>({ _id: String }, { collection: 'debtor_contacts', versionKey: false, strict: false }));
  const collection = model.collection;

  async function upsert(tenant: string, debtorId: string, update: Record<string, unknown>): Promise<void> {
    const write = () => collection.updateOne({ _id: debtorDocId(tenant, debtorId) as never }, { ...update, $setOnInsert: { tenant, debtorId } }, { upsert: true });
    try {
      await write();
    } catch (error) {
      // Two first writes for one debtor at once: one inserts, the other's upsert hits its _id (MongoDB retries this
      // itself; FerretDB does not). The document exists now, so the second try is a plain update.
      if (!isDuplicateKeyError(error)) throw error;
      await write();
    }
  }

  return {
    async findMany(ids: string[]): Promise<Map<string, DebtorContactDoc>> {
      const found = await findByIds<DebtorContactDoc>(model as never, ids);
      return new Map(found.map((d) => [d._id, d]));
    },

    async find(tenant: string, debtorId: string): Promise<DebtorContactDoc | null> {
      return (await collection.findOne({ _id: debtorDocId(tenant, debtorId) as never })) as DebtorContactDoc | null;
    },

    /**
     * Counts contacts toward the caps. Debtors the caller found without a document (`known` false: a first contact)
     * get theirs in one insert; the others, and one another dispatcher created meanwhile, a `$push` by `_id` each.
     * On FerretDB an upsert is a read and a write, an insert far less.
     */
    async recordContacts(entries: readonly ContactToCount[]): Promise<void> {
      const byDebtor = [...Map.groupBy(entries, (e) => debtorDocId(e.tenant, e.debtorId)).entries()].map(([_id, group]) => ({ _id, tenant: group[0]!.tenant, debtorId: group[0]!.debtorId, known: group.some((e) => e.known), contacts: group.map((e) => e.contact) }));
      const fresh = byDebtor.filter((d) => !d.known).map(({ _id, tenant, debtorId, contacts }) => ({ _id, tenant, debtorId, recent: contacts.slice(-RECENT_KEPT), optOuts: {}, consents: [] }));
      const inserted = await insertManyIfAbsent(model as never, fresh);
      await forEachConcurrently(
        byDebtor.filter((d) => !inserted.has(d._id)),
        8,
        async ({ tenant, debtorId, contacts }) => upsert(tenant, debtorId, { $push: { recent: { $each: contacts, $slice: -RECENT_KEPT } } }),
      );
    },

    /** The debtor asked not to be contacted on a channel: honoured from the next dispatch on. */
    async optOut(tenant: string, debtorId: string, channel: Channel, source: string, at: Date): Promise<void> {
      await upsert(tenant, debtorId, { $set: { [`optOuts.${channel}`]: { at, source } }, $push: { consents: { at, channel, granted: false, source } } });
    },

    /** The debtor agreed again to a channel (recorded as consent; clears the opt-out). */
    async optIn(tenant: string, debtorId: string, channel: Channel, source: string, at: Date): Promise<void> {
      await upsert(tenant, debtorId, { $unset: { [`optOuts.${channel}`]: '' }, $push: { consents: { at, channel, granted: true, source } } });
    },
  };
}

export type DebtorContactStore = ReturnType<typeof createDebtorContactStore>;
