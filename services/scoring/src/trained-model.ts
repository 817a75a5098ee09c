import { modelFromJson, modelToJson, predict, loadModel, type ModelFeatures } from './model/index.ts';
import type { Features } from './domain/features.ts';
import { rulesOnlyFactory, type ModelFactory, type ScoringModel } from './domain/model-port.ts';

/** Spec version 1 counted reads within 90 days; the history knows the last read, so this is at most that count. */
const ENGAGED_WINDOW_DAYS = 90;

/** The trained model's inputs (its feature spec, version 3, and what versions 1 and 2 read, for the models before it) from scoring's features. */
export function toModelFeatures(f: Features): ModelFeatures {
  return {
    daysPastDue: f.daysPastDue,
    amountCents: f.amountCents,
    hasValidMobile: f.contactability === 'mobile',
    hasValidEmail: f.hasEmail,
    whatsappCapable: f.whatsappCapable,
    priorPaidInvoices: f.settledInvoices,
    agreementsBroken: f.agreementsBroken,
    agreementsKept: f.agreementsKept,
    brokenAgreements: f.agreementsBroken,
    messagesSent: f.messagesSent,
    messagesDelivered: f.messagesDelivered,
    messagesRead: f.messagesRead,
    readRate: f.readRate,
    daysSinceLastRead: f.daysSinceLastRead,
    messagesEngaged90d: f.daysSinceLastRead <= ENGAGED_WINDOW_DAYS ? f.messagesRead : 0,
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
