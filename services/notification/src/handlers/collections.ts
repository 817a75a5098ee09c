import { DebtorScoredV1, InvoiceSettledByCreditorV1, PaymentReconciledV1 } from '@regua/contracts';
import { on, onBatch } from '@regua/kafka-bus';
import type { Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import type { Segment } from '../domain/cadence.ts';
import { firstStepDueAt } from '../domain/dispatch.ts';
import type { Dispatcher } from '../dispatcher.ts';
import type { CaseDoc, CaseStore } from '../store/cases.ts';
import type { Schedule } from '../store/schedule.ts';

interface Deps {
  store: CaseStore;
  schedule: Schedule;
  dispatcher: Dispatcher;
  clock: Clock;
  logger: Logger;
}

/** Scored debtors open collection cases (one insert for the run); first steps due now go out at once. */
export function onDebtorScored(deps: Deps) {
  return onBatch(DebtorScoredV1, async (items) => {
    const now = deps.clock.now();
    const docs: CaseDoc[] = items.map(({ value: { tenant, correlationId, data } }) => ({
      _id: data.invoiceId,
      tenant,
      debtorId: data.debtorId,
      correlationId,
      status: 'open',
      segment: data.segment,
      openedAt: now,
      dispatch: {
        uf: data.profile.uf,
        timeZone: data.profile.timeZone,
        contacts: { emails: data.profile.contacts.emails, mobilePhones: data.profile.contacts.mobilePhones },
        message: { debtorName: data.profile.debtorName, creditorName: data.profile.creditorName, amountCents: data.profile.amountCents, dueDate: data.profile.dueDate },
      },
      timeline: [{ at: now, what: `case opened (${data.segment})` }],
    }));
    const firstDue = new Map(docs.map((doc) => [doc._id, firstStepDueAt(doc.segment as Segment, now)]));
    const dueNow = (doc: CaseDoc) => firstDue.get(doc._id)!.getTime() <= now.getTime();
    // A first step due later gets its schedule entry before the case: a crash in between leaves a spare entry,
    // never a case nobody wakes. A first step due now is carried out here, before this run's offsets are
    // committed: a crash before it ends redelivers the run, and the case, found then, has its step taken up again.
    await deps.schedule.add(
      docs.filter((doc) => !dueNow(doc)).map((doc) => ({ caseId: doc._id, step: 0, dueAt: firstDue.get(doc._id)! })),
      now,
    );
    const opened = await deps.store.openAll(docs);
    for (const doc of docs) if (opened.has(doc._id)) deps.logger.info({ caseId: doc._id, correlationId: doc.correlationId, segment: doc.segment }, 'collection case opened');
    // A case that existed already: this run is redelivered after a failure (its first step may not have gone
    // out) or the event came twice. Its first step is taken up again on the stored case; the step's record
    // keeps it from being sent twice.
    const existed = docs.filter((doc) => !opened.has(doc._id) && dueNow(doc)).map((doc) => doc._id);
    const stored = existed.length > 0 ? await deps.store.findMany(existed) : [];
    await deps.dispatcher.dispatch(
      [...docs.filter((doc) => opened.has(doc._id) && dueNow(doc)), ...stored].map((doc) => ({ doc, step: 0 })),
      now,
    );
  });
}

/** A settled invoice closes its case: no further reminders. */
export function onPaymentReconciled(deps: Deps) {
  return on(PaymentReconciledV1, async (event) => {
    if (!event.data.settled) return;
    await deps.store.close(event.data.invoiceId, event.tenant, event.data.debtorId, 'paid', deps.clock.now());
    deps.logger.info({ caseId: event.data.invoiceId, correlationId: event.correlationId }, 'collection case closed: paid');
  });
}

/** The creditor says the invoice was paid at its counter or cancelled: stop collecting. */
export function onInvoiceSettledByCreditor(deps: Deps) {
  return on(InvoiceSettledByCreditorV1, async (event) => {
    const reason = event.data.status === 'paid' ? 'paid (reported by creditor)' : 'cancelled by creditor';
    await deps.store.close(event.data.invoiceId, event.tenant, event.data.debtorId, reason, deps.clock.now());
    deps.logger.info({ caseId: event.data.invoiceId, correlationId: event.correlationId, reason }, 'collection case closed');
  });
}
