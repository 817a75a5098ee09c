import { calibrated, type ModelFactory, type ScoringModel } from './domain/model-port.ts';
import type { ModelStore, ModelVersionDoc } from './store/models.ts';

/** The version document of a model that is not calibrated (the fallback, or a trained model as delivered). */
export function baseVersionDoc(stored: ModelVersionDoc['base'], at: Date): ModelVersionDoc {
  return { _id: stored.version, base: stored, calibration: null, parent: null, createdAt: at, training: null };
}

/**
 * The model to score with: the version the `model_active` pointer names (read by `_id` on each call, so a
 * recalibration or a rollback applies to the next batch), or the fallback while no pointer exists.
 */
export function createModelRegistry(deps: { store: ModelStore; factory: ModelFactory; fallback: ScoringModel }) {
  const built = new Map<string, ScoringModel>();
  const modelOf = (doc: ModelVersionDoc): ScoringModel => {
    let model = built.get(doc._id);
    if (!model) {
      const base = deps.factory.fromStored(doc.base);
      model = doc.calibration ? calibrated(base, doc.calibration, doc._id) : base.version === doc._id ? base : { version: doc._id, predict: (f) => base.predict(f) };
      built.set(doc._id, model);
    }
    return model;
  };
  return {
    modelOf,
    async activeDoc(): Promise<ModelVersionDoc | null> {
      const pointer = await deps.store.active();
      return pointer ? deps.store.version(pointer.version) : null;
    },
    async active(): Promise<ScoringModel> {
      const pointer = await deps.store.active();
      if (!pointer) return deps.fallback;
      const cached = built.get(pointer.version);
      if (cached) return cached;
      const doc = await deps.store.version(pointer.version);
      if (!doc) throw new Error(`the active model ${pointer.version} has no version document`);
      return modelOf(doc);
    },
  };
}

export type ModelRegistry = ReturnType<typeof createModelRegistry>;
