import { DataSubjectErasureRequestedV1 } from './data-subjects/data-subject-erasure-requested.v1.ts';
import { DebtorEnrichedV1 } from './debtors/debtor-enriched.v1.ts';
import { CaseScoredV1 } from './debtors/case-scored.v1.ts';
import { DebtorScoredV1 } from './debtors/debtor-scored.v1.ts';
import { InvoiceRegisteredV1 } from './invoices/invoice-registered.v1.ts';
import { InvoiceSettledByCreditorV1 } from './invoices/invoice-settled-by-creditor.v1.ts';
import { InvoiceUpdatedV1 } from './invoices/invoice-updated.v1.ts';
import { CaseEscalatedV1, CasePlannedV1, NotificationDeliveredV1, NotificationFailedV1, NotificationReadV1, NotificationSentV1 } from './notifications/notification-events.v1.ts';
import { AgreementBrokenV1, AgreementCreatedV1, AgreementInstallmentPaidV1, AgreementSettledV1 } from './agreements/agreement-events.v1.ts';
import { CaseDisputedV1, CaseDisputeResolvedV1 } from './agreements/dispute-events.v1.ts';
import { PaymentReceivedV1 } from './payments/payment-received.v1.ts';
import { PaymentReconciledV1 } from './payments/payment-reconciled.v1.ts';
import { CaseInstrumentsIssuedV1 } from './payments/case-instruments-issued.v1.ts';
import { CaseSettledV1 } from './payments/case-settled.v1.ts';
import { CreditRecordedV1 } from './payments/credit-recorded.v1.ts';
import { BureauNoticeSentV1, BureauRegisteredV1, BureauWithdrawnV1 } from './legal/bureau-events.v1.ts';
import { JudicialCaseClosedV1, JudicialCaseOpenedV1, JudicialMovementRecordedV1 } from './legal/judicial-events.v1.ts';
import { CaseOperatorActionV1 } from './operations/operator-actions.v1.ts';

/**
 * Every Kafka topic Régua uses, with its partitions and settings, declared once. `pnpm infra:up` and the stack
 * create them before any service starts; each service applies the ones it touches again at start-up (a no-op
 * when they exist), so a deployment without that step still comes up. Topics are never created implicitly:
 * the local broker runs with `auto.create.topics.enable=false`, and so should production brokers.
 */
export interface TopicSpec {
  name: string;
  /** `event`: Régua's own events and what banks send in; `dead-letter`: a consumer group's failures. */
  kind: 'event' | 'dead-letter';
  /**
   * Fixed once the topic exists: adding partitions moves keys to other partitions and breaks per-debtor order,
   * so a later change here is reported at start-up, never applied.
   */
  partitions: number;
  /** Topic-level broker settings (`retention.ms`, `cleanup.policy`, …). */
  config: Record<string, string>;
  description: string;
}

const DAY_MS = 86_400_000;

/**
 * Six partitions: enough for six consumers of one group to share the work, few enough for one small broker.
 * Keys are `tenant:debtorId`, so one debtor's events stay in one partition, in order.
 */
const EVENT_DEFAULTS = { kind: 'event', partitions: 6, config: { 'cleanup.policy': 'delete', 'retention.ms': String(7 * DAY_MS) } } as const;
/**
 * Dead letters wait for a person: kept a month, and in one partition so that a replay sees them in the order
 * they failed.
 */
const DEAD_LETTER_DEFAULTS = { kind: 'dead-letter', partitions: 1, config: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * DAY_MS) } } as const;

/** Consumer group ids. Each group's dead-letter topic is derived from its id. */
export const CONSUMER_GROUPS = {
  ingestionInbound: 'regua.ingestion.inbound',
  enrichment: 'regua.enrichment',
  scoring: 'regua.scoring',
  notification: 'regua.notification',
  paymentInvoices: 'regua.payment-reconciliation.invoices',
  paymentPayments: 'regua.payment-reconciliation.payments',
  paymentInstruments: 'regua.payment-reconciliation.instruments',
  legal: 'regua.legal',
  dashboard: 'regua.dashboard',
} as const;

export function deadLetterTopicFor(groupId: string): string {
  return `${groupId}.dlq.v1`;
}

/**
 * The banks' Kafka doors, one per tenant: tenant T produces its overdue invoices to `bank.T.invoices.overdue.v1`,
 * a topic only T's Kafka principal may write (broker ACLs), so ingestion takes the tenant from the topic.
 */
export const INBOUND_INVOICES_TOPIC = 'bank.{tenant}.invoices.overdue.v1';

/** The Kafka door of one tenant (`template` is ingestion's INGESTION_INBOUND_TOPIC). */
export function inboundInvoicesTopicFor(tenant: string, template: string = INBOUND_INVOICES_TOPIC): string {
  return template.replace('{tenant}', tenant);
}

/**
 * The banks' payment doors, one per tenant, like the invoice doors: a bank or PSP reports payments (the
 * `PaymentReceived` v1 envelope) on `bank.T.payments.received.v1`, which only its principal may write.
 * `collections.payment.received.v1` is Régua's own (its webhooks publish there); no bank may write it.
 */
export const INBOUND_PAYMENTS_TOPIC = 'bank.{tenant}.payments.received.v1';

export function inboundPaymentsTopicFor(tenant: string, template: string = INBOUND_PAYMENTS_TOPIC): string {
  return template.replace('{tenant}', tenant);
}

const doorPattern = (template: string) => new RegExp(`^${template.replaceAll('.', '\\.').replace('{tenant}', '[\\w.-]{1,64}')}$`);
const BANK_DOORS = [
  { pattern: doorPattern(INBOUND_INVOICES_TOPIC), description: "a creditor's overdue invoices, written by its own Kafka principal only" },
  { pattern: doorPattern(INBOUND_PAYMENTS_TOPIC), description: "payments reported by a creditor's bank or PSP, written by its own Kafka principal only" },
];

const event = (name: string, description: string): TopicSpec => ({ ...EVENT_DEFAULTS, config: { ...EVENT_DEFAULTS.config }, name, description });
const deadLetter = (groupId: string): TopicSpec => ({
  ...DEAD_LETTER_DEFAULTS,
  config: { ...DEAD_LETTER_DEFAULTS.config },
  name: deadLetterTopicFor(groupId),
  description: `messages consumer group ${groupId} could not handle, with the reason in dlq-* headers`,
});

export const TOPICS: readonly TopicSpec[] = [
  event(InvoiceRegisteredV1.topic, 'an invoice entered collection'),
  event(InvoiceUpdatedV1.topic, 'a registered invoice changed'),
  event(InvoiceSettledByCreditorV1.topic, 'the creditor marked an invoice paid or cancelled'),
  event(DebtorEnrichedV1.topic, 'debtor contacts cleaned and completed'),
  event(DebtorScoredV1.topic, 'debtor scored and segmented'),
  event(CaseScoredV1.topic, 'a case scored or re-scored: score, band, segment, strategy, reasons, model version'),
  event(CasePlannedV1.topic, "invoices joined a debtor's case; the case's next contact as planned"),
  event(NotificationSentV1.topic, 'a message went out on one channel for one step of a case'),
  event(NotificationDeliveredV1.topic, "a provider's verified receipt: delivered"),
  event(NotificationReadV1.topic, "a provider's verified receipt: read, opened or answered"),
  event(NotificationFailedV1.topic, 'a message could not be delivered'),
  event(CaseEscalatedV1.topic, 'a case went to the human work queue, with the reason'),
  event(AgreementCreatedV1.topic, "a debtor accepted an offer: the case's invoices renegotiated into installments"),
  event(AgreementInstallmentPaidV1.topic, 'an installment of an agreement was paid'),
  event(AgreementBrokenV1.topic, 'an installment went unpaid past the grace period: collection resumes'),
  event(AgreementSettledV1.topic, 'every installment of an agreement paid'),
  event(CaseDisputedV1.topic, 'a debtor contested a debt: collection pauses until an operator decides'),
  event(CaseDisputeResolvedV1.topic, 'an operator decided a dispute: the debt cancelled, or collection resumes'),
  event(PaymentReceivedV1.topic, 'a payment reported by a bank or PSP, before matching'),
  event(PaymentReconciledV1.topic, 'a payment matched to an invoice'),
  event(CaseInstrumentsIssuedV1.topic, "Régua's own Pix BR Code and registered boleto for what a case owes now"),
  event(CaseSettledV1.topic, 'every invoice of a case settled by reconciled payments: collection of the case stops'),
  event(CreditRecordedV1.topic, "money paid beyond an invoice's debt (an overpayment's excess, a payment of a settled invoice) kept as the debtor's credit"),
  event(BureauNoticeSentV1.topic, 'the credit bureau sent the debtor the written notice before registration, with its proof'),
  event(BureauRegisteredV1.topic, "a case's debt registered at the credit bureau after the notice's waiting period"),
  event(BureauWithdrawnV1.topic, 'a credit-bureau registration withdrawn (payment, agreement, dispute, court agreement or five years)'),
  event(JudicialCaseOpenedV1.topic, 'a case moved to a judicial track (CNJ process number, court, law firm, claim)'),
  event(JudicialMovementRecordedV1.topic, 'a movement of a judicial case: hearing scheduled, sentence, agreement in court, archived'),
  event(JudicialCaseClosedV1.topic, 'an agreement in court closed the case like a payment'),
  event(CaseOperatorActionV1.topic, "an operator acted on a case from the dashboard: a call's outcome, a promise to pay, a pause or resume, a dispute, a score's human review"),
  event(DataSubjectErasureRequestedV1.topic, "a creditor asked for a data subject's personal data to be erased (ids only, never the tax id)"),
  ...Object.values(CONSUMER_GROUPS).map(deadLetter),
];

const byName = new Map(TOPICS.map((t) => [t.name, t]));

/**
 * The declared spec of a topic. A name the registry does not list (an operator-configured inbound topic) gets
 * the defaults of its kind, recognised by the dead-letter suffix.
 */
export function topicSpec(name: string): TopicSpec & { declared: boolean } {
  const declared = byName.get(name);
  if (declared) return { ...declared, config: { ...declared.config }, declared: true };
  // The banks' doors are declared as patterns, one topic per tenant.
  const door = BANK_DOORS.find(({ pattern }) => pattern.test(name));
  if (door) return { ...event(name, door.description), declared: true };
  return name.endsWith('.dlq.v1') ? { ...deadLetter(name.slice(0, -'.dlq.v1'.length)), declared: false } : { ...event(name, 'not declared in the topic registry'), declared: false };
}
