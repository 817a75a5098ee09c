import { AgreementBrokenV1, AgreementCreatedV1, AgreementInstallmentPaidV1, AgreementSettledV1, buildEnvelope, CaseDisputedV1, CaseDisputeResolvedV1, CaseInstrumentsIssuedV1, CasePlannedV1, debtorKey, DebtorScoredV1, InvoiceSettledByCreditorV1, InvoiceUpdatedV1, JudicialCaseClosedV1, JudicialCaseOpenedV1, PaymentReconciledV1, type AnyEventDefinition, type EventOf } from '@regua/contracts';
import { onBatch, type EventPublisher } from '@regua/kafka-bus';
import { derivedEventId, type Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import type { CadenceBook } from '../cadence-book.ts';
import { anchorOf, dueSteps, type CaseInvoice } from '../domain/plan.ts';
import type { Dispatcher } from '../dispatcher.ts';
import { caseIdFor, type CaseDoc, type CaseStore } from '../store/cases.ts';

interface Deps {
  store: CaseStore;
  book: CadenceBook;
  dispatcher: Dispatcher;
  publisher: EventPublisher;
  clock: Clock;
  logger: Logger;
  source: string;
}

/** Tries to write a case's change again after another writer changed it first, this many times. */
const MAX_CONFLICTS = 5;

type Scored = EventOf<typeof DebtorScoredV1>;

/**
 * A case changed by `change`, read and written by `_id` under its version: a conflicting write (another replica
 * during a rebalance, the data-subject handler) makes it read the case again and apply the change again.
 * `change` returns the timeline entries it adds, or null when the case needs no write.
 */
export async function modifyCase(deps: { store: CaseStore }, doc: CaseDoc, change: (doc: CaseDoc) => CaseDoc['timeline'] | null): Promise<CaseDoc> {
  let current = doc;
  for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
    const next: CaseDoc = structuredClone(current);
    const timeline = change(next);
    if (timeline === null) return current;
    if (await deps.store.update(next, current.version, timeline)) return { ...next, version: current.version + 1, timeline: [...current.timeline, ...timeline] };
    const reread = await deps.store.find(doc._id);
    if (!reread) throw new Error(`case ${doc._id} vanished while being updated`);
    current = reread;
  }
  throw new Error(`case ${doc._id} kept changing under ${MAX_CONFLICTS} writes in a row`);
}

function invoiceOf(event: Scored, strategy: string, now: Date): CaseInvoice {
  const { data } = event;
  const status = data.profile.status === 'open' ? 'open' : data.profile.status;
  return { invoiceId: data.invoiceId, amountCents: data.profile.amountCents, dueDate: data.profile.dueDate, status, segment: data.segment, strategy, joinedAt: now };
}

function profileOf(event: Scored): CaseDoc['profile'] {
  const p = event.data.profile;
  const instruments = p.paymentInstruments;
  return {
    debtorName: p.debtorName,
    ...(p.uf ? { uf: p.uf } : {}),
    ...(p.city ? { city: p.city } : {}),
    ...(p.timeZone ? { timeZone: p.timeZone } : {}),
    contacts: { emails: p.contacts.emails, mobilePhones: p.contacts.mobilePhones, landlines: p.contacts.landlines },
    ...(instruments ? { paymentInstruments: { boletoDigitableLine: instruments.boleto?.digitableLine, pixCopyPaste: instruments.pix?.copyPaste } } : {}),
  };
}

/**
 * Scored invoices join their debtor's case with the creditor (one conversation per debtor and creditor), opening
 * it when there is none; the case's plan is published, and what is due now goes out before this run's offsets
 * are committed (a crash redelivers the run, and the cases, found then, are dispatched again: contact claims keep
 * anything from being sent twice).
 */
export function onDebtorScored(deps: Deps) {
  return onBatch(DebtorScoredV1, async (items) => {
    const now = deps.clock.now();
    const linked = await deps.store.caseIdsOf(items.map((i) => i.value.data.invoiceId));
    const byCase = new Map<string, Scored[]>();
    const again = new Set<string>();
    for (const { value } of items) {
      const known = linked.get(value.data.invoiceId);
      if (known !== undefined) {
        if (known) again.add(known);
        continue;
      }
      const p = value.data.profile;
      const caseId = caseIdFor(value.tenant, p.creditorCnpj ?? `name:${p.creditorName}`, value.data.debtorId);
      (byCase.get(caseId) ?? byCase.set(caseId, []).get(caseId)!).push(value);
    }
    const existing = new Map((await deps.store.findMany([...byCase.keys(), ...again])).map((d) => [d._id, d]));
    const fresh: CaseDoc[] = [];
    for (const [caseId, events] of byCase) {
      if (existing.has(caseId)) continue;
      const first = events[0]!;
      const invoices = events.map((e) => invoiceOf(e, e.data.strategy ?? 'default', now));
      const anchor = anchorOf(invoices) ?? invoices[0]!;
      const assignment = await deps.book.forNewCase(first.tenant, anchor.strategy, first.data.debtorId);
      const open = invoices.some((i) => i.status === 'open');
      fresh.push({
        _id: caseId,
        tenant: first.tenant,
        debtorId: first.data.debtorId,
        creditor: { name: first.data.profile.creditorName, ...(first.data.profile.creditorCnpj ? { cnpj: first.data.profile.creditorCnpj } : {}) },
        correlationId: first.correlationId,
        status: open ? 'open' : 'closed',
        openedAt: now,
        ...(open ? {} : { closedAt: now, closeReason: 'no open invoice: the creditor sent them paid or cancelled' }),
        version: 0,
        strategy: assignment.strategy,
        arm: assignment.arm,
        cadenceId: assignment.cadenceId,
        cadenceVersion: assignment.cadenceVersion,
        invoices,
        profile: profileOf(events.at(-1)!),
        settledSteps: [],
        paused: null,
        timeline: [{ at: now, what: `case opened: ${invoices.length} invoice(s), strategy ${assignment.strategy}, arm ${assignment.arm}${assignment.cadenceId ? `, cadence ${assignment.cadenceId} v${assignment.cadenceVersion}` : ' (holdout: no automated contact)'}` }],
      });
    }
    const opened = await deps.store.openAll(fresh);
    const touched = new Map<string, CaseDoc>();
    for (const doc of fresh) if (opened.has(doc._id)) touched.set(doc._id, doc);
    // Cases that existed (or were opened meanwhile by another replica): the invoices join them.
    const lost = fresh.filter((d) => !opened.has(d._id)).map((d) => d._id);
    for (const doc of lost.length > 0 ? await deps.store.findMany(lost) : []) existing.set(doc._id, doc);
    await Promise.all(
      [...byCase].filter(([caseId]) => !touched.has(caseId)).map(async ([caseId, events]) => {
        const doc = existing.get(caseId);
        if (!doc) return;
        touched.set(caseId, await modifyCase(deps, doc, (next) => joinInvoices(next, events, now)));
      }),
    );
    for (const caseId of again) if (existing.has(caseId) && !touched.has(caseId)) touched.set(caseId, existing.get(caseId)!);

    await publishPlans(deps, [...byCase].flatMap(([caseId, events]) => (touched.has(caseId) ? [{ doc: touched.get(caseId)!, joined: events.map((e) => e.data.invoiceId) }] : [])), now);
    // Linked once their plan is out: a crash in between redelivers the run, which finds the invoices in their case but
    // not linked, and publishes the plan again (same event id). Linked first, the redelivery took them for planned
    // and published nothing: the chaos suite lost every invoice of a run killed in that window.
    await deps.store.linkInvoices([...byCase].flatMap(([caseId, events]) => events.map((e) => ({ invoiceId: e.data.invoiceId, caseId, tenant: e.tenant }))));
    for (const doc of fresh) if (opened.has(doc._id)) deps.logger.info({ caseId: doc._id, correlationId: doc.correlationId, strategy: doc.strategy, arm: doc.arm }, 'collection case opened');
    await deps.dispatcher.dispatchCases([...touched.values()], now);
  });
}

/** Adds the events' invoices to a case (those not in it yet) and takes the latest profile; reopens nothing. */
function joinInvoices(doc: CaseDoc, events: Scored[], now: Date): CaseDoc['timeline'] | null {
  const known = new Set(doc.invoices.map((i) => i.invoiceId));
  const joining = events.filter((e) => !known.has(e.data.invoiceId));
  if (joining.length === 0) return null;
  doc.invoices.push(...joining.map((e) => invoiceOf(e, e.data.strategy ?? doc.strategy, now)));
  doc.profile = profileOf(joining.at(-1)!);
  const timeline = joining.map((e) => ({ at: now, what: `invoice ${e.data.invoiceId} joined the case (${e.data.profile.amountCents} cents due ${e.data.profile.dueDate})` }));
  if (doc.status === 'closed' && doc.invoices.some((i) => i.status === 'open')) {
    // A closed case with a new debt: the conversation resumes on the same cadence, its steps already settled stay settled.
    doc.status = 'open';
    delete doc.closedAt;
    delete doc.closeReason;
    timeline.push({ at: now, what: 'case reopened: a new open invoice joined it' });
  }
  return timeline;
}

/** Publishes, per case that invoices joined, its open invoices and its next contact as planned now. */
async function publishPlans(deps: Deps, changes: Array<{ doc: CaseDoc; joined: string[] }>, now: Date): Promise<void> {
  const messages = await Promise.all(
    changes.map(async ({ doc, joined }) => {
      const anchor = anchorOf(doc.invoices);
      let nextContact = null;
      if (doc.status === 'open' && doc.cadenceId && anchor) {
        const cadence = await deps.book.cadence(doc.tenant, doc.cadenceId, doc.cadenceVersion);
        const { take, next } = dueSteps(cadence, anchor.dueDate, new Date(doc.openedAt), now, new Set(doc.settledSteps ?? []));
        const step = take ?? next?.step;
        if (step !== undefined) nextContact = { step, stepId: cadence.steps[step]!.id, dueAt: (take !== undefined ? now : next!.dueAt).toISOString(), channels: cadence.steps[step]!.channels };
      }
      return {
        topic: CasePlannedV1.topic,
        key: debtorKey(doc.tenant, doc.debtorId),
        envelope: buildEnvelope(
          CasePlannedV1,
          { id: derivedEventId(`${doc._id}:${[...joined].sort().join(',')}`, CasePlannedV1.type), occurredAt: now, source: deps.source, tenant: doc.tenant, correlationId: doc.correlationId ?? doc._id },
          { caseId: doc._id, debtorId: doc.debtorId, joinedInvoiceIds: joined, openInvoiceIds: doc.invoices.filter((i) => i.status === 'open').map((i) => i.invoiceId), strategy: doc.strategy, ...(anchor ? { segment: anchor.segment } : {}), arm: doc.arm, cadenceId: doc.cadenceId, cadenceVersion: doc.cadenceVersion, nextContact },
        ),
      };
    }),
  );
  await deps.publisher.publish(messages);
}

/** A change to one invoice of a case, from any of the events that stop or adjust collection. */
interface InvoiceChange {
  invoiceId: string;
  tenant: string;
  debtorId: string;
  apply: (invoice: CaseInvoice) => string | null;
}

/**
 * Applies invoice changes to their cases (read and written by `_id`, one write per case for the batch). A case
 * whose invoices are all settled closes at once, so the next dispatch sends nothing. An invoice not in any case
 * yet (its payment came first) is linked to no case, so a later `debtor.scored` for it opens nothing.
 */
async function applyInvoiceChanges(deps: Deps, changes: InvoiceChange[]): Promise<void> {
  const now = deps.clock.now();
  const caseIds = await deps.store.caseIdsOf(changes.map((c) => c.invoiceId));
  // Only changes that end collection of an invoice leave a mark before its case exists.
  const unknown = changes.filter((c) => !caseIds.has(c.invoiceId) && settles(c));
  await deps.store.linkInvoices(unknown.map((c) => ({ invoiceId: c.invoiceId, caseId: '', tenant: c.tenant })));
  const byCase = Map.groupBy(changes.filter((c) => caseIds.get(c.invoiceId)), (c) => caseIds.get(c.invoiceId)!);
  const docs = new Map((await deps.store.findMany([...byCase.keys()])).map((d) => [d._id, d]));
  await Promise.all(
    [...byCase].map(async ([caseId, caseChanges]) => {
      const doc = docs.get(caseId);
      if (!doc) return;
      const updated = await modifyCase(deps, doc, (next) => {
        const timeline: CaseDoc['timeline'] = [];
        for (const change of caseChanges) {
          const invoice = next.invoices.find((i) => i.invoiceId === change.invoiceId);
          const what = invoice ? change.apply(invoice) : null;
          if (what) timeline.push({ at: now, what: `invoice ${change.invoiceId}: ${what}` });
        }
        if (timeline.length === 0) return null;
        const closed = closeWhenNothingOpen(next, now, next.invoices.some((i) => i.status === 'paid') ? 'paid' : 'no open invoice left');
        if (closed) timeline.push({ at: now, what: closed });
        return timeline;
      });
      if (updated.status === 'closed' && doc.status === 'open') deps.logger.info({ caseId, reason: updated.closeReason }, 'collection case closed');
    }),
  );
}

/** Closes an open case with no open invoice left; returns the timeline line, or undefined when it stays as it is. */
function closeWhenNothingOpen(doc: CaseDoc, now: Date, reason: string): string | undefined {
  if (doc.status !== 'open' || doc.invoices.some((i) => i.status === 'open')) return undefined;
  doc.status = 'closed';
  doc.closedAt = now;
  doc.closeReason = reason;
  return `case closed: ${reason}`;
}

function settles(change: InvoiceChange): boolean {
  const probe: CaseInvoice = { invoiceId: change.invoiceId, amountCents: 1, dueDate: '2000-01-01', status: 'open', segment: '', strategy: '', joinedAt: new Date(0) };
  change.apply(probe);
  return probe.status !== 'open';
}

/** A payment that settles an invoice stops collecting it; a partial one lowers what the messages quote. */
export function onPaymentReconciled(deps: Deps) {
  return onBatch(PaymentReconciledV1, async (items) => {
    await applyInvoiceChanges(
      deps,
      items.map(({ value: { tenant, data } }) => ({
        invoiceId: data.invoiceId,
        tenant,
        debtorId: data.debtorId,
        apply: (invoice) => {
          if (invoice.status !== 'open') return null;
          if (data.settled) {
            invoice.status = 'paid';
            return `paid (payment ${data.paymentId})`;
          }
          if (invoice.amountCents === data.outstandingCents) return null;
          invoice.amountCents = data.outstandingCents;
          return `partly paid: ${data.outstandingCents} cents still open`;
        },
      })),
    );
  });
}

/** The creditor says the invoice was paid at its counter or cancelled: stop collecting it. */
export function onInvoiceSettledByCreditor(deps: Deps) {
  return onBatch(InvoiceSettledByCreditorV1, async (items) => {
    await applyInvoiceChanges(
      deps,
      items.map(({ value: { tenant, data } }) => ({
        invoiceId: data.invoiceId,
        tenant,
        debtorId: data.debtorId,
        apply: (invoice) => {
          if (invoice.status !== 'open') return null;
          invoice.status = data.status;
          return data.status === 'paid' ? 'paid (reported by creditor)' : 'cancelled by creditor';
        },
      })),
    );
  });
}

/** The creditor changed an invoice: messages quote the new amount and due date (a newer revision only). */
export function onInvoiceUpdated(deps: Deps) {
  return onBatch(InvoiceUpdatedV1, async (items) => {
    await applyInvoiceChanges(
      deps,
      items.map(({ value: { tenant, data } }) => ({
        invoiceId: data.invoiceId,
        tenant,
        debtorId: data.invoice.debtor.externalId,
        apply: (invoice) => {
          if (data.revision !== undefined && invoice.revision !== undefined && invoice.revision >= data.revision) return null;
          if (data.revision !== undefined) invoice.revision = data.revision;
          const changed: string[] = [];
          if (invoice.amountCents !== data.invoice.amountCents) changed.push(`amount ${invoice.amountCents} → ${data.invoice.amountCents} cents`);
          if (invoice.dueDate !== data.invoice.dueDate) changed.push(`due date ${invoice.dueDate} → ${data.invoice.dueDate}`);
          invoice.amountCents = data.invoice.amountCents;
          invoice.dueDate = data.invoice.dueDate;
          if (data.invoice.status !== 'open' && invoice.status === 'open') {
            invoice.status = data.invoice.status;
            changed.push(`status ${data.invoice.status}`);
          }
          return changed.length > 0 ? `updated by the creditor: ${changed.join(', ')}` : null;
        },
      })),
    );
  });
}

/**
 * Changes to cases' agreements, one write per case; the changed cases are dispatched at once (an agreement's first
 * reminder, or collection resuming after a broken one, needs no tick).
 */
async function applyCaseChanges(deps: Deps, changes: Array<{ caseId: string; apply: (doc: CaseDoc) => string | null }>): Promise<void> {
  const now = deps.clock.now();
  const docs = new Map((await deps.store.findMany([...new Set(changes.map((c) => c.caseId))])).map((d) => [d._id, d]));
  const changed: CaseDoc[] = [];
  await Promise.all(
    [...Map.groupBy(changes, (c) => c.caseId)].map(async ([caseId, caseChanges]) => {
      const doc = docs.get(caseId);
      if (!doc) return void deps.logger.warn({ caseId }, 'agreement event for a case notification does not know');
      const updated = await modifyCase(deps, doc, (next) => {
        const lines = caseChanges.map((c) => c.apply(next)).filter((what): what is string => what !== null);
        return lines.length > 0 ? lines.map((what) => ({ at: now, what })) : null;
      });
      changed.push(updated);
    }),
  );
  await deps.dispatcher.dispatchCases(changed, now);
}

/**
 * A handler for an event about one case (agreements, disputes, court, instruments): each event changes its case
 * (`apply` returns the timeline line, or null when there is nothing to change), then the changed cases are dispatched.
 */
function onCaseEvent<D extends AnyEventDefinition>(deps: Deps, definition: D, apply: (data: EventOf<D>['data'] & { caseId: string }, doc: CaseDoc, now: Date) => string | null) {
  return onBatch(definition, async (items) => {
    const now = deps.clock.now();
    await applyCaseChanges(
      deps,
      items.map(({ value }) => {
        const data = value.data as EventOf<D>['data'] & { caseId: string };
        return { caseId: data.caseId, apply: (doc: CaseDoc) => apply(data, doc, now) };
      }),
    );
  });
}

/** An agreement suspends the collection cadence; its installments get reminders one or two days before each is due. */
export function onAgreementCreated(deps: Deps) {
  return onBatch(AgreementCreatedV1, async (items) => {
    const changes = await Promise.all(
      items.map(async ({ value: { tenant, data } }) => {
        const { cadenceId, cadenceVersion } = await deps.book.forAgreement(tenant);
        return {
          caseId: data.caseId,
          apply: (doc: CaseDoc) => {
            if (doc.agreement?.agreementId === data.agreementId) return null;
            doc.agreement = {
              agreementId: data.agreementId,
              generation: (doc.agreement?.generation ?? 0) + 1,
              status: 'active',
              invoiceIds: data.invoiceIds,
              cadenceId,
              cadenceVersion,
              installments: data.installments.map((i) => ({ number: i.number, dueDate: i.dueDate, amountCents: i.amountCents, paid: false, pixCopyPaste: i.pixCopyPaste, boletoDigitableLine: i.boletoDigitableLine })),
            };
            if (doc.status === 'closed') return null;
            return `agreement ${data.agreementId}: ${data.installments.length} installment(s), ${data.totalCents} cents; collection suspended, installment reminders (${cadenceId}) instead`;
          },
        };
      }),
    );
    await applyCaseChanges(deps, changes);
  });
}

export function onAgreementInstallmentPaid(deps: Deps) {
  return onCaseEvent(deps, AgreementInstallmentPaidV1, (data, doc) => {
    const installment = doc.agreement?.agreementId === data.agreementId ? doc.agreement.installments.find((i) => i.number === data.number) : undefined;
    if (!installment || installment.paid) return null;
    installment.paid = true;
    return `agreement ${data.agreementId}: installment ${data.number} paid`;
  });
}

/** A broken agreement reactivates collection: the cadence takes up where the calendar stands (missed steps caught up once). */
export function onAgreementBroken(deps: Deps) {
  return onCaseEvent(deps, AgreementBrokenV1, (data, doc) => {
    if (doc.agreement?.agreementId !== data.agreementId || doc.agreement.status !== 'active') return null;
    doc.agreement.status = 'broken';
    if (doc.status === 'closed' && doc.invoices.some((i) => i.status === 'open')) {
      doc.status = 'open';
      delete doc.closedAt;
      delete doc.closeReason;
    }
    return `agreement ${data.agreementId} broken (${data.reason}): collection resumes`;
  });
}

/** Every installment paid: the agreement's invoices are settled, and the case closes when none is left open. */
export function onAgreementSettled(deps: Deps) {
  return onCaseEvent(deps, AgreementSettledV1, (data, doc, now) => {
    if (doc.agreement?.agreementId !== data.agreementId || doc.agreement.status === 'settled') return null;
    doc.agreement.status = 'settled';
    for (const invoice of doc.invoices) if (data.invoiceIds.includes(invoice.invoiceId) && invoice.status === 'open') invoice.status = 'paid';
    closeWhenNothingOpen(doc, now, 'paid (agreement settled)');
    return `agreement ${data.agreementId} settled: every installment paid`;
  });
}

/** A debtor contested the debt from the self-service page: the case pauses until an operator decides. */
export function onCaseDisputed(deps: Deps) {
  return onCaseEvent(deps, CaseDisputedV1, (data, doc, now) => {
    if (doc.paused?.reason.startsWith(`dispute ${data.disputeId}`)) return null;
    doc.paused = { reason: `dispute ${data.disputeId}: ${data.reason}`, at: now };
    return `the debtor contested the debt (${data.reason}): collection paused until an operator decides (dispute ${data.disputeId})`;
  });
}

/** An operator decided a dispute: upheld, the contested invoices are cancelled; rejected, collection resumes. */
export function onCaseDisputeResolved(deps: Deps) {
  return onCaseEvent(deps, CaseDisputeResolvedV1, (data, doc, now) => {
    if (!doc.paused?.reason.startsWith(`dispute ${data.disputeId}`)) return null;
    doc.paused = null;
    if (data.outcome === 'upheld') {
      for (const invoice of doc.invoices) if (data.invoiceIds.includes(invoice.invoiceId) && invoice.status === 'open') invoice.status = 'cancelled';
      closeWhenNothingOpen(doc, now, 'dispute upheld: the debt was cancelled');
    }
    return `dispute ${data.disputeId} ${data.outcome}${data.outcome === 'upheld' ? ': the contested invoices are cancelled' : ': collection resumes'}`;
  });
}

/**
 * A case taken to court: with the creditor's rule `stop`, amicable contact pauses while the process runs (an operator
 * may resume it); with `continue`, the cadence goes on and only the timeline says so.
 */
export function onJudicialCaseOpened(deps: Deps) {
  return onCaseEvent(deps, JudicialCaseOpenedV1, (data, doc, now) => {
    const mark = `judicial process ${data.processNumber}`;
    if (doc.paused?.reason.startsWith(mark) || doc.timeline.some((t) => t.what.startsWith(mark))) return null;
    if (data.amicableContact === 'stop') doc.paused = { reason: `${mark}: amicable contact stops while in court`, at: now };
    return `${mark} opened (${data.court}, ${data.lawFirm}): amicable contact ${data.amicableContact === 'stop' ? 'paused' : 'continues'}`;
  });
}

/**
 * An agreement in court closes the case like a payment: its open invoices leave collection (renegotiated in court)
 * and nothing more is sent.
 */
export function onJudicialCaseClosed(deps: Deps) {
  return onCaseEvent(deps, JudicialCaseClosedV1, (data, doc, now) => {
    const open = doc.invoices.filter((i) => i.status === 'open' && (data.invoiceIds.length === 0 || data.invoiceIds.includes(i.invoiceId)));
    if (open.length === 0 && doc.status === 'closed') return null;
    for (const invoice of open) invoice.status = 'renegotiated';
    if (doc.paused?.reason.startsWith(`judicial process ${data.processNumber}`)) doc.paused = null;
    closeWhenNothingOpen(doc, now, `settled in court (judicial process ${data.processNumber})`);
    return `judicial process ${data.processNumber}: agreement in court on ${data.closedOn}; its invoices leave collection`;
  });
}

/** Régua's own Pix and boleto for a case's open amount: the next messages quote them (the latest version wins). */
export function onCaseInstrumentsIssued(deps: Deps) {
  return onCaseEvent(deps, CaseInstrumentsIssuedV1, (data, doc) => {
    if ((doc.issuedInstruments?.version ?? 0) >= data.instrumentsVersion) return null;
    doc.issuedInstruments = { version: data.instrumentsVersion, amountCents: data.amountCents, dueDate: data.dueDate, pixCopyPaste: data.pix.copyPaste, ...(data.boleto ? { boletoDigitableLine: data.boleto.digitableLine } : {}) };
    return `payment instruments issued for ${data.amountCents} cents (version ${data.instrumentsVersion}: Pix${data.boleto ? ' and boleto' : ''}, due ${data.dueDate})`;
  });
}
