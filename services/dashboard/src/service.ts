import { CaseDisputedV1, CaseOperatorActionV1, CONSUMER_GROUPS } from '@regua/contracts';
import { startService, type RunningService, type ServiceOverrides } from '@regua/service-kit';
import { createActions } from './actions.ts';
import { createSessionIssuer } from './auth/sessions.ts';
import type { DashboardEnv } from './config.ts';
import { projectorSubscriptions } from './handlers/kafka/events.ts';
import { apiRoutes } from './handlers/http/api.ts';
import { authRoutes } from './handlers/http/auth.ts';
import { contentSecurityPolicy } from './handlers/http/html.ts';
import { uiRoutes } from './handlers/http/ui.ts';
import { createChangeFeed, type ChangeFeed } from './projection/change-feed.ts';
import { createQueries } from './queries.ts';
import { createAuditLog } from './store/audit.ts';
import { withDocumentCache } from './store/document-cache.ts';
import { createReadModelStore, type ReadModelStore } from './store/read-model.ts';
import { createUserStore } from './store/users.ts';

export const SERVICE_NAME = 'dashboard';
/**
 * A fetch's batches (one per topic and partition, ~27 topics × 6 partitions) are all handed to the projector at
 * once, which applies those that wait together as one run (handlers/kafka/events.ts): with kafkajs's default of 3
 * at a time, a second's events over many topics became many small runs, each paying its claims and counter writes.
 * So a fetch is held whole, parsed, with the documents its events touch: 4 MB at most (kafkajs's default is 10 MB;
 * the dashboard's peak RSS at full speed had gone from 167–182 to 215–221 MB with it).
 */
const PROJECTOR_PARTITIONS_AT_ONCE = 200;
const PROJECTOR_FETCH_BYTES = 4 * 1024 * 1024;

export interface DashboardService extends RunningService {
  store: ReadModelStore;
  changes: ChangeFeed;
}

/**
 * The BPO dashboard: a read model of every service's events (its own database, `regua_dashboard`), KPI APIs with CSV
 * export, the work queue and its actions (published back as events), and the web pages, behind an OIDC-compatible
 * login with roles and tenant/creditor scopes.
 */
export async function startDashboard(env: DashboardEnv, overrides: ServiceOverrides = {}): Promise<DashboardService> {
  let store: ReadModelStore | undefined;
  const changes = createChangeFeed();
  const sessions = await createSessionIssuer({ issuer: env.DASHBOARD_ISSUER, ...(env.DASHBOARD_SIGNING_KEY ? { privateKeyPem: env.DASHBOARD_SIGNING_KEY } : {}), ttlMinutes: env.DASHBOARD_SESSION_MINUTES });
  const service = await startService(
    SERVICE_NAME,
    env,
    async ({ db, bus, clock, newId, meter }) => {
      const readModel = createReadModelStore(db);
      await readModel.ensureIndexes();
      store = readModel;
      const users = createUserStore(db);
      await users.seed(env.DASHBOARD_USERS ?? []);
      const audit = createAuditLog(db);
      const queries = createQueries({ store: readModel, audit, costs: env.DASHBOARD_CHANNEL_COSTS, timeZone: env.DASHBOARD_TIME_ZONE });
      const actions = createActions({ publisher: bus.publisher, clock, newId, audit });
      const timeZone = env.DASHBOARD_TIME_ZONE;
      // The projection's own view of the store; the pages read the store itself (another replica may project).
      const projected = withDocumentCache(readModel, env.DASHBOARD_DOCUMENT_CACHE_MB * 1_000_000);
      meter.createObservableCounter('regua.dashboard.document_cache.reads', { unit: '{read}', description: "The projection's document reads, by whether the cache held the document" }).addCallback((result) => {
        const { hits, misses } = projected.cacheStats();
        result.observe(hits, { result: 'hit' });
        result.observe(misses, { result: 'miss' });
      });
      return {
        produces: [CaseOperatorActionV1.topic, CaseDisputedV1.topic],
        consumers: [{ group: CONSUMER_GROUPS.dashboard, subscriptions: projectorSubscriptions({ store: projected, clock, changes, timeZone }), onAssignment: () => projected.dropCachedDocuments(), fetchWaitMs: env.DASHBOARD_FETCH_WAIT_MS, partitionsConsumedConcurrently: PROJECTOR_PARTITIONS_AT_ONCE, maxFetchBytes: PROJECTOR_FETCH_BYTES }],
        routes: (app) => {
          app.use(contentSecurityPolicy());
          authRoutes({ users, sessions, audit, clock, secureCookies: env.NODE_ENV === 'production' })(app);
          apiRoutes({ queries, actions, audit, sessions, changes, clock, timeZone })(app);
          uiRoutes({ queries, actions, sessions, clock, timeZone })(app);
        },
      };
    },
    overrides,
  );
  return { ...service, store: store!, changes };
}

export { DashboardEnvSchema } from './config.ts';
export { hashPassword } from './auth/passwords.ts';
