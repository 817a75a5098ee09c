import { PaymentReconciledV1, CONSUMER_GROUPS } from '@regua/contracts';
import { startService, type RunningService, type ServiceOverrides } from '@regua/service-kit';
import type { PaymentReconciliationEnv } from './config.ts';
import { onInvoiceRegistered, onInvoiceUpdated, onPaymentReceived } from './handlers/events.ts';
import { createLedger } from './store/ledger.ts';

export const SERVICE_NAME = 'payment-reconciliation';

export function startPaymentReconciliation(env: PaymentReconciliationEnv, overrides: ServiceOverrides = {}): Promise<RunningService> {
  return startService(
    SERVICE_NAME,
    env,
    ({ db, bus, clock, logger }) => {
      const deps = { ledger: createLedger(db), publisher: bus.publisher, clock, logger, source: SERVICE_NAME };
      return {
        produces: [PaymentReconciledV1.topic],
        // Two groups: a backlog of invoices never delays payments, and each keeps its own dead-letter topic.
        consumers: [
          { group: CONSUMER_GROUPS.paymentInvoices, subscriptions: [onInvoiceRegistered(deps), onInvoiceUpdated(deps)] },
          { group: CONSUMER_GROUPS.paymentPayments, subscriptions: [onPaymentReceived(deps)] },
        ],
      };
    },
    overrides,
  );
}

export { PaymentReconciliationEnvSchema } from './config.ts';
export { createLedger } from './store/ledger.ts';
