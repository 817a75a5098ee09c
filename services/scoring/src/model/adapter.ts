import type { ModelFeatures } from './spec.ts';
import { predict, type Model, type Prediction } from './model.ts';

/**
 * A trained model behind the service's own feature type: `toModelFeatures` maps what the service computes to the
 * model's inputs, so the service's `ModelFactory` can return `scoringModel(modelFromJson(stored.json), map)`.
 */
export function scoringModel<F>(model: Model, toModelFeatures: (features: F) => ModelFeatures, options: { topReasons?: number } = {}) {
  return {
    version: model.version,
    predict: (features: F): Prediction => predict(model, toModelFeatures(features), options),
  };
}
