/** One of a case's receivables as the allocation sees it. */
export interface OpenReceivable {
  invoiceId: string;
  outstandingCents: number;
  /** YYYY-MM-DD. */
  dueDate: string;
}

export interface Allocation {
  invoiceId: string;
  amountCents: number;
}

export interface AllocationResult {
  allocations: Allocation[];
  /** What the receivables did not owe: carried on the newest one, as an invoice's overpayment is (refunds are a human's call). */
  surplusCents: number;
}

/**
 * A payment of a case's instruments spread over its receivables, oldest due date first (ties by invoice id, so the
 * result never depends on the order they were read in), each paid up to what it owes. The allocations always add up
 * to the payment: a surplus is added to the last receivable in that order. No receivables: nothing allocated.
 */
export function allocateCasePayment(amountCents: number, receivables: readonly OpenReceivable[]): AllocationResult {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0) throw new RangeError('a payment is a positive integer of centavos');
  const ordered = [...receivables].sort((a, b) => (a.dueDate === b.dueDate ? (a.invoiceId < b.invoiceId ? -1 : a.invoiceId > b.invoiceId ? 1 : 0) : a.dueDate < b.dueDate ? -1 : 1));
  const allocations: Allocation[] = [];
  let left = amountCents;
  for (const receivable of ordered) {
    const share = Math.min(left, Math.max(0, receivable.outstandingCents));
    if (share > 0) allocations.push({ invoiceId: receivable.invoiceId, amountCents: share });
    left -= share;
  }
  const last = ordered[ordered.length - 1];
  if (left > 0 && last) {
    const onLast = allocations.find((a) => a.invoiceId === last.invoiceId);
    if (onLast) onLast.amountCents += left;
    else allocations.push({ invoiceId: last.invoiceId, amountCents: left });
  }
  return { allocations, surplusCents: last ? left : 0 };
}
