import { ReminderSentV1, CONSUMER_GROUPS } from '@regua/contracts';
import { startService, type RunningService, type ServiceOverrides } from '@regua/service-kit';
import { httpProviderChannel, sandboxChannel, type MessageChannel } from './channels.ts';
import type { NotificationEnv } from './config.ts';
import { createDispatcher, type Dispatcher } from './dispatcher.ts';
import { caseRoutes } from './handlers/http.ts';
import { onDebtorScored, onInvoiceSettledByCreditor, onPaymentReconciled } from './handlers/collections.ts';
import { createDataSubjectRequestLog } from '@regua/mongo';
import { onDataSubjectErasureRequested } from './handlers/data-subject-erasure.ts';
import { cronJob } from './scheduler.ts';
import { createCaseStore, type CaseStore } from './store/cases.ts';
import { createSchedule } from './store/schedule.ts';

export const SERVICE_NAME = 'notification';

export interface NotificationService extends RunningService {
  dispatcher: Dispatcher;
  cases: CaseStore;
}

export async function startNotification(env: NotificationEnv, overrides: ServiceOverrides & { channel?: MessageChannel } = {}): Promise<NotificationService> {
  let dispatcher: Dispatcher | undefined;
  let cases: CaseStore | undefined;
  const service = await startService(
    SERVICE_NAME,
    env,
    ({ db, bus, clock, logger }) => {
      const store = createCaseStore(db);
      const schedule = createSchedule(db);
      const channel = overrides.channel ?? (env.NOTIFICATION_PROVIDER_URL ? httpProviderChannel({ url: env.NOTIFICATION_PROVIDER_URL, timeoutMs: env.NOTIFICATION_PROVIDER_TIMEOUT_MS, logger }) : sandboxChannel(logger));
      const created = createDispatcher({
        store,
        schedule,
        channel,
        publisher: bus.publisher,
        clock,
        logger,
        source: SERVICE_NAME,
        enforceContactHours: env.NOTIFICATION_ENFORCE_CONTACT_HOURS,
        batchSize: env.NOTIFICATION_BATCH_SIZE,
        claimLeaseMs: env.NOTIFICATION_CLAIM_LEASE_MS,
      });
      dispatcher = created;
      cases = store;
      const deps = { store, schedule, dispatcher: created, clock, logger };
      return {
        produces: [ReminderSentV1.topic],
        consumers: [{ group: CONSUMER_GROUPS.notification, subscriptions: [onDebtorScored(deps), onPaymentReconciled(deps), onInvoiceSettledByCreditor(deps), onDataSubjectErasureRequested({ store, requests: createDataSubjectRequestLog(db), clock, logger })] }],
        routes: caseRoutes(store, env.NOTIFICATION_API_KEYS),
        background: env.NOTIFICATION_DISPATCH_CRON === 'off' ? [] : [cronJob(env.NOTIFICATION_DISPATCH_CRON, () => created.runDue(), (error) => logger.error({ err: error }, 'dispatch tick failed'))],
      };
    },
    overrides,
  );
  return { ...service, dispatcher: dispatcher!, cases: cases! };
}

export { NotificationEnvSchema } from './config.ts';
export type { MessageChannel, OutboundMessage } from './channels.ts';
