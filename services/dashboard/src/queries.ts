import { z } from 'zod';
import { calendarDay } from '@regua/contracts';
import { AppError, NotFoundError, toFieldIssues, ValidationError } from '@regua/errors';
import { can, creditorsIn, maySee, tenantsOf, type Principal } from './domain/access.ts';
import type { ChannelCosts } from './domain/costs.ts';
import { addDays, daysBetween } from './domain/dates.ts';
import { channelsView, portfolioView, strategiesView, type DailyDoc, type DueDoc, type FunnelDoc, type OpenDoc, type StrategyDoc } from './domain/kpis.ts';
import { formatTaxId, maskEmail, maskPhone, maskTaxId } from './domain/masking.ts';
import type { AuditLog } from './store/audit.ts';
import type { CaseDoc, QueueDoc } from './store/documents.ts';
import type { ReadModelStore } from './store/read-model.ts';

export class ForbiddenError extends AppError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

const day = z.iso.date();
const FilterQuerySchema = z
  .object({
    tenant: z.string().min(1).max(64).optional(),
    creditor: z
      .string()
      .regex(/^[0-9A-Za-z./-]{14,18}$/)
      .transform((v) => v.replace(/[^0-9A-Za-z]/g, '').toUpperCase())
      .optional(),
    segment: z.string().regex(/^[a-z_]{1,32}$/).optional(),
    from: day.optional(),
    to: day.optional(),
  })
  .passthrough();

/** What a page shows: one tenant, the creditors the user may see (or the one asked for), a day range, a segment. */
export interface Filters {
  tenant: string;
  creditors: '*' | string[];
  segment: string | null;
  from: string;
  to: string;
  today: string;
}

const MAX_RANGE_DAYS = 366;

/** Reads the filters of a request and checks them against the user's scopes: another tenant or creditor is 403. */
export function filtersFor(principal: Principal, query: unknown, now: Date, timeZone: string): Filters {
  const parsed = FilterQuerySchema.safeParse(query);
  if (!parsed.success) throw new ValidationError('invalid filters', toFieldIssues(parsed.error.issues));
  const q = parsed.data;
  const tenant = q.tenant ?? tenantsOf(principal)[0];
  if (!tenant) throw new ForbiddenError('no tenant in your scopes');
  const allowed = creditorsIn(principal, tenant);
  if (allowed === null) throw new ForbiddenError(`tenant ${tenant} is not in your scopes`);
  if (q.creditor && !maySee(principal, tenant, q.creditor)) throw new ForbiddenError(`creditor ${q.creditor} is not in your scopes`);
  const today = calendarDay(now, timeZone);
  const to = q.to ?? today;
  const from = q.from ?? addDays(to, -29);
  const span = daysBetween(from, to);
  if (span < 0) throw new ValidationError('invalid filters', [{ path: 'from', message: 'must not be after to' }]);
  if (span >= MAX_RANGE_DAYS) throw new ValidationError('invalid filters', [{ path: 'from', message: `the range is at most ${MAX_RANGE_DAYS} days` }]);
  return { tenant, creditors: q.creditor ? [q.creditor] : allowed, segment: q.segment ?? null, from, to, today };
}

export interface QueueEntry extends QueueDoc {
  debtorName: string | null;
}

export interface CaseDetail {
  case: CaseDoc;
  invoices: Array<{
    invoiceId: string;
    amountCents: number;
    outstandingCents: number;
    dueDate: string;
    product: string;
    stage: string | null;
    status: string;
    score: number | null;
    probability: number | null;
    band: string | null;
    segment: string | null;
    strategy: string | null;
    modelVersion: string | null;
    reasons: Array<{ feature: string; text: string; effect: number }>;
  }>;
  debtor: { name: string; taxId: string; taxIdMasked: boolean; emails: string[]; phones: string[]; contactsMasked: boolean; uf: string | null; city: string | null } | null;
  timeline: Array<{ at: string; type: string; source: string; text: string; subject: string }>;
  contacts: Array<{ at: string; type: string; text: string }>;
  queue: QueueDoc | null;
}

const CONTACT_TYPES = new Set(['NotificationSent', 'NotificationDelivered', 'NotificationRead', 'NotificationFailed']);

export function createQueries(deps: { store: ReadModelStore; audit: AuditLog; costs: ChannelCosts; timeZone: string }) {
  const { store } = deps;

  /** Counters of the filters' tenant (and single creditor, segment, day range when given), narrowed to the scopes. */
  async function counters<T extends { creditor: string }>(collection: Parameters<ReadModelStore['counters']>[0], f: Filters, days: boolean): Promise<T[]> {
    const filter: Record<string, unknown> = { tenant: f.tenant };
    if (f.creditors !== '*' && f.creditors.length === 1) filter.creditor = f.creditors[0];
    if (f.segment) filter.segment = f.segment;
    if (days) filter.day = { $gte: f.from, $lte: f.to };
    const docs = await store.counters<T>(collection, filter);
    return f.creditors === '*' ? docs : docs.filter((d) => (f.creditors as string[]).includes(d.creditor));
  }

  async function caseInScope(principal: Principal, caseId: string): Promise<CaseDoc> {
    const doc = await store.case(caseId);
    // Another tenant's or creditor's case answers like a case that does not exist: ids cannot be probed.
    if (!doc || !maySee(principal, doc.tenant, doc.creditor)) throw new NotFoundError(`no case ${caseId}`);
    return doc;
  }

  return {
    async portfolio(f: Filters) {
      const [due, open, daily] = await Promise.all([counters<DueDoc>('counters_due', f, false), counters<OpenDoc>('counters_open', f, false), counters<DailyDoc>('counters_daily', f, true)]);
      return portfolioView({ due, open, daily, today: f.today, from: f.from, to: f.to });
    },
    async channels(f: Filters) {
      return channelsView({ funnel: await counters<FunnelDoc>('counters_funnel', f, true), tenant: f.tenant, costs: deps.costs, from: f.from, to: f.to });
    },
    async strategies(f: Filters) {
      return strategiesView({ docs: await counters<StrategyDoc>('counters_strategy', f, true), tenant: f.tenant, costs: deps.costs, from: f.from, to: f.to });
    },
    /** The tenant's active escalated cases the user may see, by expected recovery, highest first. */
    async queue(f: Filters): Promise<QueueDoc[]> {
      const entries = await store.queueOf(f.tenant);
      return entries
        .filter((e) => (f.creditors === '*' || f.creditors.includes(e.creditor)) && (!f.segment || e.segment === f.segment))
        .sort((a, b) => b.priorityCents - a.priorityCents || a.escalatedAt.localeCompare(b.escalatedAt));
    },
    caseInScope,
    /** A case with its invoices, scores and reasons, timeline and contact history; every view is audited. */
    async caseDetail(principal: Principal, caseId: string, now: Date): Promise<CaseDetail> {
      const doc = await caseInScope(principal, caseId);
      const [invoices, timeline, queue] = await Promise.all([store.invoicesByIds(doc.invoiceIds), store.timelineOf([doc._id, ...doc.invoiceIds]), store.queueOf(doc.tenant).then((q) => q.find((e) => e._id === doc._id) ?? null)]);
      const person = invoices.find((i) => i.debtor)?.debtor ?? null;
      const showTaxId = can(principal, 'pii:tax-id');
      const showContacts = can(principal, 'pii:contacts');
      const debtor = person
        ? {
            name: person.name,
            taxId: person.taxId ? (showTaxId ? formatTaxId(person.taxId) : maskTaxId(person.taxId)) : '',
            taxIdMasked: !showTaxId,
            emails: showContacts ? person.emails : person.emails.map(maskEmail),
            phones: showContacts ? person.phones : person.phones.map(maskPhone),
            contactsMasked: !showContacts,
            uf: person.uf,
            city: person.city,
          }
        : null;
      if (debtor) {
        const unmasked = [...(showTaxId ? ['taxId'] : []), ...(showContacts ? ['emails', 'phones'] : [])];
        await deps.audit.record({ at: now, actor: principal.id, roles: principal.roles, tenant: doc.tenant, action: 'case-viewed', caseId: doc._id, personalData: { fields: ['name', 'taxId', 'emails', 'phones', 'address'], unmasked }, detail: null });
      }
      const entries = timeline.map((t) => ({ at: t.at, type: t.type, source: t.source, text: t.text, subject: t.subject }));
      return {
        case: doc,
        invoices: invoices.map((i) => ({ invoiceId: i._id, amountCents: i.amountCents, outstandingCents: i.counted?.outstandingCents ?? i.outstandingCents, dueDate: i.dueDate, product: i.product, stage: i.counted?.stage ?? null, status: i.status, score: i.score, probability: i.probability, band: i.band, segment: i.segment, strategy: i.strategy, modelVersion: i.modelVersion, reasons: i.reasons })),
        debtor,
        timeline: entries,
        contacts: entries.filter((t) => CONTACT_TYPES.has(t.type)),
        queue,
      };
    },
  };
}

export type Queries = ReturnType<typeof createQueries>;
