import type { Invoice } from '@regua/contracts';

/** What replaces a personal value in an anonymised document. */
export const ERASED = '[erased]';

/**
 * The invoice without its debtor's personal data: name and tax id replaced, contacts emptied, address and birth
 * date removed. Kept: the ids (invoice and the creditor's customer id), the tax id's type, amounts, dates, status,
 * product, creditor and payment instruments, which the creditor's accounting may need and identify nobody by
 * themselves (the creditor can still link its own ids to the person in its own records: pseudonymised, in LGPD's terms).
 */
export function anonymiseInvoice(invoice: Invoice): Invoice {
  const { externalId, taxId } = invoice.debtor;
  return { ...invoice, debtor: { externalId, name: ERASED, taxId: { type: taxId.type, number: ERASED }, emails: [], phones: [] } };
}

export interface ErasureTarget {
  invoiceId: string;
  debtorId: string;
}

/** Splits a request's invoices into the parts its events carry, in order. */
export function erasureParts(targets: readonly ErasureTarget[], perPart: number): ErasureTarget[][] {
  const parts: ErasureTarget[][] = [];
  for (let i = 0; i < targets.length; i += perPart) parts.push(targets.slice(i, i + perPart));
  return parts;
}
