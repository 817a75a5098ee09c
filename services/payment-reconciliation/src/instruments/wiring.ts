import { CaseInstrumentsIssuedV1, CONSUMER_GROUPS } from '@regua/contracts';
import type { EventPublisher } from '@regua/kafka-bus';
import type { Connection } from '@regua/mongo';
import type { Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import { createHttpBank } from '../banks/http-bank.ts';
import type { PaymentReconciliationEnv } from '../config.ts';
import { caseInstrumentSubscriptions } from '../handlers/case-instruments.ts';
import type { Ledger } from '../store/ledger.ts';
import { createInstrumentStore } from '../store/instruments.ts';
import { createCaseInstruments } from './case-instruments.ts';

/** The case instruments' part of the service: the bank adapter (when PAYMENT_BANK_URL is set), its consumer group, its topic. */
export function caseInstrumentsPart(env: PaymentReconciliationEnv, deps: { db: Connection; ledger: Ledger; publisher: EventPublisher; clock: Clock; logger: Logger; source: string }) {
  const bank = env.PAYMENT_BANK_URL
    ? createHttpBank({
        url: env.PAYMENT_BANK_URL,
        token: env.PAYMENT_BANK_TOKEN,
        bankCode: env.PAYMENT_BANK_CODE,
        agency: env.PAYMENT_BANK_AGENCY,
        agreement: env.PAYMENT_BANK_AGREEMENT,
        wallet: env.PAYMENT_BANK_WALLET,
        timeoutMs: env.PAYMENT_BANK_TIMEOUT_MS,
        retry: { retries: 3, baseDelayMs: 200, maxDelayMs: 5_000 },
        breaker: { failures: 5, resetMs: 30_000, windowMs: 60_000 },
        logger: deps.logger,
      })
    : undefined;
  const instruments = createCaseInstruments({
    store: createInstrumentStore(deps.db),
    ledger: deps.ledger,
    bank,
    publisher: deps.publisher,
    clock: deps.clock,
    logger: deps.logger,
    source: deps.source,
    settings: { pixKey: env.PAYMENT_PIX_KEY, merchantName: env.PAYMENT_PIX_MERCHANT_NAME, merchantCity: env.PAYMENT_PIX_MERCHANT_CITY, dueInDays: env.PAYMENT_CASE_INSTRUMENT_DAYS },
  });
  return {
    instruments,
    produces: [CaseInstrumentsIssuedV1.topic],
    consumer: { group: CONSUMER_GROUPS.paymentInstruments, subscriptions: caseInstrumentSubscriptions({ instruments, withPayers: bank !== undefined }) },
    /** Stops the bank's breaker timers with the service. */
    background: { start() {}, stop: async () => bank?.close() },
  };
}
