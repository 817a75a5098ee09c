/** Régua's id for an invoice: stable for the same creditor and external id, whichever door it came through. */
export function invoiceId(tenant: string, externalId: string): string {
  return `${tenant}:${externalId}`;
}
