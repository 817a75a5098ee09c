import { isValidCnpj, isValidCpf, type DebtorEnrichedV1, type Invoice } from '@regua/contracts';
import type { z } from 'zod';
import { assessAddress, type AddressAssessment } from './addresses.ts';
import { assessContacts, cleanContacts, type ContactAssessments } from './contacts.ts';
import { timeZoneOf, type TimeZoneResolution } from './time-zones.ts';

export type EnrichedProfile = z.infer<typeof DebtorEnrichedV1.data>;

/** What enrichment made of the debtor data a creditor sent with one invoice. */
export interface EnrichedDebtor {
  /** The event's data: the usable contacts and the time zone (absent when unknown). */
  profile: EnrichedProfile;
  /** Contact values that reach no channel. */
  discardedContacts: number;
  taxId: { type: 'cpf' | 'cnpj'; number: string; valid: boolean };
  /** Every phone and e-mail sent, as sent, with validity, type, channels, confidence, suggestion and reasons. */
  contacts: ContactAssessments;
  /** CEP format and its consistency with the UF; absent when no address was sent. */
  address?: AddressAssessment;
  timeZone: TimeZoneResolution;
}

/** The debtor profile the rest of the pipeline works from, and the assessment of every value behind it. */
export function enrichInvoiceDebtor(invoiceId: string, invoice: Invoice): EnrichedDebtor {
  const { debtor } = invoice;
  const contacts = assessContacts(debtor);
  const usable = cleanContacts(contacts);
  const timeZone = timeZoneOf(debtor.address);
  const profile: EnrichedProfile = {
    invoiceId,
    debtorId: debtor.externalId,
    debtorName: debtor.name,
    amountCents: invoice.amountCents,
    dueDate: invoice.dueDate,
    status: invoice.status,
    productType: invoice.productType,
    creditorName: invoice.creditor.name,
    creditorCnpj: invoice.creditor.cnpj,
    ...(invoice.paymentInstruments ? { paymentInstruments: invoice.paymentInstruments } : {}),
    contacts: { emails: usable.emails, mobilePhones: usable.mobilePhones, landlines: usable.landlines },
    ...(debtor.address ? { uf: debtor.address.uf, city: debtor.address.city } : {}),
    ...(timeZone.known ? { timeZone: timeZone.timeZone } : {}),
  };
  const valid = debtor.taxId.type === 'cpf' ? isValidCpf(debtor.taxId.number) : isValidCnpj(debtor.taxId.number);
  return {
    profile,
    discardedContacts: usable.discarded,
    taxId: { ...debtor.taxId, valid },
    contacts,
    ...(debtor.address ? { address: assessAddress(debtor.address) } : {}),
    timeZone,
  };
}
