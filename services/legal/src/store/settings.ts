import type { Connection } from 'mongoose';
import { readById } from '@regua/mongo';
import { DEFAULT_LEGAL_SETTINGS, type LegalSettings } from '../domain/settings.ts';

interface SettingsDoc {
  _id: string;
  settings: LegalSettings;
  updatedAt: Date;
}

/** `legal_settings`: one document per tenant. */
export function createSettingsStore(db: Connection) {
  const collection = db.collection<SettingsDoc>('legal_settings');
  return {
    async get(tenant: string): Promise<{ settings: LegalSettings; updatedAt: Date | null }> {
      const doc = await readById<SettingsDoc>({ collection }, tenant);
      return doc ? { settings: doc.settings, updatedAt: doc.updatedAt } : { settings: DEFAULT_LEGAL_SETTINGS, updatedAt: null };
    },
    async put(tenant: string, settings: LegalSettings, now: Date): Promise<void> {
      await collection.replaceOne({ _id: tenant }, { settings, updatedAt: now }, { upsert: true });
    },
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
