import { DebtorScoredV1, CONSUMER_GROUPS } from '@regua/contracts';
import { startService, type RunningService, type ServiceOverrides } from '@regua/service-kit';
import type { ScoringEnv } from './config.ts';
import { onDebtorEnriched } from './handlers/debtor-enriched.ts';
import { createDataSubjectRequestLog } from '@regua/mongo';
import { onDataSubjectErasureRequested } from './handlers/data-subject-erasure.ts';
import { createScoreStore } from './store/scores.ts';

export const SERVICE_NAME = 'scoring';

export function startScoring(env: ScoringEnv, overrides: ServiceOverrides = {}): Promise<RunningService> {
  return startService(
    SERVICE_NAME,
    env,
    ({ db, bus, clock, logger }) => {
      const store = createScoreStore(db);
      return {
        produces: [DebtorScoredV1.topic],
        consumers: [{ group: CONSUMER_GROUPS.scoring, subscriptions: [onDebtorEnriched({ store, publisher: bus.publisher, clock, logger, source: SERVICE_NAME }), onDataSubjectErasureRequested({ store, requests: createDataSubjectRequestLog(db), clock, logger })] }],
      };
    },
    overrides,
  );
}

export { ScoringEnvSchema } from './config.ts';
export { createScoreStore } from './store/scores.ts';
