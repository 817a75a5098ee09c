import type { Connection } from 'mongoose';
import { insertIfAbsent } from '@regua/mongo';
import type { Calibration, StoredModel } from '../domain/model-port.ts';

/** `model_versions`: one document per model version (`_id` = version), never changed once written. */
export interface ModelVersionDoc {
  _id: string;
  base: StoredModel;
  calibration: Calibration | null;
  /** The version this one was derived from. */
  parent: string | null;
  createdAt: Date;
  /** How it was made: labels used and log loss before (the parent) and after, on them. */
  training: { labels: number; paid: number; logLossBefore: number; logLossAfter: number } | null;
}

/** `model_active`: the one pointer document (`_id` = `active`). */
export interface ActiveModelDoc {
  _id: 'active';
  version: string;
  previous: string | null;
  changedAt: Date;
}

export function createModelStore(db: Connection) {
  const versions = db.collection<ModelVersionDoc>('model_versions');
  const active = db.collection<ActiveModelDoc>('model_active');
  return {
    async active(): Promise<ActiveModelDoc | null> {
      return active.findOne({ _id: 'active' });
    },
    async version(version: string): Promise<ModelVersionDoc | null> {
      return versions.findOne({ _id: version });
    },
    /** Stores a version; false if it existed (versions never change). */
    async saveVersion(doc: ModelVersionDoc): Promise<boolean> {
      return insertIfAbsent({ create: (d: ModelVersionDoc) => versions.insertOne(d) }, doc);
    },
    /**
     * Points at `version`, remembering the one it replaces for a rollback (`replacing`: the version in use while no
     * pointer exists, the fallback's).
     */
    async activate(version: string, at: Date, replacing: string): Promise<ActiveModelDoc> {
      const current = await active.findOne({ _id: 'active' });
      const from = current?.version ?? replacing;
      const doc: ActiveModelDoc = { _id: 'active', version, previous: from !== version ? from : (current?.previous ?? null), changedAt: at };
      await active.replaceOne({ _id: 'active' }, doc, { upsert: true });
      return doc;
    },
  };
}

export type ModelStore = ReturnType<typeof createModelStore>;
