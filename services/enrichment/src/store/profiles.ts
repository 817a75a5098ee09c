import { Schema, type Connection } from 'mongoose';
import { insertManyIfAbsent } from '@regua/mongo';
import type { EnrichedProfile } from '../domain/enrich.ts';

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
    async find(invoiceId: string): Promise<ProfileDoc | null> {
      return profiles.findById(invoiceId).lean<ProfileDoc>().exec();
    },
  };
}

export type ProfileStore = ReturnType<typeof createProfileStore>;
