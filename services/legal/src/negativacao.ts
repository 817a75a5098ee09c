import { buildEnvelope, BureauNoticeSentV1, BureauRegisteredV1, BureauWithdrawnV1, CaseEscalatedV1, debtorKey, type EventOf } from '@regua/contracts';
import { ConflictError, NotFoundError, AppError } from '@regua/errors';
import type { EventPublisher, OutgoingMessage } from '@regua/kafka-bus';
import { derivedEventId, type Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import { BureauRefusedError, type BureauRegistry } from './bureau/contract.ts';
import { localDate, startOfLocalDay } from './domain/calendar.ts';
import { decideRegistration, eligibility, isActive, noticeSent, registered, trigger, withdrawalFailed, withdrawn, type WithdrawalReason } from './domain/negativacao.ts';
import type { DueEntry, DueSteps } from './store/due.ts';
import { MAX_PREVIOUS_CYCLES, type BureauFileDoc, type BureauFiles } from './store/files.ts';
import { caseFacts, type InvoiceDoc, type Projection } from './store/projection.ts';
import type { SettingsStore } from './store/settings.ts';

export interface NegativacaoDeps {
  projection: Projection;
  files: BureauFiles;
  due: DueSteps;
  settings: SettingsStore;
  /** Absent: no bureau configured; requests are refused (503). */
  bureau: BureauRegistry | undefined;
  bureauName: string;
  publisher: EventPublisher;
  clock: Clock;
  logger: Logger;
  source: string;
  policy: { maxAttempts: number; baseDelayMs: number };
  /** Asks the tick to run soon (after a request or a trigger). */
  kick?: () => void;
}

/** The case is known but its debt may not be registered now (disputed, five years old, …): 409 with the reason. */
export class IneligibleError extends ConflictError {}

const noted = (file: BureauFileDoc, at: Date, what: string): BureauFileDoc => ({ ...file, timeline: [...file.timeline, { at, what }] });
const brl = (cents: number) => `R$ ${(cents / 100).toFixed(2).replace('.', ',')}`;

/**
 * Credit-bureau registration as the service runs it: requests open a file and schedule the notice; the tick works
 * the due steps (notice, registration after the wait, withdrawal, five-year limit) against the bureau; other
 * services' events trigger cancellations and withdrawals. Every step is safe to repeat: a crash between a bureau call,
 * the file's write and the publish redoes the step, the bureau answers the same protocol (external references), and
 * events carry ids derived from the file's cycle.
 */
export function createNegativacao(deps: NegativacaoDeps) {
  const { projection, files, due, clock, logger } = deps;

  function envelope<D extends typeof BureauNoticeSentV1 | typeof BureauRegisteredV1 | typeof BureauWithdrawnV1 | typeof CaseEscalatedV1>(definition: D, file: BureauFileDoc, purpose: string, data: EventOf<D>['data']): OutgoingMessage {
    return {
      topic: definition.topic,
      key: debtorKey(file.tenant, file.debtorId),
      envelope: buildEnvelope(definition as never, { id: derivedEventId(`${file._id}:${file.cycle}`, purpose), occurredAt: clock.now(), source: deps.source, tenant: file.tenant, correlationId: `${file._id}:${file.cycle}` }, data as never),
    };
  }

  const caseFields = (file: BureauFileDoc) => ({ caseId: file._id, debtorId: file.debtorId, invoiceIds: file.debts.map((d) => d.invoiceId), bureau: file.bureau });
  const debtFields = (file: BureauFileDoc) => ({ debts: file.debts, amountCents: file.amountCents, oldestDueDate: file.oldestDueDate });

  /** Opens a file for the case (a new cycle after a finished one) and schedules the notice. */
  async function request(tenant: string, caseId: string, requestedBy: BureauFileDoc['requestedBy']): Promise<BureauFileDoc> {
    const found = await projection.caseWithInvoices(caseId);
    if (!found || found.doc.tenant !== tenant) throw new NotFoundError(`no case ${caseId}`);
    if (!deps.bureau) throw new AppError('unavailable', 'no credit bureau is configured (LEGAL_BUREAU_URL)');
    const now = clock.now();
    const allowed = eligibility(caseFacts(found.doc, found.invoices), localDate(now));
    if (!allowed.ok) throw new IneligibleError(allowed.detail, { reason: allowed.reason });
    const { debts, amountCents, oldestDueDate, expiresOn } = allowed;
    const { doc, changed } = await files.update(caseId, (current) => {
      if (current && isActive(current)) return null;
      const { _id: _ignored, version: _v, previous = [], ...earlier } = current ?? ({} as Partial<BureauFileDoc>);
      const cycle = (current?.cycle ?? 0) + 1;
      return {
        _id: caseId,
        version: current?.version ?? 0,
        tenant,
        debtorId: found.doc.debtorId,
        bureau: deps.bureauName,
        cycle,
        status: 'notice-requested',
        requestedBy,
        requestedAt: now,
        noticeAttempts: 0,
        debts,
        amountCents,
        oldestDueDate,
        expiresOn,
        timeline: [{ at: now, what: `registration requested (${requestedBy}) for ${debts.length} debt(s), ${brl(amountCents)}: the bureau is asked to notify the debtor in writing first` }],
        previous: current ? [...previous, earlier as BureauFileDoc].slice(-MAX_PREVIOUS_CYCLES) : [],
      };
    });
    if (!changed) throw new ConflictError(`a registration of this case is already under way (${doc?.status})`, { status: doc?.status });
    await due.add([{ caseId, cycle: doc!.cycle, action: 'notice', dueAt: now }], now);
    deps.kick?.();
    return doc!;
  }

  /** Something that removes the grounds for registration happened to the case (or to some of its invoices). */
  async function caseChanged(tenant: string, caseId: string, reason: WithdrawalReason, at: Date, detail: string, invoiceIds?: readonly string[]): Promise<void> {
    const now = clock.now();
    let outcome: ReturnType<typeof trigger> = { kind: 'unchanged' };
    const { doc, changed } = await files.update(caseId, (current) => {
      if (!current || current.tenant !== tenant || !isActive(current)) return null;
      if (invoiceIds && !current.debts.some((d) => invoiceIds.includes(d.invoiceId))) return null;
      outcome = trigger(current, reason, at, detail);
      if (outcome.kind === 'unchanged') return null;
      const next = { ...current, ...outcome.state } as BureauFileDoc;
      return noted(next, now, outcome.kind === 'cancelled' ? `registration cancelled before it was made (${reason}: ${detail})` : `withdrawal due by ${next.withdrawal!.deadline} (${reason}: ${detail})`);
    });
    if (!changed || !doc) return;
    if (doc.status === 'withdrawing') {
      await due.add([{ caseId, cycle: doc.cycle, action: 'withdraw', dueAt: now }], now);
      deps.kick?.();
    }
  }

  async function retryLater(file: BureauFileDoc, action: DueEntry['action'], error: string, attempts: number): Promise<void> {
    const now = clock.now();
    const retryAt = new Date(now.getTime() + Math.min(deps.policy.baseDelayMs * 2 ** Math.max(0, attempts - 1), 3_600_000));
    await due.add([{ caseId: file._id, cycle: file.cycle, action, dueAt: retryAt }], now);
    logger.warn({ caseId: file._id, action, err: error }, 'bureau step failed; retrying later');
  }

  function creditorAndDebtor(invoices: InvoiceDoc[], file: BureauFileDoc) {
    const noticed = invoices.filter((i) => file.debts.some((d) => d.invoiceId === i._id));
    const withAddress = noticed.find((i) => i.debtor?.address) ?? invoices.find((i) => i.debtor?.address);
    const any = withAddress ?? noticed[0];
    if (!any?.creditor || !any.debtor) throw new Error(`case ${file._id}: creditor or debtor unknown`);
    return { creditor: { document: any.creditor.cnpj, name: any.creditor.name }, debtor: { document: any.debtor.taxId.number, documentType: any.debtor.taxId.type, name: any.debtor.name }, address: withAddress?.debtor?.address };
  }

  const bureauDebts = (file: BureauFileDoc) => file.debts.map((d) => ({ contract: d.invoiceId, amountCents: d.amountCents, dueDate: d.dueDate }));

  async function noticeStep(file: BureauFileDoc): Promise<void> {
    let current = file;
    if (current.status === 'notice-requested') {
      const found = await projection.caseWithInvoices(current._id);
      const parties = creditorAndDebtor(found?.invoices ?? [], current);
      if (!parties.address) return cancel(current, 'the debtor\'s postal address is unknown: the written notice cannot be sent');
      let answer;
      try {
        answer = await deps.bureau!.requestNotice({ externalReference: `${current._id}:${current.cycle}:notice`, creditor: parties.creditor, debtor: { ...parties.debtor, address: parties.address }, debts: bureauDebts(current) });
      } catch (error) {
        if (error instanceof BureauRefusedError) return cancel(current, `the bureau refused the notice: ${error.message}`);
        await files.update(current._id, (doc) => (doc && doc.cycle === current.cycle ? { ...doc, noticeAttempts: doc.noticeAttempts + 1, lastError: (error as Error).message } : null));
        return retryLater(current, 'notice', (error as Error).message, current.noticeAttempts + 1);
      }
      const { waitDays } = (await deps.settings.get(current.tenant)).settings.bureau;
      const sentAt = new Date(answer.sentAt);
      const { doc } = await files.update(current._id, (doc) => {
        if (!doc || doc.cycle !== current.cycle || doc.status !== 'notice-requested') return null;
        const next = { ...doc, ...noticeSent(doc, { protocol: answer.protocol, proofKind: answer.proof.channel, proofReference: answer.proof.trackingCode, sentAt }, waitDays) } as BureauFileDoc;
        return noted(next, clock.now(), `the bureau sent the written notice (${answer.proof.channel}, proof ${answer.proof.trackingCode}, protocol ${answer.protocol}); registration not before ${next.notice!.registerNotBefore.toISOString()} (${waitDays} days)`);
      });
      if (!doc) return;
      current = doc;
    }
    if (current.status !== 'waiting' || !current.notice) return;
    const notice = current.notice;
    await deps.publisher.publish([
      envelope(BureauNoticeSentV1, current, 'notice-sent', {
        ...caseFields(current),
        ...debtFields(current),
        noticeProtocol: notice.protocol,
        proof: { kind: notice.proofKind, reference: notice.proofReference, sentAt: notice.sentAt.toISOString() },
        registerNotBefore: notice.registerNotBefore.toISOString(),
        requestedBy: current.requestedBy,
      }),
    ]);
    await due.add([{ caseId: current._id, cycle: current.cycle, action: 'register', dueAt: notice.registerNotBefore }], clock.now());
  }

  async function cancel(file: BureauFileDoc, reason: string): Promise<void> {
    const now = clock.now();
    await files.update(file._id, (doc) => (doc && doc.cycle === file.cycle && isActive(doc) && doc.status !== 'registered' && doc.status !== 'withdrawing' ? noted({ ...doc, status: 'cancelled', cancelled: { reason, at: now } }, now, `registration cancelled: ${reason}`) : null));
    logger.info({ caseId: file._id, reason }, 'bureau registration cancelled');
  }

  async function registerStep(file: BureauFileDoc): Promise<void> {
    let current = file;
    const now = clock.now();
    if (current.status === 'waiting') {
      const found = await projection.caseWithInvoices(current._id);
      if (!found) return cancel(current, 'the case is no longer known');
      const decision = decideRegistration(current, caseFacts(found.doc, found.invoices), now);
      if (decision.kind === 'wait') return void (await due.add([{ caseId: current._id, cycle: current.cycle, action: 'register', dueAt: decision.until }], now));
      if (decision.kind === 'cancel') return cancel(current, decision.reason);
      const parties = creditorAndDebtor(found.invoices, current);
      let answer;
      try {
        answer = await deps.bureau!.register({ externalReference: `${current._id}:${current.cycle}:registration`, noticeProtocol: current.notice!.protocol, creditor: parties.creditor, debtor: parties.debtor, debts: bureauDebts(current) });
      } catch (error) {
        if (error instanceof BureauRefusedError) return cancel(current, `the bureau refused the registration: ${error.message}`);
        return retryLater(current, 'register', (error as Error).message, 1);
      }
      const { doc } = await files.update(current._id, (doc) => {
        if (!doc || doc.cycle !== current.cycle || doc.status !== 'waiting') return null;
        const next = { ...doc, ...registered(doc, { protocol: answer.protocol, registeredAt: new Date(answer.registeredAt) }) } as BureauFileDoc;
        return noted(next, clock.now(), `registered at the bureau (protocol ${answer.protocol}): ${brl(doc.amountCents)}, as noticed; withdrawn by ${doc.expiresOn} at the latest (five years)`);
      });
      if (!doc) return;
      current = doc;
    }
    if (current.status !== 'registered' || !current.registration) return;
    await deps.publisher.publish([
      envelope(BureauRegisteredV1, current, 'registered', {
        ...caseFields(current),
        ...debtFields(current),
        noticeProtocol: current.notice!.protocol,
        registrationProtocol: current.registration.protocol,
        registeredAt: current.registration.registeredAt.toISOString(),
        expiresOn: current.expiresOn,
      }),
    ]);
    await due.add([{ caseId: current._id, cycle: current.cycle, action: 'five-years', dueAt: startOfLocalDay(current.expiresOn) }], clock.now());
  }

  async function fiveYearStep(file: BureauFileDoc): Promise<void> {
    const now = clock.now();
    if (file.status !== 'registered') return;
    if (localDate(now) < file.expiresOn) return void (await due.add([{ caseId: file._id, cycle: file.cycle, action: 'five-years', dueAt: startOfLocalDay(file.expiresOn) }], now));
    await caseChanged(file.tenant, file._id, 'five-years', startOfLocalDay(file.expiresOn), `the oldest debt reached five years past due on ${file.expiresOn} (CDC art. 43 §1)`);
    const after = await files.get(file._id);
    if (after) await withdrawStep(after);
  }

  async function withdrawStep(file: BureauFileDoc): Promise<void> {
    let current = file;
    if (current.status === 'withdrawing') {
      const withdrawal = current.withdrawal!;
      let answer;
      try {
        answer = await deps.bureau!.withdraw(current.registration!.protocol, withdrawal.reason);
      } catch (error) {
        const message = (error as Error).message;
        let failure: ReturnType<typeof withdrawalFailed> | undefined;
        const { doc } = await files.update(current._id, (doc) => {
          if (!doc || doc.cycle !== current.cycle || doc.status !== 'withdrawing') return null;
          failure = withdrawalFailed(doc, message, clock.now(), deps.policy);
          return noted({ ...doc, ...failure.state } as BureauFileDoc, clock.now(), `withdrawal attempt ${failure.state.withdrawal!.attempts} failed: ${message}${failure.escalate ? ' — escalated to the work queue' : ''}`);
        });
        if (!doc || !failure) return;
        if (failure.escalate) {
          await deps.publisher.publish([
            envelope(CaseEscalatedV1, doc, `withdrawal-escalated`, {
              caseId: doc._id,
              debtorId: doc.debtorId,
              invoiceIds: doc.debts.map((d) => d.invoiceId),
              reason: 'rule',
              detail: `credit-bureau withdrawal failed ${doc.withdrawal!.attempts} times (${message}); the registration must be withdrawn by ${doc.withdrawal!.deadline} (${doc.withdrawal!.reason})`,
              openAmountCents: doc.amountCents,
            }),
          ]);
        }
        await due.add([{ caseId: doc._id, cycle: doc.cycle, action: 'withdraw', dueAt: failure.retryAt }], clock.now());
        logger.warn({ caseId: doc._id, attempts: doc.withdrawal!.attempts, err: message }, 'bureau withdrawal failed; retrying later');
        return;
      }
      const withdrawnAt = answer.withdrawnAt ? new Date(answer.withdrawnAt) : clock.now();
      const { doc } = await files.update(current._id, (doc) => {
        if (!doc || doc.cycle !== current.cycle || doc.status !== 'withdrawing') return null;
        const next = { ...doc, ...withdrawn(doc, withdrawnAt) } as BureauFileDoc;
        const onTime = localDate(withdrawnAt) <= next.withdrawal!.deadline;
        return noted(next, clock.now(), `withdrawn at the bureau (${next.withdrawal!.reason}), ${onTime ? 'within' : 'AFTER'} the deadline ${next.withdrawal!.deadline}`);
      });
      if (!doc) return;
      current = doc;
    }
    if (current.status !== 'withdrawn' || !current.withdrawal?.withdrawnAt) return;
    const w = current.withdrawal;
    await deps.publisher.publish([
      envelope(BureauWithdrawnV1, current, 'withdrawn', {
        ...caseFields(current),
        registrationProtocol: current.registration!.protocol,
        amountCents: current.amountCents,
        reason: w.reason,
        triggeredAt: w.triggeredAt.toISOString(),
        deadline: w.deadline,
        withdrawnAt: w.withdrawnAt!.toISOString(),
        withinDeadline: localDate(w.withdrawnAt!) <= w.deadline,
        attempts: w.attempts,
      }),
    ]);
  }

  async function handle(entry: DueEntry): Promise<void> {
    const file = await files.get(entry.caseId);
    if (!file || file.cycle !== entry.cycle) return;
    if (!deps.bureau) throw new Error('no credit bureau is configured');
    switch (entry.action) {
      case 'notice':
        return noticeStep(file);
      case 'register':
        return registerStep(file);
      case 'withdraw':
        return withdrawStep(file);
      case 'five-years':
        return fiveYearStep(file);
    }
  }

  return {
    request,
    caseChanged,
    /** Works every step due now; returns how many entries were dealt with. */
    runDue: () => due.drainDue(clock.now(), handle, (entry, error) => logger.error({ err: error, caseId: entry.caseId, action: entry.action }, 'due bureau step failed; kept for the next tick')),
    file: (caseId: string) => files.get(caseId),
  };
}

export type Negativacao = ReturnType<typeof createNegativacao>;
