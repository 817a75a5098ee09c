import { AgreementBrokenV1, AgreementCreatedV1, AgreementInstallmentPaidV1, AgreementSettledV1, CaseDisputedV1, CaseDisputeResolvedV1, CaseSettledV1, CreditRecordedV1, inboundPaymentsTopicFor, PaymentReconciledV1, CONSUMER_GROUPS } from '@regua/contracts';
import { apiKeyIndex } from '@regua/auth';
import { createLease, type Connection } from '@regua/mongo';
import { periodic, startService, type RunningService, type ServiceOverrides } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import { createSettlementBatches } from './cnab-batch.ts';
import { createCnabImport } from './cnab-import.ts';
import { createCnabInbox } from './cnab-inbox.ts';
import { createDocumentMatching } from './document-matching.ts';
import { createPixPoll } from './pix/pix-poll.ts';
import { createPspPixApi } from './pix/psp-api.ts';
import { createGatewayPayments } from './gateway-payments.ts';
import { gatewayWebhookRoutes } from './handlers/http/gateway-webhook.ts';
import { createPaymentFollowUp } from './payment-follow-up.ts';
import { createPaymentMatchingStore } from './store/payment-matching.ts';
import type { PaymentReconciliationEnv } from './config.ts';
import { DEFAULT_NEGOTIATION_PLANS } from './domain/negotiation/offers.ts';
import { onBankPayment, onCasePlanned, onInvoiceRegistered, onInvoiceUpdated, onPaymentReceived } from './handlers/events.ts';
import { cnabUploadRoutes } from './handlers/http/cnab-upload.ts';
import { negotiationPageRoutes } from './handlers/http/negotiation-page.ts';
import { negotiationRoutes } from './handlers/http/negotiation.ts';
import { PIX_WEBHOOK_MAX_BYTES, pixWebhookRoutes } from './handlers/http/pix-webhook.ts';
import { openApiDocument } from './openapi.ts';
import { createNegotiation } from './negotiation.ts';
import { caseInstrumentsPart } from './instruments/wiring.ts';
import { createReconciliation } from './reconciliation.ts';
import { createCnabFileProgress } from './store/cnab-file-progress.ts';
import { createCnabFiles } from './store/cnab-files.ts';
import { createLedger } from './store/ledger.ts';
import { createNegotiationStore } from './store/negotiation.ts';
import { createParkedPayments } from './store/parked-payments.ts';

export const SERVICE_NAME = 'payment-reconciliation';

export function startPaymentReconciliation(env: PaymentReconciliationEnv, overrides: ServiceOverrides = {}): Promise<RunningService> {
  return startService(
    SERVICE_NAME,
    env,
    ({ db, bus, clock, logger, newId }) => {
      const ledger = createLedger(db);
      const negotiationStore = createNegotiationStore(db);
      const negotiation = createNegotiation({
        store: negotiationStore,
        ledger,
        publisher: bus.publisher,
        clock,
        logger,
        source: `${SERVICE_NAME}.negotiation`,
        settings: {
          creditorName: env.PAYMENT_CREDITOR_NAME,
          pixKey: env.PAYMENT_PIX_KEY,
          merchantName: env.PAYMENT_PIX_MERCHANT_NAME,
          merchantCity: env.PAYMENT_PIX_MERCHANT_CITY,
          graceDays: env.PAYMENT_AGREEMENT_GRACE_DAYS,
          // The hook for per-tenant rules (PAYMENT_NEGOTIATION_RULES): charges.ts's and offers.ts's defaults for now.
          rules: { charges: {}, plans: DEFAULT_NEGOTIATION_PLANS },
        },
      });
      const parked = createParkedPayments(db);
      const matching = createPaymentMatchingStore(db);
      const followUp = createPaymentFollowUp({ ledger, parked, store: matching, cases: negotiationStore, logger, source: SERVICE_NAME });
      const caseInstruments = caseInstrumentsPart(env, { db, ledger, publisher: bus.publisher, clock, logger, source: `${SERVICE_NAME}.instruments` });
      // One set of rules for every payment door, one by one (Kafka, webhooks) and in batches (CNAB files).
      const reconcileDeps = { ledger, parked, publisher: bus.publisher, clock, logger, source: SERVICE_NAME, parkWindowHours: env.PAYMENT_PARK_WINDOW_HOURS, agreements: negotiation, followUp, cases: caseInstruments.instruments };
      const reconciliation = createReconciliation(reconcileDeps);
      const invoiceDeps = { ledger, clock, logger, matching };
      const documentMatching = createDocumentMatching({ reconciliation, ledger, parked, store: matching, clock, logger, windowDays: env.PAYMENT_MATCH_WINDOW_DAYS });
      const gateway = createGatewayPayments({ matching: documentMatching, parked, clock, logger, source: `${SERVICE_NAME}.gateway-webhook` });
      const settlements = createSettlementBatches(reconcileDeps);
      const importer = createCnabImport({ files: createCnabFiles(db), progress: createCnabFileProgress(db), settlements, clock, logger, source: `${SERVICE_NAME}.cnab240` });
      const document = openApiDocument({ cnabMaxBytes: env.PAYMENT_CNAB_MAX_BYTES, pixMaxBytes: PIX_WEBHOOK_MAX_BYTES });
      const apiKeys = apiKeyIndex(env.PAYMENT_API_KEYS);
      const background = [
        caseInstruments.background,
        leasedJob('parked-payments-sweep', reconciliation.sweepParked, { db, holder: newId(), intervalMs: env.PAYMENT_PARK_SWEEP_MS, logger }),
        leasedJob('agreements-sweep', negotiation.sweepAgreements, { db, holder: newId(), intervalMs: env.PAYMENT_AGREEMENT_SWEEP_MS, logger }),
      ];
      if (env.PAYMENT_PIX_PSP_URL && env.PAYMENT_PIX_POLL_TENANTS.length > 0) {
        const psp = createPspPixApi({ url: env.PAYMENT_PIX_PSP_URL, token: env.PAYMENT_PIX_PSP_TOKEN, timeoutMs: 10_000 });
        const poll = createPixPoll({
          apis: new Map(env.PAYMENT_PIX_POLL_TENANTS.map((tenant) => [tenant, psp])),
          matching: documentMatching,
          ledger,
          db,
          clock,
          logger,
          source: `${SERVICE_NAME}.pix-poll`,
          overlapMs: env.PAYMENT_PIX_POLL_OVERLAP_MINUTES * 60_000,
          firstLookbackMs: env.PAYMENT_PIX_POLL_LOOKBACK_HOURS * 3_600_000,
        });
        background.push(leasedJob('pix-poll', async () => void (await poll.tick()), { db, holder: newId(), intervalMs: env.PAYMENT_PIX_POLL_INTERVAL_MS, logger }));
      }
      if (env.PAYMENT_CNAB_INBOX_DIR) {
        const tenants = new Set([...env.PAYMENT_API_KEYS.keys(), ...env.PAYMENT_PIX_WEBHOOK_SECRETS.keys(), ...env.PAYMENT_BANK_TENANTS]);
        const inbox = createCnabInbox({ dir: env.PAYMENT_CNAB_INBOX_DIR, tenants, importer, maxBytes: env.PAYMENT_CNAB_MAX_BYTES, settleMs: env.PAYMENT_CNAB_INBOX_SETTLE_MS, logger });
        background.push(leasedJob('cnab-inbox', inbox.scan, { db, holder: newId(), intervalMs: env.PAYMENT_CNAB_INBOX_INTERVAL_MS, logger }));
      }
      return {
        produces: [PaymentReconciledV1.topic, AgreementCreatedV1.topic, AgreementInstallmentPaidV1.topic, AgreementSettledV1.topic, AgreementBrokenV1.topic, CaseDisputedV1.topic, CaseDisputeResolvedV1.topic, CaseSettledV1.topic, CreditRecordedV1.topic, ...caseInstruments.produces],
        // Two groups: a backlog of invoices never delays payments, and each keeps its own dead-letter topic.
        consumers: [
          { group: CONSUMER_GROUPS.paymentInvoices, subscriptions: [onInvoiceRegistered(invoiceDeps), onInvoiceUpdated(invoiceDeps), onCasePlanned({ store: negotiationStore, clock, caseLinks: ledger })], fetchWaitMs: env.PAYMENT_LEDGER_FETCH_WAIT_MS },
          {
            group: CONSUMER_GROUPS.paymentPayments,
            subscriptions: [onPaymentReceived({ reconciliation }), ...env.PAYMENT_BANK_TENANTS.map((tenant) => onBankPayment({ reconciliation, tenant, topic: inboundPaymentsTopicFor(tenant) }))],
          },
          { ...caseInstruments.consumer, fetchWaitMs: env.PAYMENT_LEDGER_FETCH_WAIT_MS },
        ],
        routes: (app) => {
          app.get('/openapi.json', (_req, res) => {
            res.json(document);
          });
          pixWebhookRoutes({ matching: documentMatching, secrets: env.PAYMENT_PIX_WEBHOOK_SECRETS, clock, source: `${SERVICE_NAME}.pix-webhook` })(app);
          gatewayWebhookRoutes({ gateway, secrets: env.PAYMENT_GATEWAY_WEBHOOK_SECRETS, clock })(app);
          cnabUploadRoutes({ importer, apiKeys, maxBytes: env.PAYMENT_CNAB_MAX_BYTES })(app);
          negotiationRoutes({ negotiation, secret: env.PAYMENT_SELF_SERVICE_SECRET, apiKeys, clock })(app);
          negotiationPageRoutes({ negotiation, secret: env.PAYMENT_SELF_SERVICE_SECRET, clock })(app);
        },
        background,
      };
    },
    overrides,
  );
}

/**
 * One replica runs the job at a time (a lease that outlives a few intervals, so a stopped holder is replaced in
 * seconds); each job is safe to repeat, so two at once after a lease was lost only repeat idempotent work (the
 * parked sweep publishes the same event ids again; the inbox finds a file already processed).
 */
function leasedJob(name: string, work: () => Promise<void>, options: { db: Connection; holder: string; intervalMs: number; logger: Logger }) {
  const lease = createLease(options.db, name, options.holder, Math.max(10_000, 5 * options.intervalMs));
  // Wall-clock time, not the service clock: a lease is about real seconds, also in tests.
  const job = periodic(options.intervalMs, async () => ((await lease.tryAcquire(new Date())) ? work() : undefined), (error) => options.logger.warn({ err: (error as Error).message, job: name }, `${name} will retry`));
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
