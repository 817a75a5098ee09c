import { Schema, type Connection } from 'mongoose';
import { findByIds, forEachConcurrently, insertManyIfAbsent } from '@regua/mongo';
import type { EnrichedProfile } from '../domain/enrich.ts';
import type { BureauCache } from './bureau-cache.ts';

/** What replaces a personal value in an erased document. */
export const ERASED = '[erased]';

/** What the data bureau contributed to a profile: `cacheId` names its cached answer (for erasure). */
export interface BureauStatus {
  status: 'disabled' | 'not-a-person' | 'found' | 'not-found' | 'over-budget' | 'unavailable';
  cacheId?: string;
  fromCache?: boolean;
}

export interface ProfileDoc {
  _id: string;
  tenant: string;
  debtorId: string;
  profile: EnrichedProfile;
  discardedContacts: number;
  /** Absent on profiles written before the bureau. */
  bureau?: BureauStatus;
  sourceEventId: string;
  enrichedAt: Date;
}

/** Enrichment's own view: one cleaned debtor profile per invoice. */
export function createProfileStore(db: Connection, options: { bureauCache?: BureauCache } = {}) {
  const profiles = db.model<ProfileDoc>(
    'DebtorProfile',
    new Schema<ProfileDoc>(
      {
        _id: String,
        tenant: { type: String, required: true },
        debtorId: { type: String, required: true },
        profile: { type: Schema.Types.Mixed, required: true },
        discardedContacts: { type: Number, required: true },
        bureau: { type: Schema.Types.Mixed },
        sourceEventId: { type: String, required: true },
        enrichedAt: { type: Date, required: true },
      },
      { collection: 'debtor_profiles', versionKey: false, minimize: false },
    ).index({ tenant: 1, debtorId: 1 }),
  );

  return {
    /** One profile per invoice, written once: a redelivered invoice finds its profile there and leaves it. */
    async saveAll(docs: ProfileDoc[]): Promise<void> {
      await insertManyIfAbsent(profiles, docs);
    },
    /**
     * Erasure (LGPD): the debtor's name and contacts go, the UF too; ids, amounts, dates and the time zone stay. By
     * `_id`, upserted: a profile not written yet is left as a tombstone, so a registration that arrives later finds
     * it and stores nothing (profiles are written only if absent). The bureau's cached answer about the person goes
     * too (found through the profiles, by `_id`).
     */
    async erase(targets: Array<{ invoiceId: string; debtorId: string }>, tenant: string, requestId: string, at: Date): Promise<void> {
      if (options.bureauCache) {
        const stored = await findByIds<Pick<ProfileDoc, '_id' | 'bureau'>>(profiles, targets.map((t) => t.invoiceId), { projection: { bureau: 1 } });
        const cacheIds = [...new Set(stored.flatMap((doc) => (doc.bureau?.cacheId ? [doc.bureau.cacheId] : [])))];
        if (cacheIds.length > 0) await options.bureauCache.forget(cacheIds, at);
      }
      await forEachConcurrently(targets, 8, async ({ invoiceId, debtorId }) => {
        await profiles.collection.updateOne(
          { _id: invoiceId as never },
          { $set: { tenant, debtorId, 'profile.debtorName': ERASED, 'profile.contacts': { emails: [], mobilePhones: [], landlines: [] }, erasedAt: at, erasureRequestId: requestId }, $unset: { 'profile.uf': '', 'profile.city': '', 'profile.contactPoints': '' } },
          { upsert: true },
        );
      });
    },
    async find(invoiceId: string): Promise<ProfileDoc | null> {
      return profiles.findById(invoiceId).lean<ProfileDoc>().exec();
    },
  };
}

export type ProfileStore = ReturnType<typeof createProfileStore>;
