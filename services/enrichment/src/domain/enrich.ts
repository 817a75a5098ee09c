import type { Invoice, Uf } from '@regua/contracts';
import type { z } from 'zod';
import type { DebtorEnrichedV1 } from '@regua/contracts';
import { cleanContacts } from './contacts.ts';
import { timeZoneForUf } from './time-zones.ts';

export type EnrichedProfile = z.infer<typeof DebtorEnrichedV1.data>;

/** The debtor profile the rest of the pipeline works from: clean contacts and local time zone. */
export function enrichInvoiceDebtor(invoiceId: string, invoice: Invoice): { profile: EnrichedProfile; discardedContacts: number } {
  const contacts = cleanContacts(invoice.debtor);
  const uf = invoice.debtor.address?.uf as Uf | undefined;
  const profile: EnrichedProfile = {
    invoiceId,
    debtorId: invoice.debtor.externalId,
    debtorName: invoice.debtor.name,
    amountCents: invoice.amountCents,
    dueDate: invoice.dueDate,
    status: invoice.status,
    productType: invoice.productType,
    creditorName: invoice.creditor.name,
    contacts: { emails: contacts.emails, mobilePhones: contacts.mobilePhones, landlines: contacts.landlines },
    timeZone: timeZoneForUf(uf),
    ...(uf ? { uf } : {}),
  };
  return { profile, discardedContacts: contacts.discarded };
}

