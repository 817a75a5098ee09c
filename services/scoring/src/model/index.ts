export { loadModel, ARTIFACTS_DIR } from './load.ts';
export { modelFromJson, modelToJson, predict, MODEL_VERSION_PATTERN, ModelArtifactSchema } from './model.ts';
export type { Model, ModelArtifact, Prediction, Reason } from './model.ts';
export { ModelFeaturesSchema, FeatureSpecSchema } from './spec.ts';
export type { ModelFeatures, FeatureSpec } from './spec.ts';
export { auc, brier } from './metrics.ts';
export { scoringModel } from './adapter.ts';
