import { DebtorScoredV1, InvoiceSettledByCreditorV1, PaymentReconciledV1 } from '@regua/contracts';
import { on } from '@regua/kafka-bus';
import type { Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import { firstStepDueAt } from '../domain/dispatch.ts';
import type { Dispatcher } from '../dispatcher.ts';
import type { CaseStore } from '../store/cases.ts';

interface Deps {
  store: CaseStore;
  dispatcher: Dispatcher;
  clock: Clock;
  logger: Logger;
}

/** A scored debtor opens a collection case; its first step goes out at once when it is due. */
export function onDebtorScored(deps: Deps) {
  return on(DebtorScoredV1, async (event) => {
    const { data } = event;
    const now = deps.clock.now();
    await deps.store.open({
      caseId: data.invoiceId,
      tenant: event.tenant,
      debtorId: data.debtorId,
      correlationId: event.correlationId,
      segment: data.segment,
      openedAt: now,
      nextDueAt: firstStepDueAt(data.segment, now),
      dispatch: {
        uf: data.profile.uf,
        timeZone: data.profile.timeZone,
        contacts: { emails: data.profile.contacts.emails, mobilePhones: data.profile.contacts.mobilePhones },
        message: { debtorName: data.profile.debtorName, creditorName: data.profile.creditorName, amountCents: data.profile.amountCents, dueDate: data.profile.dueDate },
      },
    });
    deps.logger.info({ caseId: data.invoiceId, correlationId: event.correlationId, segment: data.segment }, 'collection case opened');
    const opened = await deps.store.find(data.invoiceId);
    if (opened?.status === 'open' && opened.nextDueAt && opened.nextDueAt.getTime() <= now.getTime()) await deps.dispatcher.dispatchCase(opened, now);
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
