import { BureauNoticeSentV1, BureauRegisteredV1, BureauWithdrawnV1, CaseEscalatedV1, CONSUMER_GROUPS, JudicialCaseClosedV1, JudicialCaseOpenedV1, JudicialMovementRecordedV1 } from '@regua/contracts';
import { apiKeyIndex } from '@regua/auth';
import { periodic, startService, type RunningService, type ServiceOverrides } from '@regua/service-kit';
import type { BureauRegistry } from './bureau/contract.ts';
import { createHttpBureau } from './bureau/http-bureau.ts';
import type { LegalEnv } from './config.ts';
import { onCaseEscalated } from './handlers/kafka/escalations.ts';
import { projectionSubscriptions } from './handlers/kafka/projection.ts';
import { legalRoutes } from './handlers/http/routes.ts';
import { createJudicial, type Judicial } from './judicial.ts';
import { createNegativacao, type Negativacao } from './negativacao.ts';
import { openApiDocument } from './openapi.ts';
import { createDueSteps } from './store/due.ts';
import { createBureauFiles } from './store/files.ts';
import { createJudicialStore } from './store/judicial.ts';
import { createProjection } from './store/projection.ts';
import { createSettingsStore } from './store/settings.ts';

export const SERVICE_NAME = 'legal';

export interface LegalService extends RunningService {
  negativacao: Negativacao;
  judicial: Judicial;
}

export interface LegalOverrides extends ServiceOverrides {
  /** The bureau adapter; by default the HTTP one, from LEGAL_BUREAU_URL. */
  bureau?: BureauRegistry;
}

export async function startLegal(env: LegalEnv, overrides: LegalOverrides = {}): Promise<LegalService> {
  let negativacao: Negativacao | undefined;
  let judicial: Judicial | undefined;
  const service = await startService(
    SERVICE_NAME,
    env,
    ({ db, bus, clock, logger }) => {
      const projection = createProjection(db);
      const settings = createSettingsStore(db);
      const bureau =
        overrides.bureau ??
        (env.LEGAL_BUREAU_URL ? createHttpBureau({ name: env.LEGAL_BUREAU_NAME, url: env.LEGAL_BUREAU_URL, token: env.LEGAL_BUREAU_TOKEN!, timeoutMs: env.LEGAL_BUREAU_TIMEOUT_MS, retries: env.LEGAL_BUREAU_RETRIES }) : undefined);
      if (!bureau) logger.warn('LEGAL_BUREAU_URL is unset: bureau registration requests will be refused');
      // The tick is made after what it runs; requests and triggers kick it through this.
      const ticker: { kick?: () => void } = {};
      const created = createNegativacao({
        projection,
        files: createBureauFiles(db),
        due: createDueSteps(db),
        settings,
        bureau,
        bureauName: bureau?.name ?? env.LEGAL_BUREAU_NAME,
        publisher: bus.publisher,
        clock,
        logger,
        source: SERVICE_NAME,
        policy: { maxAttempts: env.LEGAL_WITHDRAWAL_MAX_ATTEMPTS, baseDelayMs: env.LEGAL_RETRY_DELAY_MS },
        kick: () => ticker.kick?.(),
      });
      const tracks = createJudicial({ store: createJudicialStore(db), projection, settings, negativacao: created, publisher: bus.publisher, clock, logger, source: SERVICE_NAME });
      negativacao = created;
      judicial = tracks;
      const tick = env.LEGAL_TICK_MS === 0 ? undefined : periodic(env.LEGAL_TICK_MS, async () => void (await created.runDue()), (error) => logger.error({ err: error }, 'legal tick failed'));
      if (tick) ticker.kick = tick.kick;
      const document = openApiDocument();
      return {
        produces: [BureauNoticeSentV1.topic, BureauRegisteredV1.topic, BureauWithdrawnV1.topic, CaseEscalatedV1.topic, JudicialCaseOpenedV1.topic, JudicialMovementRecordedV1.topic, JudicialCaseClosedV1.topic],
        consumers: [{ group: CONSUMER_GROUPS.legal, subscriptions: [...projectionSubscriptions({ projection, negativacao: created }), onCaseEscalated({ negativacao: created, settings, logger, source: SERVICE_NAME })], fetchWaitMs: env.LEGAL_FETCH_WAIT_MS }],
        routes: (app) => {
          app.get('/openapi.json', (_req, res) => {
            res.json(document);
          });
          legalRoutes({ negativacao: created, judicial: tracks, projection, settings, keys: apiKeyIndex(env.LEGAL_API_KEYS ?? new Map()), clock, csvMaxBytes: env.LEGAL_CSV_MAX_BYTES })(app);
        },
        background: tick ? [tick] : [],
      };
    },
    overrides,
  );
  return { ...service, negativacao: negativacao!, judicial: judicial! };
}

export { LegalEnvSchema } from './config.ts';
