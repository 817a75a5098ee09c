import { Schema, type Connection } from 'mongoose';
import { forEachConcurrently, insertManyIfAbsent } from '@regua/mongo';
import type { EnrichedProfile } from '../domain/enrich.ts';

/** What replaces a personal value in an erased document. */
export const ERASED = '[erased]';

export interface ProfileDoc {
  _id: string;
  tenant: string;
  debtorId: string;
  profile: EnrichedProfile;
  discardedContacts: number;
  sourceEventId: string;
  enrichedAt: Date;
}

/** Enrichment's own view: one cleaned debtor profile per invoice. */
export function createProfileStore(db: Connection) {
  const profiles = db.model<ProfileDoc>(
    'DebtorProfile',
    new Schema<ProfileDoc>(
      {
        _id: String,
        tenant: { type: String, required: true },
        debtorId: { type: String, required: true },
        profile: { type: Schema.Types.Mixed, required: true },
        discardedContacts: { type: Number, required: true },
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
     * it and stores nothing (profiles are written only if absent).
     */
    async erase(targets: Array<{ invoiceId: string; debtorId: string }>, tenant: string, requestId: string, at: Date): Promise<void> {
      await forEachConcurrently(targets, 8, async ({ invoiceId, debtorId }) => {
        await profiles.collection.updateOne(
          { _id: invoiceId as never },
          { $set: { tenant, debtorId, 'profile.debtorName': ERASED, 'profile.contacts': { emails: [], mobilePhones: [], landlines: [] }, erasedAt: at, erasureRequestId: requestId }, $unset: { 'profile.uf': '' } },
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
