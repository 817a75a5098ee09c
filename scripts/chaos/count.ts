// Pure: what a scenario did, counted from the records themselves (topic contents and the provider's raw log).

export interface ReminderRecord {
  invoiceId: string;
  step: number;
  /** ms since the suite's start, when the observer read it. */
  at: number;
}

export interface ReconciliationRecord {
  paymentId: string;
  eventId: string;
  paidTotalCents: number;
}

export interface ScenarioRecords {
  /** Invoice ids the doors accepted (HTTP 202 item, Kafka produce acknowledgement). */
  accepted: ReadonlySet<string>;
  /** Invoice ids of `collections.invoice.registered.v1` events, repeats included. */
  registered: readonly string[];
  reminders: readonly ReminderRecord[];
  /** The provider's raw requests, by the contact reference (`caseId:step:channel`) they carried. */
  providerReferences: readonly string[];
  /** The invoices of each case (from its plans), to tell the scenario's contacts from others'. */
  invoicesOfCase: ReadonlyMap<string, readonly string[]>;
  reconciliations: readonly ReconciliationRecord[];
  /** The payments the scenario sent: paymentId → the invoice's paid total it must reach, counted once. */
  payments: ReadonlyMap<string, number>;
}

export interface Tally {
  accepted: number;
  /** Distinct accepted invoices registered. */
  published: number;
  /** Distinct accepted invoices that joined a case with its contacts planned. */
  processed: number;
  /** Raw provider requests for the scenario's invoices. */
  sideEffects: number;
  lost: number;
  /** Provider requests beyond the first per reference, plus payments reconciled more than once. */
  duplicated: number;
  /** A few of each, for the report. */
  lostIds: string[];
  duplicatedReferences: Array<{ reference: string; requests: number }>;
  duplicatedPayments: Array<{ paymentId: string; why: string }>;
}

const EXAMPLES = 10;

/** The case id of a contact reference: `caseId:step:channel` → `caseId`. */
export function caseOfReference(reference: string): string {
  return reference.split(':')[0] ?? reference;
}

export function tally(records: ScenarioRecords): Tally {
  const { accepted } = records;
  const published = new Set(records.registered.filter((id) => accepted.has(id)));
  const processed = new Set(records.reminders.filter((r) => r.step === 0 && accepted.has(r.invoiceId)).map((r) => r.invoiceId));
  const lostIds = [...accepted].filter((id) => !processed.has(id));

  const perReference = new Map<string, number>();
  for (const reference of records.providerReferences) {
    if (!(records.invoicesOfCase.get(caseOfReference(reference)) ?? []).some((id) => accepted.has(id))) continue;
    perReference.set(reference, (perReference.get(reference) ?? 0) + 1);
  }
  const duplicatedReferences = [...perReference].filter(([, n]) => n > 1).map(([reference, requests]) => ({ reference, requests }));
  const sideEffects = [...perReference.values()].reduce((sum, n) => sum + n, 0);

  const duplicatedPayments: Tally['duplicatedPayments'] = [];
  for (const [paymentId, expectedTotal] of records.payments) {
    const mine = records.reconciliations.filter((r) => r.paymentId === paymentId);
    const ids = new Set(mine.map((r) => r.eventId));
    const overCounted = mine.filter((r) => r.paidTotalCents > expectedTotal);
    if (ids.size > 1) duplicatedPayments.push({ paymentId, why: `${ids.size} reconciliations with different event ids` });
    else if (overCounted.length > 0) duplicatedPayments.push({ paymentId, why: `paid total ${overCounted[0]!.paidTotalCents} > ${expectedTotal}: counted twice` });
  }

  return {
    accepted: accepted.size,
    published: published.size,
    processed: processed.size,
    sideEffects,
    lost: lostIds.length,
    duplicated: duplicatedReferences.reduce((sum, d) => sum + d.requests - 1, 0) + duplicatedPayments.length,
    lostIds: lostIds.slice(0, EXAMPLES),
    duplicatedReferences: duplicatedReferences.slice(0, EXAMPLES),
    duplicatedPayments: duplicatedPayments.slice(0, EXAMPLES),
  };
}

/**
 * How long after the fault ended the pipeline had caught up with it: when the last first reminder of the invoices
 * accepted until the fault's end arrived, less the fault's end (0 if they were all there already). Undefined while
 * one of them has none.
 */
export function recoverySeconds(acceptedAt: ReadonlyMap<string, number>, reminders: readonly ReminderRecord[], faultEndMs: number): number | undefined {
  const firstReminder = new Map<string, number>();
  for (const r of reminders) if (r.step === 0 && !firstReminder.has(r.invoiceId)) firstReminder.set(r.invoiceId, r.at);
  let last = faultEndMs;
  for (const [id, at] of acceptedAt) {
    if (at > faultEndMs) continue;
    const reminded = firstReminder.get(id);
    if (reminded === undefined) return undefined;
    last = Math.max(last, reminded);
  }
  return (last - faultEndMs) / 1000;
}
