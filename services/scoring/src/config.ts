import { productionSecretProblems, tenantSecrets } from '@regua/auth';
import { ServiceEnvSchema, z } from '@regua/config';

export const ScoringEnvSchema = ServiceEnvSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8083),
  /** Who may read and replace a creditor's scoring rules: `tenant:key` pairs. Unset, the rules API answers 401 to all. */
  SCORING_API_KEYS: tenantSecrets('key').optional().describe('tenant:key pairs, comma-separated'),
  /** Operators who may read the model and change its active version: `name:key` pairs. Unset, the model API answers 401 to all. */
  SCORING_ADMIN_KEYS: tenantSecrets('key').optional().describe('operator:key pairs, comma-separated'),
  /**
   * The trained model artifact installed at start-up (`current`, the default, a version like `pd-2026.11.26-1`, or a
   * model.json path): stored in `model_versions` and made active if no model is active yet. `rules`: the hand-made
   * rules score instead (a fallback, not a model).
   */
  SCORING_MODEL_ARTIFACT: z
    .string()
    .min(1)
    .default('current')
    .transform((value) => (value === 'rules' ? undefined : value)),
  /** How often a replica tries to recalibrate the model (under a lease, so one at a time); 0 turns the job off. */
  SCORING_RECALIBRATION_INTERVAL_MS: z.coerce.number().int().min(0).default(6 * 3_600_000),
  /** Labels with a known outcome needed before recalibrating. */
  SCORING_RECALIBRATION_MIN_LABELS: z.coerce.number().int().positive().default(500),
  /** A scored invoice counts as paid if paid within this many days of its first score, as not paid once they passed. */
  SCORING_LABEL_WINDOW_DAYS: z.coerce.number().int().positive().default(30),
  /** Months of labels kept (collections `scoring_labels_<yyyymm>`); older months are dropped whole by the job. */
  SCORING_LABEL_MONTHS: z.coerce.number().int().min(2).max(24).default(6),
}).superRefine((env, ctx) => {
  if (env.NODE_ENV !== 'production') return;
  for (const variable of ['SCORING_API_KEYS', 'SCORING_ADMIN_KEYS'] as const) {
    const keys = env[variable];
    if (keys) for (const message of productionSecretProblems(keys, 'key')) ctx.addIssue({ code: 'custom', path: [variable], message });
  }
});

export type ScoringEnv = z.output<typeof ScoringEnvSchema>;
