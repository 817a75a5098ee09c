import { randomUUID } from 'node:crypto';
import { loadConfig } from '@regua/config';
import { buildEnvelope, DebtorEnrichedV1, PaymentReconciledV1, type EventOf } from '@regua/contracts';
import type { Clock } from '@regua/service-kit';
import { createLogger } from '@regua/telemetry';
import { testEndpoints, uniqueName } from '@regua/testing';
import { ScoringEnvSchema, startScoring, type ScoringService } from '../src/service.ts';

/** One scoring service on the shared broker and database, in a namespace and database of its own. */
export async function startTestScoring(clock: Clock, env: Record<string, string> = {}): Promise<{ service: ScoringService; namespace: string }> {
  const { kafkaBrokers, mongoUrl } = testEndpoints();
  const namespace = `${uniqueName('scoring')}.`;
  const service = await startScoring(
    loadConfig(ScoringEnvSchema, {
      KAFKA_BROKERS: kafkaBrokers.join(','),
      MONGO_URL: mongoUrl,
      MONGO_DB: namespace.replace(/\W/g, '_'),
      KAFKA_NAMESPACE: namespace,
      KAFKA_TOPIC_PARTITIONS: '3',
      HTTP_PORT: '0',
      LOG_LEVEL: 'silent',
      SCORING_RECALIBRATION_INTERVAL_MS: '0',
      // The service's mechanics are tested on the rules score, whose figures are easy to state; the trained model,
      // the default, has its own test (model-default.int.test.ts).
      SCORING_MODEL_ARTIFACT: 'rules',
      ...env,
    }),
    { clock, logger: createLogger({ service: 'scoring-test', level: 'silent' }), retry: { retries: 2, initialDelayMs: 50, maxDelayMs: 100 } },
  );
  return { service, namespace };
}

const context = (tenant: string, at: Date) => ({ id: randomUUID(), occurredAt: at, source: 'test', tenant, correlationId: randomUUID() });

export function enriched(tenant: string, at: Date, data: Partial<EventOf<typeof DebtorEnrichedV1>['data']> & { invoiceId: string; debtorId: string }): EventOf<typeof DebtorEnrichedV1> {
  return buildEnvelope(DebtorEnrichedV1, context(tenant, at), {
    debtorName: 'Maria da Silva',
    amountCents: 123_456,
    dueDate: '2026-11-05',
    status: 'open',
    productType: 'credit_card',
    creditorName: 'Banco Exemplo S.A.',
    contacts: { emails: ['maria@example.com'], mobilePhones: ['+5511987654321'], landlines: [] },
    uf: 'SP',
    timeZone: 'America/Sao_Paulo',
    ...data,
  });
}

export function reconciled(tenant: string, at: Date, data: Omit<EventOf<typeof PaymentReconciledV1>['data'], 'paidAt' | 'paidTotalCents' | 'outstandingCents'> & { outstandingCents?: number }): EventOf<typeof PaymentReconciledV1> {
  const outstandingCents = data.outstandingCents ?? (data.settled ? 0 : 1);
  return buildEnvelope(PaymentReconciledV1, context(tenant, at), { paidTotalCents: data.amountCents, paidAt: at.toISOString(), ...data, outstandingCents });
}
