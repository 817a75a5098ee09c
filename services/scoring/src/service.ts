import { hostname } from 'node:os';
import { CaseScoredV1, CONSUMER_GROUPS, DebtorScoredV1 } from '@regua/contracts';
import { apiKeyIndex } from '@regua/auth';
import { createDataSubjectRequestLog, createLease } from '@regua/mongo';
import { periodic, startService, type RunningService, type ServiceOverrides } from '@regua/service-kit';
import { createCaseScorer } from './case-scorer.ts';
import type { ScoringEnv } from './config.ts';
import { rulesModel, type ModelFactory } from './domain/model-port.ts';
import { modelRoutes } from './handlers/http/model.ts';
import { scoringRulesRoutes } from './handlers/http/scoring-rules.ts';
import { onAgreementEvents } from './handlers/kafka/agreements.ts';
import { onDataSubjectErasureRequested } from './handlers/kafka/data-subject-erasure.ts';
import { onDebtorEnriched } from './handlers/kafka/debtor-enriched.ts';
import { onNotificationOutcomes } from './handlers/kafka/notification-outcomes.ts';
import { onPaymentReconciled } from './handlers/kafka/payment-reconciled.ts';
import { baseVersionDoc, createModelRegistry, type ModelRegistry } from './model-registry.ts';
import { createRecalibration, type Recalibration } from './recalibration.ts';
import { createHistoryStore } from './store/histories.ts';
import { createLabelStore } from './store/labels.ts';
import { createModelStore } from './store/models.ts';
import { createRulesStore } from './store/rules.ts';
import { createScoreStore } from './store/scores.ts';
import { storedArtifact, trainedModelFactory } from './trained-model.ts';

export const SERVICE_NAME = 'scoring';

/** The recalibration lease outlives any run; a replica that dies holding it frees it after this. */
const RECALIBRATION_LEASE_MS = 15 * 60_000;

export interface ScoringService extends RunningService {
  recalibration: Recalibration;
  models: ModelRegistry;
}

export interface ScoringOverrides extends ServiceOverrides {
  /** How stored models become models; the default knows the rules fallback and the trained model's artifacts. */
  modelFactory?: ModelFactory;
}

export async function startScoring(env: ScoringEnv, overrides: ScoringOverrides = {}): Promise<ScoringService> {
  let recalibration: Recalibration | undefined;
  let models: ModelRegistry | undefined;
  const service = await startService(
    SERVICE_NAME,
    env,
    async ({ db, bus, clock, logger }) => {
      const store = createScoreStore(db);
      const histories = createHistoryStore(db);
      const labels = createLabelStore(db);
      const rules = createRulesStore(db);
      const modelStore = createModelStore(db);
      const registry = createModelRegistry({ store: modelStore, factory: overrides.modelFactory ?? trainedModelFactory, fallback: rulesModel });
      // The fallback has a version document too, so a rollback can always return to it.
      await modelStore.saveVersion(baseVersionDoc({ kind: 'rules', version: rulesModel.version }, clock.now()));
      if (env.SCORING_MODEL_ARTIFACT) {
        // Installed once (versions never change); made active only where no model is yet, so a rollback sticks.
        const stored = await storedArtifact(env.SCORING_MODEL_ARTIFACT);
        const doc = baseVersionDoc(stored, clock.now());
        registry.modelOf(doc); // refuses an artifact the factory cannot read, before it is stored
        await modelStore.saveVersion(doc);
        if (!(await modelStore.active())) await modelStore.activate(stored.version, clock.now(), rulesModel.version);
      }
      const scorer = createCaseScorer({ registry, rules });
      const job = createRecalibration({
        registry,
        models: modelStore,
        labels,
        lease: createLease(db, 'scoring-recalibration', `${hostname()}:${process.pid}`, RECALIBRATION_LEASE_MS),
        clock,
        logger,
        fallback: rulesModel,
        minLabels: env.SCORING_RECALIBRATION_MIN_LABELS,
        windowDays: env.SCORING_LABEL_WINDOW_DAYS,
        keepMonths: env.SCORING_LABEL_MONTHS,
      });
      recalibration = job;
      models = registry;
      const deps = { scorer, store, histories, labels, publisher: bus.publisher, clock, logger, source: SERVICE_NAME };
      const routesOf = [
        scoringRulesRoutes({ store: rules, keys: apiKeyIndex(env.SCORING_API_KEYS ?? new Map()), clock }),
        modelRoutes({ store: modelStore, keys: apiKeyIndex(env.SCORING_ADMIN_KEYS ?? new Map()), clock, fallback: rulesModel }),
      ];
      return {
        produces: [DebtorScoredV1.topic, CaseScoredV1.topic],
        consumers: [
          {
            group: CONSUMER_GROUPS.scoring,
            subscriptions: [onDebtorEnriched(deps), onPaymentReconciled(deps), ...onAgreementEvents(deps), ...onNotificationOutcomes({ histories, logger }), onDataSubjectErasureRequested({ store, histories, labels, requests: createDataSubjectRequestLog(db), clock, logger })],
          },
        ],
        routes: (app) => routesOf.forEach((mount) => mount(app)),
        background:
          env.SCORING_RECALIBRATION_INTERVAL_MS === 0
            ? []
            : [periodic(env.SCORING_RECALIBRATION_INTERVAL_MS, async () => void (await job.runOnce()), (error) => logger.error({ err: error }, 'model recalibration failed'))],
      };
    },
    overrides,
  );
  return { ...service, recalibration: recalibration!, models: models! };
}

export { ScoringEnvSchema } from './config.ts';
export { createScoreStore } from './store/scores.ts';
