/**
 * The read model's aggregates are counter documents, one per combination of the dimensions a page filters or groups
 * by, changed by `$inc` as events arrive. A page reads the counters of one tenant (and a day range where figures are
 * daily), never the cases: their number follows days × dimensions, not the portfolio.
 */
export type CounterCollection = 'counters_due' | 'counters_open' | 'counters_daily' | 'counters_funnel' | 'counters_strategy';

export interface CounterInc {
  collection: CounterCollection;
  /** The counter document's `_id`: its dimensions joined. */
  id: string;
  /** The dimensions as fields, written when the document is created, so pages filter on them. */
  keys: Record<string, string | number>;
  inc: Record<string, number>;
}

const join = (...parts: Array<string | number>) => parts.join('|');

/** Open and placed amounts per due date: the cohorts aging and roll rates are computed from. */
export function dueCounter(tenant: string, creditor: string, segment: string, dueDate: string, inc: CounterInc['inc']): CounterInc {
  return { collection: 'counters_due', id: join(tenant, creditor, segment, dueDate), keys: { tenant, creditor, segment, dueDate }, inc };
}

/** Open invoices and amounts by one dimension (`product`, `stage`). */
export function openCounter(tenant: string, creditor: string, segment: string, dim: 'product' | 'stage', value: string, inc: CounterInc['inc']): CounterInc {
  return { collection: 'counters_open', id: join(tenant, creditor, segment, dim, value), keys: { tenant, creditor, segment, dim, value }, inc };
}

/** What happened on one day: placements, payments, promises, agreements, disputes… (`DAILY_FIELDS`). */
export function dailyCounter(tenant: string, creditor: string, segment: string, day: string, inc: Partial<Record<DailyField, number>>): CounterInc {
  return { collection: 'counters_daily', id: join(tenant, creditor, segment, day), keys: { tenant, creditor, segment, day }, inc: inc as Record<string, number> };
}

export interface FunnelDims {
  tenant: string;
  creditor: string;
  segment: string;
  /** The day the message was sent: its receipts and the payment it is credited with count on that day too. */
  day: string;
  channel: string;
  template: string;
  step: number;
}

export function funnelCounter(d: FunnelDims, inc: Partial<Record<FunnelField, number>>): CounterInc {
  return { collection: 'counters_funnel', id: join(d.tenant, d.creditor, d.segment, d.day, d.channel, d.template, d.step), keys: { ...d }, inc: inc as Record<string, number> };
}

/** A case's cohort: the day it was first planned and the segment, strategy and experiment arm it was put on. */
export interface Cohort {
  tenant: string;
  creditor: string;
  segment: string;
  day: string;
  strategy: string;
  arm: string;
}

export function strategyCounter(c: Cohort, inc: Partial<Record<StrategyField, number>>): CounterInc {
  return { collection: 'counters_strategy', id: join(c.tenant, c.creditor, c.segment, c.day, c.strategy, c.arm), keys: { ...c }, inc: inc as Record<string, number> };
}

export const DAILY_FIELDS = [
  'placedCount',
  'placedCents',
  'payments',
  'recoveredCents',
  'invoicesPaid',
  'promises',
  'promisedCents',
  'calls',
  'agreementsMade',
  'agreementsKept',
  'agreementsBroken',
  'installmentsPaid',
  'disputes',
  'escalations',
  'settledByCreditor',
  'credits',
  'bureauRegistered',
  'bureauWithdrawn',
  'judicialOpened',
  'judicialClaimCents',
  'judicialClosed',
  'judicialAgreedCents',
] as const;
export type DailyField = (typeof DAILY_FIELDS)[number];

export const FUNNEL_FIELDS = ['sent', 'delivered', 'read', 'failed', 'paid', 'paidCents'] as const;
export type FunnelField = (typeof FUNNEL_FIELDS)[number];

export const STRATEGY_FIELDS = ['cases', 'casesPaid', 'placedCents', 'recoveredCents', 'sent_email', 'sent_sms', 'sent_whatsapp', 'sent_voice'] as const;
export type StrategyField = (typeof STRATEGY_FIELDS)[number];

/**
 * One `$inc` per counter document for a whole run of events: increments of one document are summed, zero sums
 * dropped. Fewer writes, and none of them concurrent on one document (FerretDB applies an update as an unlocked
 * read-modify-write).
 */
export function mergeIncs(incs: readonly CounterInc[]): CounterInc[] {
  const merged = new Map<string, CounterInc>();
  for (const inc of incs) {
    const key = `${inc.collection}/${inc.id}`;
    const into = merged.get(key) ?? { ...inc, inc: {} };
    for (const [field, n] of Object.entries(inc.inc)) into.inc[field] = (into.inc[field] ?? 0) + n;
    merged.set(key, into);
  }
  return [...merged.values()]
    .map((c) => ({ ...c, inc: Object.fromEntries(Object.entries(c.inc).filter(([, n]) => n !== 0)) }))
    .filter((c) => Object.keys(c.inc).length > 0);
}
