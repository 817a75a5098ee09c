// A portfolio described as facts (who owes what, what was sent, what was paid), the events those facts produce, and
// the figures they imply, computed here straight from the facts: the dashboard must arrive at the same numbers by
// way of Kafka and its counters.
import {
  AgreementBrokenV1,
  AgreementCreatedV1,
  AgreementSettledV1,
  CaseEscalatedV1,
  CasePlannedV1,
  CaseScoredV1,
  CaseSettledV1,
  InvoiceRegisteredV1,
  JudicialCaseClosedV1,
  JudicialCaseOpenedV1,
  NotificationDeliveredV1,
  NotificationReadV1,
  NotificationSentV1,
  PaymentReconciledV1,
  type AnyEventDefinition,
  type EventOf,
} from '@regua/contracts';
import { cpf, event, seeded } from './support.ts';

export const CREDITORS = ['11222333000181', '11444777000161'];
const SEGMENTS = ['low_risk', 'medium_risk', 'high_risk'] as const;
const PRODUCTS = ['telecom', 'credit_card', 'loan'] as const;
const CHANNELS = ['email', 'sms', 'whatsapp'] as const;
const ARMS = ['champion', 'challenger-a', 'holdout'] as const;

export interface InvoiceSpec {
  externalId: string;
  amountCents: number;
  dueDate: string;
  product: string;
  registeredAt: string;
}
export interface ContactSpec {
  channel: string;
  template: string;
  step: number;
  sentAt: string;
  delivered: boolean;
  read: boolean;
}
export interface DebtorSpec {
  debtor: string;
  caseId: string;
  creditor: string;
  segment: string;
  arm: string;
  score: number;
  probability: number;
  invoices: InvoiceSpec[];
  contacts: ContactSpec[];
  /** Payments by invoice index, in order. */
  payments: Array<{ invoice: number; amountCents: number; paidAt: string }>;
  agreement: 'none' | 'active' | 'kept' | 'broken';
  escalated: boolean;
  /** Taken to court (the claim is the open amount); `closed`: by an agreement in court for 80% of it. */
  judicial: 'none' | 'open' | 'closed';
}

const pad = (n: number) => String(n).padStart(2, '0');
const dayPlus = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export function portfolio(tenant: string, count: number, seed: number): DebtorSpec[] {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const specs: DebtorSpec[] = [];
  for (let i = 0; i < count; i++) {
    const invoices: InvoiceSpec[] = Array.from({ length: random() < 0.25 ? 2 : 1 }, (_, k) => ({
      externalId: `INV-${i}-${k}`,
      amountCents: 5_000 + Math.floor(random() * 200_000),
      // From 2026-05-01 (well past 180 days) to 2026-12-10 (not due yet on 2026-12-01).
      dueDate: dayPlus('2026-05-01', Math.floor(random() * 224)),
      product: pick(PRODUCTS),
      registeredAt: `2026-11-${pad(12 + Math.floor(random() * 19))}T15:00:00Z`,
    }));
    const firstSent = '2026-11-30T14:00:00Z';
    const contacts: ContactSpec[] = Array.from({ length: Math.floor(random() * 4) }, (_, step) => {
      const delivered = random() < 0.8;
      return { channel: pick(CHANNELS), template: pick(['lembrete', 'cobranca-amigavel', 'ultima-chance']), step, sentAt: new Date(Date.parse(firstSent) + step * 3_600_000).toISOString(), delivered, read: delivered && random() < 0.5 };
    });
    const fate = random();
    const payments: DebtorSpec['payments'] = [];
    let agreement: DebtorSpec['agreement'] = 'none';
    let escalated = false;
    if (fate < 0.3) invoices.forEach((inv, idx) => payments.push({ invoice: idx, amountCents: inv.amountCents, paidAt: `2026-12-01T1${idx}:00:00Z` }));
    else if (fate < 0.45) payments.push({ invoice: 0, amountCents: Math.floor(invoices[0]!.amountCents / 3), paidAt: '2026-11-30T18:00:00Z' });
    else if (fate < 0.55) agreement = 'kept';
    else if (fate < 0.62) agreement = 'broken';
    else if (fate < 0.68) agreement = 'active';
    if (agreement !== 'kept' && agreement !== 'active' && !invoices.every((_, idx) => payments.some((p) => p.invoice === idx)) && random() < 0.5) escalated = true;
    specs.push({ debtor: `D${i}`, caseId: `${tenant}:case-${i}`, creditor: pick(CREDITORS), segment: pick(SEGMENTS), arm: pick(ARMS), score: 100 + Math.floor(random() * 800), probability: Math.round(random() * 1000) / 1000, invoices, contacts, payments, agreement, escalated, judicial: i % 7 === 3 ? (i % 2 === 1 ? 'closed' : 'open') : 'none' });
  }
  return specs;
}

export type Published = { topic: string; debtorId: string; envelope: EventOf<AnyEventDefinition> };
const out = <D extends AnyEventDefinition>(definition: D, debtorId: string, envelope: EventOf<D>): Published => ({ topic: definition.topic, debtorId, envelope: envelope as EventOf<AnyEventDefinition> });

const invoiceIdOf = (tenant: string, inv: InvoiceSpec) => `${tenant}:${inv.externalId}`;

/** The events, in four phases (placed, planned, contacted, outcomes): a phase is published once the one before it is applied (as time runs in production). */
export function eventsOf(tenant: string, specs: readonly DebtorSpec[]): Published[][] {
  const placed: Published[] = [];
  const planned: Published[] = [];
  const contacted: Published[] = [];
  const outcomes: Published[] = [];
  specs.forEach((s, i) => {
    const ids = s.invoices.map((inv) => invoiceIdOf(tenant, inv));
    s.invoices.forEach((inv, k) => {
      const invoiceId = ids[k]!;
      placed.push(
        out(InvoiceRegisteredV1, s.debtor, event(InvoiceRegisteredV1, tenant, inv.registeredAt, {
          invoiceId,
          revision: 1,
          invoice: {
            externalId: inv.externalId,
            creditor: { name: 'Credor Exemplo', cnpj: s.creditor },
            amountCents: inv.amountCents,
            currency: 'BRL',
            issueDate: dayPlus(inv.dueDate, -30),
            dueDate: inv.dueDate,
            status: 'open',
            productType: inv.product as 'telecom',
            debtor: { externalId: s.debtor, name: `Pessoa ${i}`, taxId: { type: 'cpf', number: cpf(100_000_000 + i * 7919) }, emails: [`pessoa${i}@example.com`], phones: ['(11) 98765-4321'] },
          },
        })),
      );
      placed.push(out(CaseScoredV1, s.debtor, event(CaseScoredV1, tenant, inv.registeredAt, { caseId: invoiceId, invoiceId, debtorId: s.debtor, score: s.score, probability: s.probability, band: 'B', segment: s.segment as 'low_risk', strategy: 'standard', rule: null, rulesVersion: 0, reasons: [{ feature: 'days_overdue', text: 'dias em atraso', effect: -0.2 }], modelVersion: 'test-model', trigger: 'debtor-enriched' })));
    });
    planned.push(out(CasePlannedV1, s.debtor, event(CasePlannedV1, tenant, '2026-11-29T12:00:00Z', { caseId: s.caseId, debtorId: s.debtor, joinedInvoiceIds: ids, openInvoiceIds: ids, strategy: 'standard', segment: s.segment, arm: s.arm, cadenceId: 'standard', cadenceVersion: 1, nextContact: null })));
    const openCents = s.invoices.reduce((sum, inv) => sum + inv.amountCents, 0);
    s.contacts.forEach((c) => {
      const contactId = `${s.caseId}:${c.step}:${c.channel}`;
      const base = { contactId, caseId: s.caseId, debtorId: s.debtor, channel: c.channel as 'sms' };
      contacted.push(out(NotificationSentV1, s.debtor, event(NotificationSentV1, tenant, c.sentAt, { ...base, invoiceIds: ids, step: c.step, stepId: `s${c.step}`, template: c.template, strategy: 'standard', cadenceId: 'standard', cadenceVersion: 1, arm: s.arm, amountCents: openCents })));
      if (c.delivered) contacted.push(out(NotificationDeliveredV1, s.debtor, event(NotificationDeliveredV1, tenant, c.sentAt, { ...base, at: c.sentAt })));
      if (c.read) contacted.push(out(NotificationReadV1, s.debtor, event(NotificationReadV1, tenant, c.sentAt, { ...base, at: c.sentAt })));
    });
    const paidSoFar = new Map<number, number>();
    for (const p of s.payments) {
      const inv = s.invoices[p.invoice]!;
      const paid = (paidSoFar.get(p.invoice) ?? 0) + p.amountCents;
      paidSoFar.set(p.invoice, paid);
      outcomes.push(out(PaymentReconciledV1, s.debtor, event(PaymentReconciledV1, tenant, p.paidAt, { paymentId: `${s.caseId}:${p.invoice}:${paid}`, invoiceId: ids[p.invoice]!, debtorId: s.debtor, amountCents: p.amountCents, paidTotalCents: paid, outstandingCents: inv.amountCents - paid, settled: paid >= inv.amountCents, paidAt: p.paidAt })));
    }
    if (s.invoices.every((inv, k) => (paidSoFar.get(k) ?? 0) >= inv.amountCents)) {
      outcomes.push(out(CaseSettledV1, s.debtor, event(CaseSettledV1, tenant, '2026-12-01T13:00:00Z', { caseId: s.caseId, debtorId: s.debtor, invoiceIds: ids, paidCents: openCents, settledAt: '2026-12-01T13:00:00Z' })));
    }
    if (s.agreement !== 'none') {
      const agreementId = `${s.caseId}:agreement`;
      const common = { agreementId, caseId: s.caseId, debtorId: s.debtor, invoiceIds: ids };
      outcomes.push(out(AgreementCreatedV1, s.debtor, event(AgreementCreatedV1, tenant, '2026-11-25T12:00:00Z', { ...common, offerKind: 'installments', totalCents: openCents, discountCents: 0, installments: [{ number: 1, dueDate: '2026-12-10', amountCents: openCents }], acceptedAt: '2026-11-25T12:00:00Z' })));
      if (s.agreement === 'kept') outcomes.push(out(AgreementSettledV1, s.debtor, event(AgreementSettledV1, tenant, '2026-11-28T12:00:00Z', { ...common, paidCents: openCents })));
      if (s.agreement === 'broken') outcomes.push(out(AgreementBrokenV1, s.debtor, event(AgreementBrokenV1, tenant, '2026-11-28T12:00:00Z', { ...common, missedInstallment: 1, outstandingCents: openCents, reason: 'parcela vencida' })));
    }
    if (s.judicial !== 'none') {
      const processNumber = `${String(i).padStart(7, '0')}-00.2026.8.26.0100`;
      const judicial = { caseId: s.caseId, debtorId: s.debtor, invoiceIds: ids, processNumber };
      outcomes.push(out(JudicialCaseOpenedV1, s.debtor, event(JudicialCaseOpenedV1, tenant, '2026-11-26T12:00:00Z', { ...judicial, court: '1ª Vara Cível', lawFirm: 'Silva Advogados', claimAmountCents: openCents, amicableContact: 'stop', openedAt: '2026-11-26T12:00:00Z' })));
      if (s.judicial === 'closed') outcomes.push(out(JudicialCaseClosedV1, s.debtor, event(JudicialCaseClosedV1, tenant, '2026-11-29T12:00:00Z', { ...judicial, outcome: 'agreement-in-court', agreedCents: Math.floor(openCents * 0.8), closedOn: '2026-11-29' })));
    }
    if (s.escalated) {
      outcomes.push(out(CaseEscalatedV1, s.debtor, event(CaseEscalatedV1, tenant, '2026-11-30T20:00:00Z', { caseId: s.caseId, debtorId: s.debtor, invoiceIds: ids, reason: 'cadence-exhausted', detail: 'régua esgotada', openAmountCents: openCents })));
    }
  });
  return [placed, planned, contacted, outcomes];
}

/** Days past due on `today`, counted on calendar days. */
const overdue = (dueDate: string, today: string) => (Date.parse(`${today}T00:00:00Z`) - Date.parse(`${dueDate}T00:00:00Z`)) / 86_400_000;
export function bucketOfDays(days: number): string {
  if (days <= 0) return 'current';
  if (days <= 30) return '1-30';
  if (days <= 60) return '31-60';
  if (days <= 90) return '61-90';
  if (days <= 180) return '91-180';
  return '180+';
}

/** What the facts imply, for the whole tenant (or one creditor), one segment (or all), and a range of São Paulo days. */
export function expectedFigures(specs: readonly DebtorSpec[], options: { today: string; from: string; to: string; creditor?: string; segment?: string }) {
  const inScope = specs.filter((s) => (!options.creditor || s.creditor === options.creditor) && (!options.segment || s.segment === options.segment));
  const spDay = (iso: string) => new Date(Date.parse(iso) - 3 * 3_600_000).toISOString().slice(0, 10);
  const inRange = (iso: string) => spDay(iso) >= options.from && spDay(iso) <= options.to;
  const aging: Record<string, { count: number; cents: number }> = {};
  const bySegment: Record<string, { count: number; cents: number }> = {};
  const byStage: Record<string, number> = {};
  let placedCents = 0;
  let recoveredCents = 0;
  const funnel: Record<string, { sent: number; delivered: number; read: number; paid: number; paidCents: number }> = {};
  const strategies: Record<string, { cases: number; casesPaid: number; recoveredCents: number }> = {};
  let made = 0;
  let kept = 0;
  let broken = 0;
  const legal = { judicialOpened: 0, judicialClaimCents: 0, judicialClosed: 0, judicialAgreedCents: 0, bureauRegistered: 0, bureauWithdrawn: 0 };
  for (const s of inScope) {
    const paidOf = (k: number) => s.payments.filter((p) => p.invoice === k).reduce((sum, p) => sum + p.amountCents, 0);
    const arm = (strategies[`${s.segment}/${s.arm}`] ??= { cases: 0, casesPaid: 0, recoveredCents: 0 });
    arm.cases++;
    const fullyPaid = s.invoices.every((inv, k) => paidOf(k) >= inv.amountCents);
    if (fullyPaid || s.agreement === 'kept') arm.casesPaid++;
    s.invoices.forEach((inv, k) => {
      if (inRange(inv.registeredAt)) placedCents += inv.amountCents;
      const outstanding = inv.amountCents - paidOf(k);
      const open = outstanding > 0 && s.agreement !== 'kept';
      if (!open) return;
      const bucket = bucketOfDays(overdue(inv.dueDate, options.today));
      (aging[bucket] ??= { count: 0, cents: 0 }).count++;
      aging[bucket].cents += outstanding;
      (bySegment[s.segment] ??= { count: 0, cents: 0 }).count++;
      bySegment[s.segment]!.cents += outstanding;
      const stage = s.agreement === 'active' ? 'agreement' : s.escalated ? 'escalated' : 'collecting';
      byStage[stage] = (byStage[stage] ?? 0) + 1;
    });
    // Last touch: every payment is credited to the case's latest message (all were sent before any payment).
    const last = [...s.contacts].sort((a, b) => a.sentAt.localeCompare(b.sentAt)).at(-1);
    for (const p of s.payments) {
      if (inRange(p.paidAt)) recoveredCents += p.amountCents;
      arm.recoveredCents += p.amountCents;
      if (last) {
        const f = (funnel[last.channel] ??= { sent: 0, delivered: 0, read: 0, paid: 0, paidCents: 0 });
        f.paid++;
        f.paidCents += p.amountCents;
      }
    }
    for (const c of s.contacts) {
      const f = (funnel[c.channel] ??= { sent: 0, delivered: 0, read: 0, paid: 0, paidCents: 0 });
      f.sent++;
      if (c.delivered) f.delivered++;
      if (c.read) f.read++;
    }
    const claim = s.invoices.reduce((sum, inv) => sum + inv.amountCents, 0);
    if (s.judicial !== 'none' && inRange('2026-11-26T12:00:00Z')) {
      legal.judicialOpened++;
      legal.judicialClaimCents += claim;
    }
    if (s.judicial === 'closed' && inRange('2026-11-29T12:00:00Z')) {
      legal.judicialClosed++;
      legal.judicialAgreedCents += Math.floor(claim * 0.8);
    }
    if (s.agreement !== 'none') made++;
    if (s.agreement === 'kept') kept++;
    if (s.agreement === 'broken') broken++;
  }
  return { aging, bySegment, byStage, placedCents, recoveredCents, funnel, strategies, agreements: { made, kept, broken }, legal };
}
