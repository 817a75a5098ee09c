// A legal service on the real broker and database, with a clock the test moves and the bureau stand-in behind its
// HTTP adapter; events in as the other services publish them, events out recorded from the topics.
import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { startBureauStandIn, type BureauStandIn } from '@regua/bureau-standin';
import { loadConfig } from '@regua/config';
import {
  BureauNoticeSentV1,
  BureauRegisteredV1,
  BureauWithdrawnV1,
  buildEnvelope,
  CaseEscalatedV1,
  CasePlannedV1,
  debtorKey,
  exampleInvoice,
  invoiceId as toInvoiceId,
  InvoiceRegisteredV1,
  JudicialCaseClosedV1,
  JudicialCaseOpenedV1,
  JudicialMovementRecordedV1,
  type AnyEventDefinition,
  type Invoice,
} from '@regua/contracts';
import { createLogger } from '@regua/telemetry';
import { recordTopics, serviceTestEnv, testEndpoints, uniqueName, waitFor } from '@regua/testing';
import { LegalEnvSchema, startLegal, type LegalService } from '../src/service.ts';

export const RECORDED = [BureauNoticeSentV1, BureauRegisteredV1, BureauWithdrawnV1, CaseEscalatedV1, JudicialCaseOpenedV1, JudicialMovementRecordedV1, JudicialCaseClosedV1];

export interface LegalHarness {
  tenant: string;
  apiKey: string;
  service: LegalService;
  bureau: BureauStandIn;
  clock: { at: Date };
  // Answers and events are JSON the expectations read field by field; each expectation checks what it reads.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  published<T = { id: string; data: any }>(topic: string): T[];
  send<D extends AnyEventDefinition>(definition: D, debtorId: string, data: unknown): Promise<void>;
  /** An invoice registered (ingestion) and its case planned (notification); resolves once legal knows both. */
  openCase(invoice?: Partial<Invoice>): Promise<{ caseId: string; debtorId: string; invoiceId: string; invoice: Invoice }>;
  /** Runs the due bureau steps now, at the clock's time. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

export async function startLegalHarness(start: Date, extraEnv: Record<string, string> = {}): Promise<LegalHarness> {
  const { kafkaBrokers } = testEndpoints();
  const namespace = `${uniqueName('legal')}.`;
  const tenant = uniqueName('bank');
  const apiKey = `key-${randomUUID()}`;
  const clock = { at: start };
  const bureauToken = `bureau-${randomUUID()}`;
  const bureau = await startBureauStandIn({ token: bureauToken, latencyMs: [0, 0], now: () => clock.at });
  const env = loadConfig(
    LegalEnvSchema,
    serviceTestEnv(namespace, { LEGAL_API_KEYS: `${tenant}:${apiKey}`, LEGAL_BUREAU_URL: bureau.url, LEGAL_BUREAU_TOKEN: bureauToken, LEGAL_BUREAU_NAME: 'standin', LEGAL_BUREAU_RETRIES: '0', LEGAL_TICK_MS: '0', LEGAL_WITHDRAWAL_MAX_ATTEMPTS: '2', LEGAL_RETRY_DELAY_MS: '60000', ...extraEnv }),
  );
  const service = await startLegal(env, { clock: { now: () => clock.at }, logger: createLogger({ service: 'legal-test', level: process.env.LEGAL_TEST_LOG ?? 'silent' }), retry: { retries: 2, initialDelayMs: 50, maxDelayMs: 100 } });
  const recorder = await recordTopics(kafkaBrokers, RECORDED.map((e) => namespace + e.topic));
  const producer: Producer = new Kafka({ clientId: 'legal-test', brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  const db = () => service.context.db.db!;
  const context = () => ({ id: randomUUID(), occurredAt: clock.at, source: 'test', tenant, correlationId: randomUUID() });
  const send = async <D extends AnyEventDefinition>(definition: D, debtorId: string, data: unknown) => {
    await producer.send({ topic: namespace + definition.topic, messages: [{ key: debtorKey(tenant, debtorId), value: JSON.stringify(buildEnvelope(definition, context(), data as never)) }] });
  };

  return {
    tenant,
    apiKey,
    service,
    bureau,
    clock,
    async call(method, path, body, headers = {}) {
      const isText = typeof body === 'string';
      const response = await fetch(`http://127.0.0.1:${service.port}${path}`, {
        method,
        headers: { 'x-api-key': apiKey, ...(body === undefined ? {} : { 'content-type': isText ? 'text/csv' : 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: isText ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    published: <T>(topic: string) => recorder.messages.filter((m) => m.topic === namespace + topic).map((m) => m.json<T>()),
    send,
    async openCase(overrides = {}) {
      const invoice = exampleInvoice({ externalId: `INV-${randomBytes(5).toString('hex')}`, issueDate: '2020-01-01', ...overrides });
      const invoiceId = toInvoiceId(tenant, invoice.externalId);
      const debtorId = invoice.debtor.externalId;
      const caseId = `case-${randomUUID()}`;
      await send(InvoiceRegisteredV1, debtorId, { invoiceId, invoice, revision: 1 });
      await send(CasePlannedV1, debtorId, { caseId, debtorId, joinedInvoiceIds: [invoiceId], openInvoiceIds: [invoiceId], strategy: 'default', arm: 'champion', cadenceId: 'default', cadenceVersion: 1, nextContact: null });
      await waitFor(`invoice ${invoiceId} and case ${caseId} known to legal`, async () => {
        const stored = (await db().collection('legal_invoices').findOne({ _id: invoiceId as never })) as { amountCents?: number } | null;
        const link = (await db().collection('legal_invoice_cases').findOne({ _id: invoiceId as never })) as { caseId?: string } | null;
        return stored?.amountCents !== undefined && link?.caseId === caseId;
      });
      return { caseId, debtorId, invoiceId, invoice };
    },
    tick: () => service.negativacao.runDue(),
    async stop() {
      await producer.disconnect();
      await recorder.stop();
      await service.context.db.dropDatabase();
      await service.stop();
      await bureau.close();
    },
  };
}
