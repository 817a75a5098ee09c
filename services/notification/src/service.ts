import { CaseEscalatedV1, CasePlannedV1, CONSUMER_GROUPS, NotificationSentV1 } from '@regua/contracts';
import { createDataSubjectRequestLog } from '@regua/mongo';
import { startService, type RunningService, type ServiceOverrides } from '@regua/service-kit';
import { createCadenceBook, type CadenceBook, type CadenceSource } from './cadence-book.ts';
import { httpProviderChannel, sandboxChannel, type MessageChannel } from './channels.ts';
import type { NotificationEnv } from './config.ts';
import { contactPolicy } from './contact-policy.ts';
import { DEFAULT_CADENCE_CONFIG } from './domain/cadence-spec.ts';
import { createDispatcher, type Dispatcher } from './dispatcher.ts';
import { onDebtorScored, onInvoiceSettledByCreditor, onInvoiceUpdated, onPaymentReconciled } from './handlers/collections.ts';
import { onDataSubjectErasureRequested } from './handlers/data-subject-erasure.ts';
import { caseRoutes } from './handlers/http.ts';
import { cronJob } from './scheduler.ts';
import { createCaseStore, type CaseStore } from './store/cases.ts';
import { createDebtorContactStore } from './store/debtors.ts';
import { createSchedule } from './store/schedule.ts';

export const SERVICE_NAME = 'notification';

export interface NotificationService extends RunningService {
  dispatcher: Dispatcher;
  cases: CaseStore;
  book: CadenceBook;
}

/** Until the tenant configuration store is wired: every tenant on the built-in cadences and templates. */
const defaultsOnly: CadenceSource = {
  current: async () => ({ version: 0, config: DEFAULT_CADENCE_CONFIG }),
  atVersion: async () => null,
  templates: async () => [],
  creditor: async () => null,
};

export async function startNotification(env: NotificationEnv, overrides: ServiceOverrides & { channel?: MessageChannel; cadenceSource?: CadenceSource } = {}): Promise<NotificationService> {
  let dispatcher: Dispatcher | undefined;
  let cases: CaseStore | undefined;
  let book: CadenceBook | undefined;
  const service = await startService(
    SERVICE_NAME,
    env,
    ({ db, bus, clock, logger }) => {
      const store = createCaseStore(db);
      const debtors = createDebtorContactStore(db);
      const schedule = createSchedule(db);
      const channel = overrides.channel ?? (env.NOTIFICATION_PROVIDER_URL ? httpProviderChannel({ url: env.NOTIFICATION_PROVIDER_URL, timeoutMs: env.NOTIFICATION_PROVIDER_TIMEOUT_MS, logger }) : sandboxChannel(logger));
      const rules = contactPolicy({ enforce: env.NOTIFICATION_ENFORCE_CONTACT_HOURS });
      book = createCadenceBook({ source: overrides.cadenceSource ?? defaultsOnly, selfServiceBaseUrl: env.NOTIFICATION_SELF_SERVICE_URL, wasRead: async () => false, logger });
      const created = createDispatcher({ store, debtors, schedule, book, rules, channel, publisher: bus.publisher, clock, logger, source: SERVICE_NAME, batchSize: env.NOTIFICATION_BATCH_SIZE, claimLeaseMs: env.NOTIFICATION_CLAIM_LEASE_MS });
      dispatcher = created;
      cases = store;
      const deps = { store, book, dispatcher: created, publisher: bus.publisher, clock, logger, source: SERVICE_NAME };
      const stepCount = async (cadenceId: string | null, tenant: string, version: number) => (cadenceId ? (await book!.cadence(tenant, cadenceId, version)).steps.length : 0);
      return {
        produces: [CasePlannedV1.topic, NotificationSentV1.topic, CaseEscalatedV1.topic],
        consumers: [
          {
            group: CONSUMER_GROUPS.notification,
            subscriptions: [onDebtorScored(deps), onPaymentReconciled(deps), onInvoiceSettledByCreditor(deps), onInvoiceUpdated(deps), onDataSubjectErasureRequested({ store, stepCount, requests: createDataSubjectRequestLog(db), clock, logger })],
          },
        ],
        routes: caseRoutes({ store, book: book!, rules, clock }, env.NOTIFICATION_API_KEYS),
        background: env.NOTIFICATION_DISPATCH_CRON === 'off' ? [] : [cronJob(env.NOTIFICATION_DISPATCH_CRON, () => created.runDue(), (error) => logger.error({ err: error }, 'dispatch tick failed'))],
      };
    },
    overrides,
  );
  return { ...service, dispatcher: dispatcher!, cases: cases!, book: book! };
}

export { NotificationEnvSchema } from './config.ts';
export type { MessageChannel, OutboundMessage } from './channels.ts';
