export interface Receivable {
  invoiceId: string;
  debtorId: string;
  amountCents: number;
}

export interface Settlement {
  paidTotalCents: number;
  outstandingCents: number;
  settled: boolean;
}

/** Sums the distinct payments matched to an invoice; overpayment leaves nothing outstanding (refunds are a human's call). */
export function settle(receivable: Receivable, paymentsCents: readonly number[]): Settlement {
  const paidTotalCents = paymentsCents.reduce((sum, cents) => sum + cents, 0);
  const outstandingCents = Math.max(0, receivable.amountCents - paidTotalCents);
  return { paidTotalCents, outstandingCents, settled: outstandingCents === 0 };
}
