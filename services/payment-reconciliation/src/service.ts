import { inboundPaymentsTopicFor, PaymentReconciledV1, CONSUMER_GROUPS } from '@regua/contracts';
import { createLease, type Connection } from '@regua/mongo';
import { periodic, startService, type RunningService, type ServiceOverrides } from '@regua/service-kit';
import type { PaymentReconciliationEnv } from './config.ts';
import { onBankPayment, onInvoiceRegistered, onInvoiceUpdated, onPaymentReceived } from './handlers/events.ts';
import { createReconciliation } from './reconciliation.ts';
import { createLedger } from './store/ledger.ts';
import { createParkedPayments } from './store/parked-payments.ts';

export const SERVICE_NAME = 'payment-reconciliation';

export function startPaymentReconciliation(env: PaymentReconciliationEnv, overrides: ServiceOverrides = {}): Promise<RunningService> {
  return startService(
    SERVICE_NAME,
    env,
    ({ db, bus, clock, logger, newId }) => {
      const ledger = createLedger(db);
      const reconciliation = createReconciliation({ ledger, parked: createParkedPayments(db), publisher: bus.publisher, clock, logger, source: SERVICE_NAME, parkWindowHours: env.PAYMENT_PARK_WINDOW_HOURS });
      const invoiceDeps = { ledger, clock, logger };
      return {
        produces: [PaymentReconciledV1.topic],
        // Two groups: a backlog of invoices never delays payments, and each keeps its own dead-letter topic.
        consumers: [
          { group: CONSUMER_GROUPS.paymentInvoices, subscriptions: [onInvoiceRegistered(invoiceDeps), onInvoiceUpdated(invoiceDeps)] },
          {
            group: CONSUMER_GROUPS.paymentPayments,
            subscriptions: [onPaymentReceived({ reconciliation }), ...env.PAYMENT_BANK_TENANTS.map((tenant) => onBankPayment({ reconciliation, tenant, topic: inboundPaymentsTopicFor(tenant) }))],
          },
        ],
        background: [parkedPaymentsSweep(reconciliation.sweepParked, { db, holder: newId(), intervalMs: env.PAYMENT_PARK_SWEEP_MS, onError: (error) => logger.warn({ err: (error as Error).message }, 'parked payments sweep will retry') })],
      };
    },
    overrides,
  );
}

/**
 * One replica sweeps at a time (a lease that outlives a few intervals, so a stopped holder is replaced in seconds);
 * a sweep is safe to repeat, so two at once after a lease was lost only publish the same event ids again.
 */
function parkedPaymentsSweep(sweep: () => Promise<void>, options: { db: Connection; holder: string; intervalMs: number; onError(error: unknown): void }) {
  const lease = createLease(options.db, 'parked-payments-sweep', options.holder, Math.max(10_000, 5 * options.intervalMs));
  // Wall-clock time, not the service clock: a lease is about real seconds, also in tests.
  const job = periodic(options.intervalMs, async () => (await lease.tryAcquire(new Date())) ? sweep() : undefined, options.onError);
  return {
    start: job.start,
    async stop() {
      await job.stop();
      await lease.release().catch(() => undefined);
    },
  };
}

export { PaymentReconciliationEnvSchema } from './config.ts';
export { createLedger } from './store/ledger.ts';
