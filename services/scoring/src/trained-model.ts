import { modelFromJson, modelToJson, predict, loadModel, type ModelFeatures } from './model/index.ts';
import type { Features } from './domain/features.ts';
import { rulesOnlyFactory, type ModelFactory, type ScoringModel } from './domain/model-port.ts';

/** The trained model's inputs (its feature spec, version 1) from scoring's features. */
export function toModelFeatures(f: Features): ModelFeatures {
  return {
    daysPastDue: f.daysPastDue,
    amountCents: f.amountCents,
    hasValidMobile: f.contactability === 'mobile',
    hasValidEmail: f.hasEmail,
    whatsappCapable: f.whatsappCapable,
    priorPaidInvoices: f.settledInvoices,
    brokenAgreements: f.brokenAgreements,
    // No event reports engagement (a message read or clicked) yet: reminders sent are not engagement.
    messagesEngaged90d: 0,
    productType: f.productType,
    uf: f.uf,
  };
}

/** Stored models of kind `trained` are the model engineer's artifacts (`modelToJson`); the rules fallback as before. */
export const trainedModelFactory: ModelFactory = {
  fromStored(stored) {
    if (stored.kind !== 'trained') return rulesOnlyFactory.fromStored(stored);
    const model = modelFromJson(stored.json);
    return {
      version: stored.version,
      predict(features) {
        const { probability, score, reasons } = predict(model, toModelFeatures(features));
        return { probability, score, reasons };
      },
    } satisfies ScoringModel;
  },
};

/** A committed artifact (`current`, a version or a path) as a stored model, for `model_versions`. */
export async function storedArtifact(pathOrVersion: string): Promise<{ kind: 'trained'; version: string; json: unknown }> {
  const model = await loadModel(pathOrVersion);
  return { kind: 'trained', version: model.version, json: modelToJson(model) };
}
