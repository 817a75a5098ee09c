import { z } from 'zod';
import { ValidationError } from '@regua/errors';
import { FeatureSpecSchema, type FeatureSpec, type ModelFeatures } from './spec.ts';
import { columnsOf, encode, specHash, type Column } from './encode.ts';
import { reasonText } from './reasons.ts';

export const MODEL_VERSION_PATTERN = /^pd-\d{4}\.\d{2}\.\d{2}-\d+$/;

/**
 * A trained logistic regression as regua_model/train.py writes it (artifacts/<version>/model.json): the feature
 * spec it was trained with, scikit-learn's standardisation and coefficients, and a calibration of the logit
 * (logit' = slope · logit + intercept; training writes the identity, the reasons' effects include the slope).
 */
export const ModelArtifactSchema = z
  .object({
    version: z.string().regex(MODEL_VERSION_PATTERN),
    kind: z.literal('logistic-regression'),
    spec: z.unknown(),
    specHash: z.string(),
    columns: z.array(z.object({ input: z.string(), category: z.string().optional() })),
    standardisation: z.object({ mean: z.array(z.number()), scale: z.array(z.number().positive()) }),
    coefficients: z.array(z.number()),
    intercept: z.number(),
    calibration: z.object({ slope: z.number(), intercept: z.number() }),
    manifest: z.record(z.string(), z.unknown()),
  })
  .strict();
export type ModelArtifact = z.infer<typeof ModelArtifactSchema>;

export interface Model {
  readonly version: string;
  readonly spec: FeatureSpec;
  readonly columns: readonly Column[];
  /** The artifact as stored; `modelToJson` returns it unchanged. */
  readonly artifact: ModelArtifact;
}

export interface Reason {
  /** The raw input (`daysPastDue`, `productType`, …). */
  feature: string;
  /** For the operator, pt-BR: the fact and which way it pushes ("90 dias de atraso reduz a chance de pagamento"). */
  text: string;
  /** Contribution to the calibrated log-odds against the training portfolio's average debtor. */
  effect: number;
}

export interface Prediction {
  probability: number;
  /** round(1000 · probability): 0–1000, higher = likelier to pay. */
  score: number;
  reasons: Reason[];
  modelVersion: string;
}

function invalid(message: string): never {
  throw new ValidationError(`invalid model artifact: ${message}`, [{ path: 'model', message }]);
}

/** Parses and checks a stored artifact (a file's JSON or a Mongo document's `artifact` field). */
export function modelFromJson(json: unknown): Model {
  const parsed = ModelArtifactSchema.safeParse(json);
  if (!parsed.success) invalid(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const artifact = parsed.data;
  if (specHash(artifact.spec) !== artifact.specHash) invalid('the embedded feature spec does not match its hash');
  const spec = FeatureSpecSchema.parse(artifact.spec);
  const columns = columnsOf(spec);
  const n = columns.length;
  const sameColumns = artifact.columns.length === n && artifact.columns.every((c, i) => c.input === columns[i]?.input && c.category === columns[i]?.category);
  if (!sameColumns) invalid('columns do not follow the feature spec');
  if (artifact.coefficients.length !== n || artifact.standardisation.mean.length !== n || artifact.standardisation.scale.length !== n) {
    invalid(`expected ${n} coefficients, means and scales`);
  }
  return { version: artifact.version, spec, columns, artifact };
}

/** The artifact as plain JSON, ready to store; `modelFromJson(modelToJson(m))` is the same model. */
export function modelToJson(model: Model): ModelArtifact {
  return structuredClone(model.artifact);
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Column contributions, grouped by raw input: Σ slope·w·(x − mean)/scale over the input's columns. */
function contributions(model: Model, x: readonly number[]): Map<string, number> {
  const { coefficients, standardisation, calibration } = model.artifact;
  const byInput = new Map<string, number>();
  model.columns.forEach((col, i) => {
    const z = ((x[i] ?? 0) - (standardisation.mean[i] ?? 0)) / (standardisation.scale[i] ?? 1);
    byInput.set(col.input, (byInput.get(col.input) ?? 0) + calibration.slope * (coefficients[i] ?? 0) * z);
  });
  return byInput;
}

/**
 * Probability of paying within 30 days, the 0–1000 score and the top reasons. Pure: the same model and features
 * always give the same answer. The reasons are exact for a logistic regression: the calibrated logit is the
 * calibrated intercept plus the sum of every input's effect.
 */
export function predict(model: Model, features: ModelFeatures, options: { topReasons?: number } = {}): Prediction {
  const x = encode(model.spec, features);
  const effects = contributions(model, x);
  const { intercept, calibration } = model.artifact;
  let logit = calibration.slope * intercept + calibration.intercept;
  for (const e of effects.values()) logit += e;
  const probability = sigmoid(logit);
  const reasons = [...effects.entries()]
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .slice(0, options.topReasons ?? 3)
    .map(([feature, effect]) => ({ feature, effect, text: reasonText(model.spec, feature, features, effect) }));
  return { probability, score: Math.round(1000 * probability), reasons, modelVersion: model.version };
}
