import type { z } from 'zod';
import type { DebtorEnrichedV1, ProductTypeSchema } from '@regua/contracts';
import { agreementFeatures, NO_AGREEMENTS, type AgreementFeatures, type AgreementRecord } from './agreements.ts';
import { engagementFeatures, NO_ENGAGEMENT, type Engagement, type EngagementFeatures } from './engagement.ts';
import { daysPastDue } from './score.ts';

type Profile = z.infer<typeof DebtorEnrichedV1.data>;
export type ProductType = z.infer<typeof ProductTypeSchema>;

/** How the debtor can be reached, best first: a mobile (SMS, WhatsApp), only an e-mail, only a landline, nothing. */
export const CONTACTABILITY = ['mobile', 'email', 'landline', 'none'] as const;
export type Contactability = (typeof CONTACTABILITY)[number];

/**
 * What scoring keeps of an invoice to score it again later: ids and figures, never the debtor's name or contacts
 * (only how many of each kind there are).
 */
export interface InvoiceFacts {
  invoiceId: string;
  debtorId: string;
  amountCents: number;
  dueDate: string;
  productType: ProductType;
  uf: string | null;
  /** The debtor's IANA zone; null when enrichment could not tell (no address). */
  timeZone: string | null;
  /** How many of each; `whatsapp`: mobiles enrichment ranks for WhatsApp (all mobiles in events without the ranking). */
  contacts: { mobilePhones: number; emails: number; landlines: number; whatsapp?: number };
}

export interface PaymentFact {
  paymentId: string;
  invoiceId: string;
  amountCents: number;
  paidAt: string;
  settled: boolean;
}

/**
 * One debtor's history at one creditor, built from events: sets of ids, so that every event adds to it
 * idempotently and in any order (`$addToSet`), and counts of events each counted once (engagement, agreements).
 */
export interface DebtorHistory {
  /** Every invoice of the debtor scoring has scored. */
  invoiceIds: string[];
  /** Those settled (paid in full) or erased: no longer re-scored. */
  closedInvoiceIds: string[];
  payments: PaymentFact[];
  /** The debtor's agreements: made, installments paid, broken, kept (payment-reconciliation's agreement events). */
  agreements: AgreementRecord;
  /** The debtor's response to the creditor's messages (notification's sent, delivered, read and failed events). */
  engagement: Engagement;
}

export const EMPTY_HISTORY: DebtorHistory = { invoiceIds: [], closedInvoiceIds: [], payments: [], agreements: NO_AGREEMENTS, engagement: NO_ENGAGEMENT };

export interface Features extends EngagementFeatures, AgreementFeatures {
  daysPastDue: number;
  /** What is still owed: the invoice's amount less what was paid on it. */
  amountCents: number;
  productType: ProductType;
  uf: string | null;
  contactability: Contactability;
  /** Mobile phones and e-mails together. */
  contactPoints: number;
  hasEmail: boolean;
  whatsappCapable: boolean;
  /** Other invoices of this debtor scored before, open or not. */
  previousInvoices: number;
  /** Other invoices of this debtor still open. */
  otherOpenInvoices: number;
  paymentsCount: number;
  paidCents: number;
  daysSinceLastPayment: number | null;
  settledInvoices: number;
}

const DAY_MS = 86_400_000;

export function contactabilityOf(contacts: InvoiceFacts['contacts']): Contactability {
  if (contacts.mobilePhones > 0) return 'mobile';
  if (contacts.emails > 0) return 'email';
  if (contacts.landlines > 0) return 'landline';
  return 'none';
}

/** The facts of an enriched invoice that scoring keeps: contacts become counts. */
export function invoiceFactsOf(profile: Profile): InvoiceFacts {
  return {
    invoiceId: profile.invoiceId,
    debtorId: profile.debtorId,
    amountCents: profile.amountCents,
    dueDate: profile.dueDate,
    productType: profile.productType,
    uf: profile.uf ?? null,
    timeZone: profile.timeZone ?? null,
    contacts: { mobilePhones: profile.contacts.mobilePhones.length, emails: profile.contacts.emails.length, landlines: profile.contacts.landlines.length, whatsapp: profile.contactPoints?.whatsapp.length ?? profile.contacts.mobilePhones.length },
  };
}

export function openInvoiceIds(history: DebtorHistory): string[] {
  const closed = new Set(history.closedInvoiceIds);
  return history.invoiceIds.filter((id) => !closed.has(id));
}

/** The features of one invoice on `today`, given what is known of its debtor. Pure. */
export function buildFeatures(facts: InvoiceFacts, history: DebtorHistory, today: Date): Features {
  const others = history.invoiceIds.filter((id) => id !== facts.invoiceId);
  const closed = new Set(history.closedInvoiceIds);
  const paidHere = history.payments.filter((p) => p.invoiceId === facts.invoiceId).reduce((sum, p) => sum + p.amountCents, 0);
  const lastPaidAt = history.payments.reduce<number | null>((last, p) => Math.max(last ?? 0, Date.parse(p.paidAt)), null);
  return {
    // An unknown zone counts days on Brasília's calendar (the legal time): at most a day off, near midnight.
    daysPastDue: Math.max(0, daysPastDue(facts.dueDate, today, facts.timeZone ?? 'America/Sao_Paulo')),
    amountCents: Math.max(0, facts.amountCents - paidHere),
    productType: facts.productType,
    uf: facts.uf,
    contactability: contactabilityOf(facts.contacts),
    contactPoints: facts.contacts.mobilePhones + facts.contacts.emails,
    hasEmail: facts.contacts.emails > 0,
    whatsappCapable: (facts.contacts.whatsapp ?? facts.contacts.mobilePhones) > 0,
    previousInvoices: others.length,
    otherOpenInvoices: others.filter((id) => !closed.has(id)).length,
    paymentsCount: history.payments.length,
    paidCents: history.payments.reduce((sum, p) => sum + p.amountCents, 0),
    daysSinceLastPayment: lastPaidAt === null ? null : Math.max(0, Math.floor((today.getTime() - lastPaidAt) / DAY_MS)),
    settledInvoices: new Set(history.payments.filter((p) => p.settled).map((p) => p.invoiceId)).size,
    ...agreementFeatures(history.agreements),
    ...engagementFeatures(history.engagement, today),
  };
}

const NO_ENGAGEMENT_FEATURES = engagementFeatures(NO_ENGAGEMENT, new Date(0));

/**
 * Features as older labels stored them: before engagement was recorded (none of its features), and before agreements
 * were (a `brokenAgreements` count, always 0 then, as no event reported one).
 */
export type StoredFeatures = Omit<Features, keyof EngagementFeatures | keyof AgreementFeatures> & Partial<EngagementFeatures & AgreementFeatures> & { brokenAgreements?: number };

/** Stored features in today's shape: what an older label lacks reads as a debtor without engagement or agreements. */
export function upcastFeatures(stored: StoredFeatures): Features {
  const { brokenAgreements, ...rest } = stored;
  return { ...NO_ENGAGEMENT_FEATURES, agreementsBroken: brokenAgreements ?? 0, agreementsKept: 0, ...rest };
}
