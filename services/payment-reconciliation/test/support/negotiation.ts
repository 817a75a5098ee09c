// A payment-reconciliation on the real broker and database with a clock the test moves, and the events and calls a
// self-service negotiation starts from: an invoice registered, its case planned, the debtor's signed link.
import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { signLinkToken } from '@regua/auth';
import { loadConfig } from '@regua/config';
import {
  AgreementBrokenV1,
  AgreementCreatedV1,
  AgreementInstallmentPaidV1,
  AgreementSettledV1,
  buildEnvelope,
  CaseDisputedV1,
  CaseDisputeResolvedV1,
  CasePlannedV1,
  debtorKey,
  exampleInvoice,
  invoiceId as toInvoiceId,
  InvoiceRegisteredV1,
  PaymentReconciledV1,
  type Invoice,
} from '@regua/contracts';
import type { RunningService } from '@regua/service-kit';
import { createLogger } from '@regua/telemetry';
import { recordTopics, testEndpoints, uniqueName, waitFor, serviceTestEnv } from '@regua/testing';
import { pixSignature } from '../../src/domain/pix-webhook.ts';
import { PaymentReconciliationEnvSchema, startPaymentReconciliation } from '../../src/service.ts';

export const SELF_SERVICE_SECRET = `self-service-${randomUUID()}`;
export const RECORDED_TOPICS = [AgreementCreatedV1, AgreementInstallmentPaidV1, AgreementSettledV1, AgreementBrokenV1, CaseDisputedV1, CaseDisputeResolvedV1, PaymentReconciledV1].map((e) => e.topic);

export interface NegotiationHarness {
  tenant: string;
  apiKey: string;
  service: RunningService;
  clock: { at: Date };
  url(path: string): string;
  /** Events published on a topic (logical name), parsed. */
  published<T = { id: string; data: Record<string, unknown> }>(topic: string): T[];
  /** An open invoice registered and its case planned, as ingestion and notification publish them; resolves once both are stored. */
  openCase(invoice?: Partial<Invoice>, segment?: string): Promise<{ caseId: string; debtorId: string; invoiceId: string; token: string }>;
  link(caseId: string, expiresAt?: Date, secret?: string): string;
  postPix(receipts: Array<{ txid: string; valor: string; horario?: string }>): Promise<Response>;
  stop(): Promise<void>;
}

export async function startNegotiationHarness(start: Date): Promise<NegotiationHarness> {
  const { kafkaBrokers } = testEndpoints();
  const namespace = `${uniqueName('negot')}.`;
  const tenant = uniqueName('bank');
  const apiKey = `key-${randomUUID()}`;
  const pixSecret = `pix-secret-${randomUUID()}`;
  const clock = { at: start };
  const env = loadConfig(PaymentReconciliationEnvSchema, serviceTestEnv(namespace, {
    PAYMENT_API_KEYS: `${tenant}:${apiKey}`,
    PAYMENT_PIX_WEBHOOK_SECRETS: `${tenant}:${pixSecret}`,
    PAYMENT_SELF_SERVICE_SECRET: SELF_SERVICE_SECRET,
    PAYMENT_AGREEMENT_SWEEP_MS: '200',
    PAYMENT_PARK_SWEEP_MS: '200',
  }));
  const service = await startPaymentReconciliation(env, { clock: { now: () => clock.at }, logger: createLogger({ service: 'negotiation-test', level: 'silent' }) });
  const recorder = await recordTopics(kafkaBrokers, RECORDED_TOPICS.map((t) => namespace + t));
  const producer: Producer = new Kafka({ clientId: 'negotiation-test', brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  const db = () => service.context.db.db!;
  const url = (path: string) => `http://127.0.0.1:${service.port}${path}`;
  const link = (caseId: string, expiresAt = new Date(clock.at.getTime() + 7 * 86_400_000), secret = SELF_SERVICE_SECRET) => signLinkToken({ tenant, caseId, expiresAt }, secret);
  const context = () => ({ id: randomUUID(), occurredAt: clock.at, source: 'test', tenant, correlationId: randomUUID() });

  return {
    tenant,
    apiKey,
    service,
    clock,
    url,
    link,
    published: <T>(topic: string) => recorder.messages.filter((m) => m.topic === namespace + topic).map((m) => m.json<T>()),
    async openCase(overrides = {}, segment = 'medium_risk') {
      const invoice = exampleInvoice({ externalId: `INV-${randomBytes(5).toString('hex')}`, ...overrides });
      const invoiceId = toInvoiceId(tenant, invoice.externalId);
      const debtorId = invoice.debtor.externalId;
      const caseId = `case-${randomUUID()}`;
      await producer.send({ topic: namespace + InvoiceRegisteredV1.topic, messages: [{ key: debtorKey(tenant, debtorId), value: JSON.stringify(buildEnvelope(InvoiceRegisteredV1, context(), { invoiceId, invoice, revision: 1 })) }] });
      const planned = buildEnvelope(CasePlannedV1, context(), { caseId, debtorId, joinedInvoiceIds: [invoiceId], openInvoiceIds: [invoiceId], strategy: 'default', segment, arm: 'control', cadenceId: null, cadenceVersion: 0, nextContact: null });
      await producer.send({ topic: namespace + CasePlannedV1.topic, messages: [{ key: debtorKey(tenant, debtorId), value: JSON.stringify(planned) }] });
      await waitFor(`invoice ${invoiceId} in the ledger`, () => db().collection('receivables').findOne({ _id: invoiceId as never, registeredAt: { $exists: true } }));
      await waitFor(`case ${caseId} stored`, () => db().collection('negotiation_cases').findOne({ _id: caseId as never }));
      return { caseId, debtorId, invoiceId, token: link(caseId) };
    },
    postPix(receipts) {
      const body = JSON.stringify({ pix: receipts.map((r) => ({ endToEndId: `E12345678202612141300${randomBytes(8).toString('hex').slice(0, 11)}`, horario: clock.at.toISOString(), ...r })) });
      return fetch(url(`/v1/webhooks/pix/${tenant}/pix`), { method: 'POST', headers: { 'content-type': 'application/json', 'x-regua-signature': pixSignature(body, pixSecret) }, body });
    },
    async stop() {
      await producer.disconnect();
      await recorder.stop();
      await service.context.db.dropDatabase();
      await service.stop();
    },
  };
}

/** 123.45 for 12345 centavos, as the Pix webhook's `valor`. */
export const valor = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
