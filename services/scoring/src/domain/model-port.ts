import type { Features } from './features.ts';
import { clampScore, invoiceFactors, MODEL_VERSION } from './score.ts';

import type { Prediction as ModelPrediction, Reason } from '../model/index.ts';

export type { Reason };
/** A prediction as scoring uses it; the version is the model's own. */
export type Prediction = Omit<ModelPrediction, 'modelVersion'>;

/**
 * What scoring needs of a propensity model: its version and a prediction for one invoice's features. The rules
 * score below is the fallback; a trained model plugs in through a `ModelFactory` that knows its stored form.
 */
export interface ScoringModel {
  readonly version: string;
  predict(features: Features): Prediction;
}

/** A model as stored in a version document: the rules fallback, or a trained model's JSON (`modelToJson`). */
export type StoredModel = { kind: 'rules'; version: string } | { kind: 'trained'; version: string; json: unknown };

/** Turns a stored model into one that predicts. */
export interface ModelFactory {
  fromStored(stored: StoredModel): ScoringModel;
}

/** Platt-style adjustment of a model's log-odds: p' = σ(slope · logit(p) + intercept). */
export interface Calibration {
  slope: number;
  intercept: number;
}

export const MAX_REASONS = 3;
const P_MIN = 0.001;
const P_MAX = 0.999;

export const logit = (p: number) => {
  const q = Math.min(P_MAX, Math.max(P_MIN, p));
  return Math.log(q / (1 - q));
};
export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

const brl = (cents: number) => (cents / 100).toLocaleString('pt-BR', { style: 'currency', currency: 'BRL' });
const moves = (effect: number) => (effect > 0 ? 'aumenta' : 'reduz');

/** The prior-behaviour factors of the rules score: past payments count for, other open debts and broken agreements against. */
export function historyFactors(features: Features) {
  return {
    paidBefore: Math.min(90, 30 * features.paymentsCount),
    otherOpen: -Math.min(60, 20 * features.otherOpenInvoices),
    agreementsBroken: -Math.min(120, 60 * features.agreementsBroken),
  };
}

function reasonText(feature: string, effect: number, f: Features): string {
  switch (feature) {
    case 'delay':
      return `${f.daysPastDue} dias em atraso ${moves(effect)} a chance de pagamento`;
    case 'amount':
      return `Valor em aberto de ${brl(f.amountCents)} ${moves(effect)} a chance de pagamento`;
    case 'reachable':
      return f.contactability === 'mobile'
        ? 'Tem celular para contato, o que aumenta a chance de pagamento'
        : f.contactability === 'email'
          ? 'Só tem e-mail para contato, sem celular'
          : 'Sem celular nem e-mail para contato, o que reduz a chance de pagamento';
    case 'product':
      return `Produto ${f.productType}: ${effect > 0 ? 'costuma ser pago antes de outros' : 'costuma ser pago depois de outros'}`;
    case 'paidBefore':
      return `Já fez ${f.paymentsCount} pagamento(s) a este credor`;
    case 'otherOpen':
      return `Tem outras ${f.otherOpenInvoices} fatura(s) em aberto com este credor`;
    case 'agreementsBroken':
      return f.agreementsBroken === 1 ? 'Quebrou 1 acordo anterior' : `Quebrou ${f.agreementsBroken} acordos anteriores`;
    default:
      return `${feature} ${moves(effect)} a chance de pagamento`;
  }
}

/** The strongest non-zero effects first, in words. */
export function topReasons(effects: Record<string, number>, features: Features, limit = MAX_REASONS): Reason[] {
  return Object.entries(effects)
    .filter(([, effect]) => effect !== 0)
    .sort(([, a], [, b]) => Math.abs(b) - Math.abs(a))
    .slice(0, limit)
    .map(([feature, effect]) => ({ feature, text: reasonText(feature, effect, features), effect }));
}

/** The rules score (score.ts) with prior behaviour, as a model: the fallback until a trained model is active. */
export const rulesModel: ScoringModel = {
  version: MODEL_VERSION,
  predict(features) {
    const { base, ...invoice } = invoiceFactors(features);
    const effects = { ...invoice, ...historyFactors(features) };
    const score = clampScore(base + Object.values(effects).reduce((a, b) => a + b, 0));
    return { probability: Math.min(P_MAX, Math.max(P_MIN, score / 1000)), score, reasons: topReasons(effects, features) };
  },
};

/** A model whose probabilities are recalibrated; the reasons stay the base model's (calibration is monotonic). */
export function calibrated(base: ScoringModel, calibration: Calibration, version: string): ScoringModel {
  return {
    version,
    predict(features) {
      const prediction = base.predict(features);
      const probability = sigmoid(calibration.slope * logit(prediction.probability) + calibration.intercept);
      return { ...prediction, probability, score: clampScore(probability * 1000) };
    },
  };
}

/** Knows only the rules fallback; a trained model's factory wraps this one (README, "Scoring"). */
export const rulesOnlyFactory: ModelFactory = {
  fromStored(stored) {
    if (stored.kind === 'rules') return stored.version === rulesModel.version ? rulesModel : { ...rulesModel, version: stored.version };
    throw new Error(`no factory for trained model ${stored.version}: plug the trained model's factory into startScoring`);
  },
};
