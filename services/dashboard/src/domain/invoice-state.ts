import { dailyCounter, dueCounter, mergeIncs, openCounter, type CounterInc } from './counters.ts';

/** Where an invoice stands for the portfolio: its collection stage while open, its status once closed. */
export type Stage = 'registered' | 'collecting' | 'escalated' | 'paused' | 'agreement' | 'disputed' | 'paid' | 'cancelled' | 'renegotiated';

/** What the read model knows of an invoice that its figures depend on. */
export interface InvoiceFacts {
  tenant: string;
  /** The creditor's CNPJ (digits), the scope an operator may be limited to. */
  creditor: string;
  /** Registered: amounts, due date and product are known (events of other services may arrive first). */
  registered: boolean;
  amountCents: number;
  outstandingCents: number;
  dueDate: string;
  /** The day it was registered: its placement counts on that day, under its current segment. */
  placedDay: string;
  product: string;
  status: 'open' | 'paid' | 'cancelled' | 'renegotiated';
  segment: string | null;
  caseId: string | null;
  flags: { escalated: boolean; paused: boolean; agreement: boolean; disputed: boolean };
}

/** The part of an invoice the counters hold right now: kept on the invoice's document, so a change moves exactly it. */
export interface CountedSnapshot {
  creditor: string;
  segment: string;
  dueDate: string;
  placedDay: string;
  product: string;
  stage: Stage;
  open: boolean;
  amountCents: number;
  outstandingCents: number;
}

export const UNSCORED = 'unscored';

export function stageOf(facts: InvoiceFacts): Stage {
  if (facts.status !== 'open') return facts.status;
  if (facts.flags.disputed) return 'disputed';
  if (facts.flags.agreement) return 'agreement';
  if (facts.flags.paused) return 'paused';
  if (facts.flags.escalated) return 'escalated';
  return facts.caseId ? 'collecting' : 'registered';
}

export function snapshotOf(facts: InvoiceFacts): CountedSnapshot | null {
  if (!facts.registered) return null;
  const open = facts.status === 'open' && facts.outstandingCents > 0;
  return { creditor: facts.creditor, segment: facts.segment ?? UNSCORED, dueDate: facts.dueDate, placedDay: facts.placedDay, product: facts.product, stage: stageOf(facts), open, amountCents: facts.amountCents, outstandingCents: open ? facts.outstandingCents : 0 };
}

function countersOf(tenant: string, s: CountedSnapshot, sign: 1 | -1): CounterInc[] {
  const incs = [
    dueCounter(tenant, s.creditor, s.segment, s.dueDate, { placedCount: sign, placedCents: sign * s.amountCents, openCount: s.open ? sign : 0, openCents: sign * s.outstandingCents }),
    dailyCounter(tenant, s.creditor, s.segment, s.placedDay, { placedCount: sign, placedCents: sign * s.amountCents }),
  ];
  if (s.open) {
    incs.push(openCounter(tenant, s.creditor, s.segment, 'product', s.product, { count: sign, cents: sign * s.outstandingCents }));
    incs.push(openCounter(tenant, s.creditor, s.segment, 'stage', s.stage, { count: sign, cents: sign * s.outstandingCents }));
  }
  return incs;
}

/**
 * What the counters must change by when an invoice goes from what they hold (`before`) to `after`: the old
 * snapshot taken out, the new one put in. Works whatever order events arrive in, since each event only moves the
 * invoice from one snapshot to the next.
 */
export function snapshotDelta(tenant: string, before: CountedSnapshot | null, after: CountedSnapshot | null): CounterInc[] {
  return mergeIncs([...(before ? countersOf(tenant, before, -1) : []), ...(after ? countersOf(tenant, after, 1) : [])]);
}

/**
 * Expected recovery of a case, the work queue's priority: each open invoice's amount times its probability of
 * payment (the score / 1000 where no probability came with it; one half when not scored yet).
 */
export function expectedRecoveryCents(invoices: ReadonlyArray<{ outstandingCents: number; open: boolean; probability: number | null; score: number | null }>): number {
  return Math.round(invoices.filter((i) => i.open).reduce((sum, i) => sum + i.outstandingCents * (i.probability ?? (i.score === null ? 0.5 : i.score / 1000)), 0));
}
