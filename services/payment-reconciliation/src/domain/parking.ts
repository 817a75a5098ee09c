const HOUR_MS = 3_600_000;

/** What a payment is matched on: its invoice's id (`tenant:externalId`), a Pix txid, and/or a boleto's nosso número. */
export interface MatchKeys {
  invoiceId?: string | undefined;
  pixTxid?: string | undefined;
  ourNumber?: string | undefined;
}

export type PaymentDecision<R> = { kind: 'reconcile'; receivable: R } | { kind: 'park'; parkedAt: Date; expiresAt: Date } | { kind: 'unmatchable'; reason: string };

const hasKeys = (keys: MatchKeys) => Boolean(keys.invoiceId || keys.pixTxid || keys.ourNumber);

/**
 * A payment matched to an invoice is reconciled. One that matches none is parked: its invoice may still be on its
 * way (it travels on another topic, through another consumer group), so it waits `windowHours` for it. One with no
 * key at all (a Pix to the key without a charge, so without a txid) can never match: it goes to an operator at once.
 */
export function decidePayment<R>(receivable: R | null, keys: MatchKeys, now: Date, windowHours: number): PaymentDecision<R> {
  if (receivable !== null) return { kind: 'reconcile', receivable };
  if (!hasKeys(keys)) return { kind: 'unmatchable', reason: 'the payment carries no invoice id, Pix txid or nosso número to match on' };
  return { kind: 'park', parkedAt: now, expiresAt: new Date(now.getTime() + windowHours * HOUR_MS) };
}

export interface ParkedPayment extends MatchKeys {
  parkedAt: Date;
  expiresAt: Date;
}

export type ParkedDecision<R> = { kind: 'reconcile'; receivable: R } | { kind: 'wait' } | { kind: 'expire'; reason: string };

/**
 * A parked payment whose invoice has arrived is reconciled, even past its window (a match beats an operator's
 * work). One still unmatched at `expiresAt` leaves the parking for the operators' queue, with the reason.
 */
export function decideParked<R>(parked: ParkedPayment, receivable: R | null, now: Date): ParkedDecision<R> {
  if (receivable !== null) return { kind: 'reconcile', receivable };
  if (now.getTime() < parked.expiresAt.getTime()) return { kind: 'wait' };
  const keys = [parked.invoiceId ? `invoice ${parked.invoiceId}` : undefined, parked.pixTxid ? `Pix txid ${parked.pixTxid}` : undefined, parked.ourNumber ? `nosso número ${parked.ourNumber}` : undefined].filter(Boolean).join(' or ');
  return { kind: 'expire', reason: `no invoice matched ${keys} between ${parked.parkedAt.toISOString()} and ${parked.expiresAt.toISOString()}` };
}
