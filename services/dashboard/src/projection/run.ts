import { calendarDay, type EnvelopeHeader } from '@regua/contracts';
import { forEachConcurrently } from '@regua/mongo';
import { funnelCounter, mergeIncs, strategyCounter, type Cohort, type CounterInc, type StrategyField } from '../domain/counters.ts';
import { expectedRecoveryCents, snapshotDelta, snapshotOf, UNSCORED } from '../domain/invoice-state.ts';
import { newCase, newContact, newInvoice, type CaseDoc, type ContactDoc, type InvoiceDoc, type QueueDoc, type TimelineDoc } from '../store/documents.ts';
import type { ReadModelStore } from '../store/read-model.ts';

const CONTACT_FLAGS = ['sent', 'delivered', 'read', 'failed'] as const;

/** What an invoice gives its case's work-queue priority (see updateQueue). */
const priorityFigures = (doc: InvoiceDoc) => JSON.stringify([doc.counted?.outstandingCents ?? 0, doc.counted?.open ?? false, doc.probability, doc.score, doc.registered]);

/**
 * One run of events being applied: the documents it read (each read once, by `_id`, and changed in memory), the
 * counter increments and timeline entries it produced. `flush` writes them: timeline (one insert), counters (one
 * `$inc` per document), then the documents (by `_id`, concurrently), then the work queue. A crash before the
 * counters leaves nothing applied (the inbox has the run pending and applies it again); a crash between the
 * counters and the documents may count the run twice: the one window left, as wide as a run's writes.
 */
export class ProjectionRun {
  readonly incs: CounterInc[] = [];
  readonly timeline: TimelineDoc[] = [];
  readonly tenants = new Set<string>();
  private readonly invoices = new Map<string, Promise<InvoiceDoc>>();
  private readonly cases = new Map<string, Promise<CaseDoc | null>>();
  private readonly contacts = new Map<string, Promise<ContactDoc>>();
  private readonly dirtyInvoices = new Set<string>();
  private readonly dirtyCases = new Set<string>();
  private readonly dirtyContacts = new Set<string>();
  /** Documents this run created (not found when read): saved by one insert, not an upsert each. */
  private readonly fresh = new Set<string>();
  /** Cases whose work-queue priority may have changed. */
  private readonly queued = new Set<string>();

  private readonly store: ReadModelStore;
  private readonly timeZone: string;
  private readonly now: Date;

  constructor(store: ReadModelStore, timeZone: string, now: Date) {
    this.store = store;
    this.timeZone = timeZone;
    this.now = now;
  }

  private created<T extends { _id: string }>(doc: T): T {
    this.fresh.add(doc._id);
    return doc;
  }

  day(at: string | Date): string {
    // Daily figures follow the creditor's day, not UTC's.
    return calendarDay(typeof at === 'string' ? new Date(at) : at, this.timeZone);
  }

  invoice(id: string, tenant: string): Promise<InvoiceDoc> {
    let found = this.invoices.get(id);
    if (!found) {
      found = this.store.invoice(id).then((doc) => doc ?? this.created(newInvoice(id, tenant)));
      this.invoices.set(id, found);
    }
    return found;
  }

  /**
   * Changes an invoice and moves its counted snapshot: the counters follow whatever changed. Its case's work-queue
   * entry is recomputed only if what the priority is made of changed (a debtor's new contacts leave it as it is).
   */
  async changeInvoice(id: string, tenant: string, change: (doc: InvoiceDoc) => void): Promise<InvoiceDoc> {
    const doc = await this.invoice(id, tenant);
    const caseBefore = doc.caseId;
    const priorityBefore = priorityFigures(doc);
    change(doc);
    const after = snapshotOf(doc);
    this.incs.push(...snapshotDelta(doc.tenant, doc.counted, after));
    doc.counted = after;
    this.dirtyInvoices.add(id);
    if (doc.caseId && (doc.caseId !== caseBefore || priorityFigures(doc) !== priorityBefore)) this.queued.add(doc.caseId);
    return doc;
  }

  /** A case known to the read model, or null (a case event for a case never planned here is kept on the timeline only). */
  existingCase(id: string): Promise<CaseDoc | null> {
    let found = this.cases.get(id);
    if (!found) {
      found = this.store.case(id);
      this.cases.set(id, found);
    }
    return found;
  }

  async case(id: string, tenant: string, debtorId: string): Promise<CaseDoc> {
    const existing = await this.existingCase(id);
    if (existing) return existing;
    const created = this.created(newCase(id, tenant, debtorId));
    this.cases.set(id, Promise.resolve(created));
    return created;
  }

  /**
   * A case changed, to be written; `queue` false when the change leaves its work-queue entry as it is (a message sent,
   * a note on its timeline), so the entry is not recomputed from its invoices.
   */
  changedCase(doc: CaseDoc, { queue = true }: { queue?: boolean } = {}): void {
    this.dirtyCases.add(doc._id);
    if (queue) this.queued.add(doc._id);
  }

  /** Puts the case on a strategy cohort the first time it is planned (or first messaged, if that comes first). */
  ensureCohort(doc: CaseDoc, c: Omit<Cohort, 'tenant' | 'creditor'>): void {
    if (doc.cohort) return;
    doc.cohort = { tenant: doc.tenant, creditor: doc.creditor, ...c };
    this.strategy(doc, { cases: 1 });
  }

  strategy(doc: CaseDoc, inc: Partial<Record<StrategyField, number>>): void {
    if (doc.cohort) this.incs.push(strategyCounter(doc.cohort, inc));
  }

  async contact(id: string, tenant: string, caseId: string, channel: string): Promise<ContactDoc> {
    let found = this.contacts.get(id);
    if (!found) {
      found = this.store.contact(id).then((doc) => doc ?? this.created(newContact(id, tenant, caseId, channel)));
      this.contacts.set(id, found);
    }
    return found;
  }

  /** Counts in the funnel what a contact has that was not counted yet (its receipts may arrive before it). */
  changedContact(doc: ContactDoc): void {
    this.dirtyContacts.add(doc._id);
    if (!doc.sent) return;
    const inc: Record<string, number> = {};
    for (const flag of CONTACT_FLAGS) {
      const has = flag === 'sent' ? true : doc[flag];
      if (has && !doc.counted[flag]) {
        inc[flag] = 1;
        doc.counted[flag] = true;
      }
    }
    if (Object.keys(inc).length > 0) this.incs.push(funnelCounter(doc.sent, inc));
  }

  note(subject: string, event: EnvelopeHeader, text: string): void {
    this.tenants.add(event.tenant);
    this.timeline.push({ _id: `${subject}:${event.id}`, subject, tenant: event.tenant, eventId: event.id, type: event.type, source: event.source, at: event.occurredAt, text });
  }

  async flush(): Promise<void> {
    await this.store.appendTimeline(this.timeline);
    await this.store.applyCounters(mergeIncs(this.incs));
    const changed = <T>(map: Map<string, Promise<T>>, ids: Set<string>) => Promise.all([...ids].map((id) => map.get(id)!));
    await this.store.saveInvoices(await changed(this.invoices, this.dirtyInvoices), this.fresh);
    await this.store.saveCases((await changed(this.cases, this.dirtyCases)).filter((d): d is CaseDoc => d !== null), this.fresh);
    await this.store.saveContacts(await changed(this.contacts, this.dirtyContacts), this.fresh);
    await this.updateQueue();
  }

  /**
   * The work queue holds escalated cases still worth a person's time (open, no agreement running), ordered by
   * expected recovery; every case this run touched gets its entry recomputed.
   */
  private async updateQueue(): Promise<void> {
    const entries: QueueDoc[] = [];
    await forEachConcurrently([...this.queued], 16, async (caseId) => {
      const doc = await this.existingCase(caseId);
      if (!doc?.escalation) return;
      const invoices = await Promise.all(doc.invoiceIds.map((id) => this.invoice(id, doc.tenant)));
      const open = invoices.map((i) => ({ outstandingCents: i.counted?.outstandingCents ?? 0, open: i.counted?.open ?? false, probability: i.probability, score: i.score }));
      const openCents = open.reduce((sum, i) => sum + (i.open ? i.outstandingCents : 0), 0);
      const active = !doc.settled && doc.agreement?.status !== 'active' && doc.dispute?.status !== 'open' && (openCents > 0 || invoices.every((i) => !i.registered));
      entries.push({
        _id: doc._id,
        tenant: doc.tenant,
        creditor: doc.creditor,
        debtorId: doc.debtorId,
        active,
        priorityCents: expectedRecoveryCents(open),
        openCents: openCents || doc.escalation.openAmountCents,
        reason: doc.escalation.reason,
        detail: doc.escalation.detail,
        segment: doc.segment ?? UNSCORED,
        escalatedAt: doc.escalation.at,
        updatedAt: this.now.toISOString(),
      });
    });
    await this.store.saveQueue(entries);
  }
}
