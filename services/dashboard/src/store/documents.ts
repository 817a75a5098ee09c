import type { Cohort, FunnelDims } from '../domain/counters.ts';
import type { CountedSnapshot, InvoiceFacts } from '../domain/invoice-state.ts';

/** One invoice as the dashboard sees it (`invoices`, `_id` = invoice id): figures, score and the debtor's data. */
export interface InvoiceDoc extends InvoiceFacts {
  _id: string;
  creditorName: string | null;
  debtorId: string | null;
  /** The invoice event revision applied last (ingestion numbers them); an older one arriving late is ignored. */
  revision: number;
  /** Every payment matched to the invoice so far (payment-reconciliation's running total). */
  paidTotalCents: number;
  strategy: string | null;
  score: number | null;
  probability: number | null;
  band: string | null;
  reasons: Array<{ feature: string; text: string; effect: number }>;
  modelVersion: string | null;
  scoredAt: string | null;
  /** Personal data, shown masked unless the role allows; never copied into counters or the timeline. */
  debtor: { name: string; taxIdType: 'cpf' | 'cnpj'; taxId: string; emails: string[]; phones: string[]; uf: string | null; city: string | null } | null;
  counted: CountedSnapshot | null;
}

/** One collection case (`cases`, `_id` = notification's case id): a debtor's conversation with one creditor. */
export interface CaseDoc {
  _id: string;
  tenant: string;
  creditor: string;
  debtorId: string;
  invoiceIds: string[];
  strategy: string | null;
  arm: string | null;
  segment: string | null;
  cadenceId: string | null;
  /** Set when the case is first planned; the strategy counters of the case stay on it. */
  cohort: Cohort | null;
  settled: boolean;
  escalation: { reason: string; detail: string; at: string; openAmountCents: number } | null;
  paused: { reason: string; at: string; by: string } | null;
  agreement: { id: string; status: 'active' | 'settled' | 'broken'; totalCents: number } | null;
  dispute: { id: string; reason: string; status: 'open' | 'upheld' | 'rejected' } | null;
  /** The last message sent: a payment is credited to it (last touch) in the channel funnel. */
  lastContact: (FunnelDims & { contactId: string; at: string }) | null;
  promises: Array<{ actionId: string; amountCents: number; promisedFor: string; by: string; at: string }>;
  reviews: Array<{ actionId: string; decision: string; note: string; by: string; at: string }>;
}

/** One message (`contacts`, `_id` = contact id): what the funnel counted of it so far. */
export interface ContactDoc {
  _id: string;
  tenant: string;
  caseId: string;
  channel: string;
  sent: FunnelDims | null;
  delivered: boolean;
  read: boolean;
  failed: boolean;
  counted: { sent: boolean; delivered: boolean; read: boolean; failed: boolean };
}

/** An event on a case's or an invoice's timeline (`timeline`, `_id` = `subject:eventId`): ids and figures, no personal data. */
export interface TimelineDoc {
  _id: string;
  subject: string;
  tenant: string;
  eventId: string;
  type: string;
  source: string;
  at: string;
  text: string;
}

/** An escalated case in the work queue (`work_queue`, `_id` = case id), with its priority: expected recovery. */
export interface QueueDoc {
  _id: string;
  tenant: string;
  creditor: string;
  debtorId: string;
  active: boolean;
  priorityCents: number;
  openCents: number;
  reason: string;
  detail: string;
  segment: string | null;
  escalatedAt: string;
  updatedAt: string;
}

export function newInvoice(id: string, tenant: string): InvoiceDoc {
  return {
    _id: id,
    tenant,
    creditor: 'unknown',
    creditorName: null,
    debtorId: null,
    caseId: null,
    registered: false,
    revision: 0,
    paidTotalCents: 0,
    amountCents: 0,
    outstandingCents: 0,
    dueDate: '1970-01-01',
    placedDay: '1970-01-01',
    product: 'other',
    status: 'open',
    segment: null,
    strategy: null,
    score: null,
    probability: null,
    band: null,
    reasons: [],
    modelVersion: null,
    scoredAt: null,
    flags: { escalated: false, paused: false, agreement: false, disputed: false },
    debtor: null,
    counted: null,
  };
}

export function newCase(id: string, tenant: string, debtorId: string): CaseDoc {
  return { _id: id, tenant, creditor: 'unknown', debtorId, invoiceIds: [], strategy: null, arm: null, segment: null, cadenceId: null, cohort: null, settled: false, escalation: null, paused: null, agreement: null, dispute: null, lastContact: null, promises: [], reviews: [] };
}

export function newContact(id: string, tenant: string, caseId: string, channel: string): ContactDoc {
  return { _id: id, tenant, caseId, channel, sent: null, delivered: false, read: false, failed: false, counted: { sent: false, delivered: false, read: false, failed: false } };
}
