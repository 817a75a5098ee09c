import { buildEnvelope, CaseEscalatedV1, debtorKey, NotificationSentV1 } from '@regua/contracts';
import type { EventPublisher, OutgoingMessage } from '@regua/kafka-bus';
import { forEachConcurrently } from '@regua/mongo';
import { derivedEventId, type Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import type { MessageChannel } from './channels.ts';
import { CreditorProfileMissingError, type CadenceBook } from './cadence-book.ts';
import type { Channel } from './domain/channel.ts';
import type { RenderedMessage } from './domain/message-templates.ts';
import { ChannelUnavailableError, OutcomeUnknownError } from './providers/errors.ts';
import { agreementDueSteps, agreementSteps, anchorOf, COLLECTION_STEPS, conditionsFail, daysPastDue, firstAllowed, generationDueSteps, nextFallback, openAmountCents, routeStep, type AgreementInstallment, type PlanStep, type Route } from './domain/plan.ts';
import type { ContactRules, TenantContact } from './contact-policy.ts';
import { contactId, stepRecordId, type CaseDoc, type CaseStore, type DeliveryDoc, type StepRecord } from './store/cases.ts';
import { debtorDocId, type ContactToCount, type DebtorContactDoc, type DebtorContactStore } from './store/debtors.ts';
import type { Schedule, ScheduleEntry } from './store/schedule.ts';

export interface DispatcherOptions {
  store: CaseStore;
  debtors: DebtorContactStore;
  schedule: Schedule;
  book: CadenceBook;
  rules: ContactRules;
  channel: MessageChannel;
  publisher: EventPublisher;
  clock: Clock;
  logger: Logger;
  source: string;
  /** Schedule entries handled together: one read of their cases, one claim insert and one publish per chunk. */
  batchSize: number;
  /**
   * How long a claim belongs to the dispatcher that made it. A claim older than this with no confirmation was
   * left by a dispatcher that died between claiming and confirming; longer than any provider call may take.
   */
  claimLeaseMs?: number;
}

/** Provider calls in flight at once. */
const CONCURRENCY = 16;
/** A step none of whose channels' providers took it is tried again this much later. */
const SEND_RETRY_MS = 60_000;
const DEFAULT_CLAIM_LEASE_MS = 5 * 60_000;
/** A step held for a missing creditor profile is looked at again this much later. */
const PROFILE_MISSING_RETRY_MS = 3_600_000;

type Wake = Omit<ScheduleEntry, '_id'>;

/** One contact to make: a route of a step of a case. */
interface Contact {
  doc: CaseDoc;
  step: number;
  spec: PlanStep;
  route: Route;
  claim: DeliveryDoc;
}

/** A step being carried out, over one or more contacts. */
interface StepWork {
  doc: CaseDoc;
  step: number;
  spec: PlanStep;
  /** The cadence the step belongs to (the installments cadence while an agreement is active). */
  cadenceId: string;
  amountCents: number;
  installment?: AgreementInstallment | undefined;
  reach: CaseDoc['profile']['contacts'];
  blocked: (channel: Channel) => string | undefined;
  sent: Contact[];
  failed: boolean;
}

/**
 * Carries out what is due on cases a batch at a time. Per case: the cadence version the case started on says which
 * steps are due (dueSteps: a step whose time passed while the dispatcher was down is caught up once, never as a
 * flood); each due step is checked against its conditions, the debtor's opt-outs and self-regulation blocks, the
 * contact windows of each channel in the debtor's zone and the frequency caps, then sent on each of its channels,
 * or on its fallback when a channel cannot reach the debtor or its provider fails.
 *
 * Exactly once per contact: the claim is an insert of the contact's id (`caseId:step:channel`), which also goes to
 * the provider as the idempotency key. A claim found from before is looked at again: confirmed, its event is
 * published again (same event id); within its lease, its dispatcher is still at it; older and never confirmed, its
 * dispatcher died between claim and confirmation, so the provider is asked whether it took the message (when it
 * can say) and otherwise it is sent again.
 */
export function createDispatcher(options: DispatcherOptions) {
  const { store, debtors, schedule, book, rules, clock, logger } = options;
  const claimLeaseMs = options.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS;

  function claimFor(doc: CaseDoc, step: number, spec: PlanStep, route: Route, message: RenderedMessage, at: Date, about: { cadenceId: string; amountCents: number }): DeliveryDoc {
    const open = doc.agreement?.status === 'active' ? doc.invoices.filter((i) => doc.agreement!.invoiceIds.includes(i.invoiceId)) : doc.invoices.filter((i) => i.status === 'open');
    return {
      _id: contactId(doc._id, step, route.channel),
      tenant: doc.tenant,
      caseId: doc._id,
      debtorId: doc.debtorId,
      correlationId: doc.correlationId ?? doc._id,
      step,
      stepId: spec.id,
      outcome: 'sending',
      channel: route.channel,
      ...(route.fallbackFor ? { fallbackFor: route.fallbackFor } : {}),
      address: route.address,
      template: spec.template,
      cadenceId: about.cadenceId,
      ...(message.subject ? { subject: message.subject } : {}),
      text: message.text,
      invoiceIds: open.map((i) => i.invoiceId),
      amountCents: about.amountCents,
      arm: doc.arm,
      sentAt: at,
    };
  }

  async function render(doc: CaseDoc, spec: PlanStep, channel: Channel, installment?: AgreementInstallment): Promise<RenderedMessage> {
    return book.render(doc, spec.template, channel, clock.now(), installment);
  }

  /** What the dispatcher decided for one case: records and wakes to write, contacts to make, an escalation. */
  interface CasePlan {
    records: StepRecord[];
    settle: number[];
    timeline: CaseDoc['timeline'];
    wakes: Wake[];
    work?: StepWork;
    contacts: Array<{ route: Route; message: RenderedMessage }>;
    escalate?: { reason: 'cadence-exhausted' | 'unreachable' | 'rule'; detail: string };
    /** Set when the step being sent is the cadence's last: the case is escalated once it is settled. */
    exhaustsCadence?: { reason: 'cadence-exhausted'; detail: string };
  }

  /**
   * The steps a case follows now: its collection cadence, relative to its anchor invoice's due date; or, while an
   * agreement is active, the installments cadence relative to each installment's due date.
   */
  interface StepView {
    cadenceId: string;
    specOf(index: number): PlanStep;
    installmentOf(index: number): AgreementInstallment | undefined;
    indexes: number[];
    due: { take?: number; skip: Array<{ step: number; reason: string }>; next?: { step: number; dueAt: Date } };
    escalateWhenExhausted: boolean;
    /** For the conditions and SARB 27: what the step is about. */
    amountCents: number;
    overdueDays: number;
  }

  async function viewOf(doc: CaseDoc, now: Date): Promise<StepView | undefined> {
    const settled = new Set(doc.settledSteps ?? []);
    const agreement = doc.agreement;
    if (agreement?.status === 'active') {
      const cadence = await book.cadence(doc.tenant, agreement.cadenceId, agreement.cadenceVersion);
      const steps = agreementSteps(cadence, agreement.installments, agreement.generation);
      const byIndex = new Map(steps.map((v) => [v.index, v]));
      const due = agreementDueSteps(steps, now, settled);
      const current = due.take !== undefined ? byIndex.get(due.take)!.installment : undefined;
      return { cadenceId: cadence.id, specOf: (i) => byIndex.get(i)!.spec, installmentOf: (i) => byIndex.get(i)?.installment, indexes: steps.map((v) => v.index), due, escalateWhenExhausted: false, amountCents: current?.amountCents ?? 0, overdueDays: 0 };
    }
    const anchor = anchorOf(doc.invoices);
    if (!anchor) return undefined;
    const cadence = await book.cadence(doc.tenant, doc.cadenceId!, doc.cadenceVersion);
    const generation = doc.cadenceGeneration ?? 0;
    const base = COLLECTION_STEPS * generation;
    // A moved case's new cadence counts from the move: its steps before it are caught up, not "arrived late".
    const due = generationDueSteps(cadence, anchor.dueDate, new Date(doc.movedAt ?? doc.openedAt), now, settled, generation);
    return { cadenceId: cadence.id, specOf: (i) => cadence.steps[i - base]!, installmentOf: () => undefined, indexes: cadence.steps.map((_, i) => i + base), due, escalateWhenExhausted: cadence.escalateWhenExhausted, amountCents: openAmountCents(doc.invoices), overdueDays: daysPastDue(anchor.dueDate, now) };
  }

  async function planCase(doc: CaseDoc, debtor: DebtorContactDoc | undefined, now: Date, tenant: TenantContact): Promise<CasePlan> {
    const plan: CasePlan = { records: [], settle: [], timeline: [], wakes: [], contacts: [] };
    const view = await viewOf(doc, now);
    if (!view) return plan;
    const settled = new Set(doc.settledSteps ?? []);
    const { take, skip, next } = view.due;
    const skipStep = (step: number, outcome: StepRecord['outcome'], reason: string) => {
      const spec = view.specOf(step);
      plan.records.push({ _id: stepRecordId(doc._id, step), caseId: doc._id, step, stepId: spec.id, outcome, reason, channels: [], at: now });
      plan.settle.push(step);
      plan.timeline.push({ at: now, what: `step ${spec.id}${view.installmentOf(step) ? ` (installment ${view.installmentOf(step)!.number})` : ''} skipped: ${reason}` });
    };
    for (const { step, reason } of skip) skipStep(step, 'skipped', reason);
    if (next) plan.wakes.push({ caseId: doc._id, step: next.step, dueAt: next.dueAt });

    if (take !== undefined) {
      const spec = view.specOf(take);
      const previousRead = spec.conditions.onlyIfPreviousUnread ? await book.previousRead(doc, take) : false;
      const failing = conditionsFail(spec, view.amountCents, previousRead);
      if (failing) {
        skipStep(take, 'skipped', failing);
      } else {
        const failed = new Set(doc.failedContacts ?? []);
        const blocked = (channel: Channel) => {
          if (debtor?.optOuts?.[channel]) return `the debtor opted out of ${channel}`;
          if (failed.has(contactId(doc._id, take, channel))) return `the provider reported the ${channel} message of this step failed`;
          return rules.blocked(doc, channel, view.overdueDays, tenant);
        };
        const { routes, missed } = routeStep(spec, doc.profile.contacts, blocked);
        if (routes.length === 0) {
          skipStep(take, 'unreachable', missed.map((m) => `${m.channel}: ${m.reason}`).join('; '));
          plan.escalate = { reason: 'unreachable', detail: `no channel of step ${spec.id} reaches the debtor (${missed.map((m) => `${m.channel}: ${m.reason}`).join('; ')})` };
        } else {
          const allowedAt = firstAllowed(now, [...routes.map((r) => (at: Date) => rules.nextAllowed(doc, r.channel, at, tenant)), (at: Date) => rules.capsAllow(doc, debtor, at, take, tenant)]);
          if (allowedAt.getTime() > now.getTime()) {
            plan.wakes.push({ caseId: doc._id, step: take, dueAt: allowedAt });
            logger.info({ caseId: doc._id, step: spec.id, until: allowedAt.toISOString() }, 'step deferred to contact hours or caps');
          } else {
            try {
              for (const route of routes) plan.contacts.push({ route, message: await render(doc, spec, route.channel, view.installmentOf(take)) });
              plan.work = { doc, step: take, spec, cadenceId: view.cadenceId, amountCents: view.amountCents, installment: view.installmentOf(take), reach: doc.profile.contacts, blocked, sent: [], failed: false };
            } catch (error) {
              if (!(error instanceof CreditorProfileMissingError)) throw error;
              // Nothing unlawful goes out: the step waits for the profile, and a person is told once.
              plan.contacts = [];
              plan.wakes.push({ caseId: doc._id, step: take, dueAt: new Date(now.getTime() + PROFILE_MISSING_RETRY_MS) });
              if (!doc.escalatedAt) plan.escalate = { reason: 'rule', detail: error.message };
            }
          }
        }
      }
    }
    // The cadence runs out with this dispatch: once its last step is settled, the case goes to a person.
    const remaining = view.indexes.some((index) => !settled.has(index) && !plan.settle.includes(index) && !(plan.work && index === plan.work.step));
    if (!remaining && !plan.wakes.some((w) => w.step === take) && view.escalateWhenExhausted && !doc.escalatedAt && !plan.escalate) {
      const exhausted = { reason: 'cadence-exhausted' as const, detail: `cadence ${view.cadenceId} ran out with ${openAmountCents(doc.invoices)} cents still open` };
      if (plan.work) plan.exhaustsCadence = exhausted;
      else plan.escalate = exhausted;
    }
    return plan;
  }

  /** Sorts contacts claimed earlier: which to publish again, which to send (their claim was left by a crash), which to look at later. */
  async function takeUpClaimed(claimed: Contact[], now: Date): Promise<{ confirmed: Contact[]; providerTook: Contact[]; resend: Contact[]; later: Wake[] }> {
    const confirmed: Contact[] = [];
    const providerTook: Contact[] = [];
    const resend: Contact[] = [];
    const later: Wake[] = [];
    if (claimed.length === 0) return { confirmed, providerTook, resend, later };
    const progress = await store.progressOf(claimed.map((c) => c.claim._id));
    await forEachConcurrently(claimed, CONCURRENCY, async (item) => {
      const { claim, sent } = progress.get(item.claim._id) ?? { claim: null, sent: false };
      if (sent && claim) return void confirmed.push({ ...item, claim });
      // No claim: its send failed and was taken back, and that dispatcher scheduled the retry.
      if (!claim || claim.outcome !== 'sending') return;
      const leaseEnds = new Date(claim.sentAt).getTime() + claimLeaseMs;
      if (leaseEnds > now.getTime()) return void later.push({ caseId: item.doc._id, step: item.step, dueAt: new Date(leaseEnds) });
      const tookIt = await options.channel.wasSent?.(claim._id);
      logger.warn({ caseId: item.doc._id, contactId: claim._id, claimedAt: claim.sentAt, providerSays: tookIt ?? 'cannot tell' }, 'contact claimed by a dispatcher that stopped before confirming');
      (tookIt ? providerTook : resend).push({ ...item, claim });
    });
    return { confirmed, providerTook, resend, later };
  }

  /** Sends a claimed contact; on failure takes the claim back and tries the step's next fallback channel. */
  async function send(contact: Contact, work: StepWork, used: Set<Channel>): Promise<void> {
    const { claim } = contact;
    try {
      await options.channel.send({ tenant: claim.tenant, caseId: claim.caseId, reference: claim._id, channel: claim.channel, address: claim.address, ...(claim.subject ? { subject: claim.subject } : {}), text: claim.text });
      work.sent.push(contact);
      return;
    } catch (error) {
      if (error instanceof OutcomeUnknownError) {
        // The provider may have taken it: the claim stays, so the retry asks the provider before sending, and no
        // other channel stands in for a message that may have gone out.
        logger.warn({ caseId: claim.caseId, contactId: claim._id, channel: claim.channel }, 'provider outcome unknown; kept the claim for a lookup');
        work.failed = true;
        return;
      }
      await store.forgetDelivery(claim._id);
      logger.error({ caseId: claim.caseId, contactId: claim._id, channel: claim.channel, err: (error as Error).message }, error instanceof ChannelUnavailableError ? 'channel unavailable' : 'sending failed');
    }
    const fallback = nextFallback(work.spec, claim.channel, used, work.reach, work.blocked);
    if (!fallback) return void (work.failed = true);
    used.add(fallback.channel);
    const next = claimFor(work.doc, work.step, work.spec, fallback, await render(work.doc, work.spec, fallback.channel, work.installment), clock.now(), work);
    const fresh = await store.recordDeliveries([next]);
    if (!fresh.has(next._id)) return; // another dispatcher took this fallback up
    logger.info({ caseId: claim.caseId, from: claim.channel, to: fallback.channel }, 'falling back to another channel');
    await send({ ...contact, route: fallback, claim: next }, work, used);
  }

  async function dispatchCases(docsGiven: CaseDoc[], now: Date): Promise<void> {
    const docs = [...new Map(docsGiven.map((d) => [d._id, d])).values()].filter((d) => d.status === 'open' && (d.cadenceId || d.agreement?.status === 'active') && !d.paused);
    if (docs.length === 0) return;
    const debtorDocs = await debtors.findMany([...new Set(docs.map((d) => debtorDocId(d.tenant, d.debtorId)))]);
    const knownDebtors = new Set(debtorDocs.keys());
    const plans: Array<{ doc: CaseDoc; plan: CasePlan }> = [];
    for (const doc of docs) {
      const debtorId = debtorDocId(doc.tenant, doc.debtorId);
      const plan = await planCase(doc, debtorDocs.get(debtorId), now, await book.contactSettings(doc.tenant));
      plans.push({ doc, plan });
      // The debtor's other cases in this chunk see this contact in the caps (it is written only after the sends).
      if (plan.work) {
        const debtor = debtorDocs.get(debtorId) ?? { _id: debtorId, tenant: doc.tenant, debtorId: doc.debtorId, recent: [], optOuts: {}, consents: [] };
        debtorDocs.set(debtorId, { ...debtor, recent: [...(debtor.recent ?? []), { at: now, channel: plan.contacts[0]?.route.channel ?? 'email', caseId: doc._id, step: plan.work.step }] });
      }
    }
    // Wakes first: an entry left over by a crash is harmless (the case's settled steps say what is done).
    await schedule.add(plans.flatMap(({ plan }) => plan.wakes), now);
    await store.recordSteps(plans.flatMap(({ plan }) => plan.records));

    // Claims carry the time they are written: a stalled database must not make a claim look old the moment it lands.
    const claimedAt = clock.now();
    const contacts: Contact[] = plans.flatMap(({ doc, plan }) => (plan.work ? plan.contacts.map(({ route, message }) => ({ doc, step: plan.work!.step, spec: plan.work!.spec, route, claim: claimFor(doc, plan.work!.step, plan.work!.spec, route, message, claimedAt, plan.work!) })) : []));
    const fresh = await store.recordDeliveries(contacts.map((c) => c.claim));
    const { confirmed, providerTook, resend, later } = await takeUpClaimed(contacts.filter((c) => !fresh.has(c.claim._id)), clock.now());
    await schedule.add(later, now);

    const works = new Map(plans.flatMap(({ plan }) => (plan.work ? [[plan.work.doc._id, plan.work] as const] : [])));
    // Confirmed before: published again. Taken by the provider but never confirmed: confirmed now, not sent again.
    for (const c of [...confirmed, ...providerTook]) works.get(c.doc._id)?.sent.push(c);
    const toSend = [...contacts.filter((c) => fresh.has(c.claim._id)), ...resend];
    const usedByCase = new Map<string, Set<Channel>>();
    for (const c of contacts) (usedByCase.get(c.doc._id) ?? usedByCase.set(c.doc._id, new Set()).get(c.doc._id)!).add(c.route.channel);
    await forEachConcurrently(toSend, CONCURRENCY, async (contact) => send(contact, works.get(contact.doc._id)!, usedByCase.get(contact.doc._id)!));

    const newlySent = [...works.values()].flatMap((w) => w.sent.filter((c) => !confirmed.includes(c)));
    await store.confirmSent(newlySent.map((c) => ({ _id: c.claim._id, caseId: c.doc._id, sentAt: now })));

    const messages: OutgoingMessage[] = [];
    // The chunk's contacts (caps) first, then its sent steps, each in one insert, then each case settled.
    const sentSteps: Parameters<typeof store.recordSteps>[0] = [];
    const debtorContacts: ContactToCount[] = [];
    const settles: Array<() => Promise<void>> = [];
    await forEachConcurrently(plans, CONCURRENCY, async ({ doc, plan }) => {
      const work = plan.work;
      const settle = [...plan.settle];
      const timeline = [...plan.timeline];
      let sentLine: { step: number; entry: (typeof timeline)[number] } | undefined;
      if (work) {
        if (work.failed) {
          // A channel failed with no fallback left: the step stays open and is tried again; the contacts that went
          // out keep their confirmed claims, so the retry sends only the one that failed.
          await schedule.add([{ caseId: doc._id, step: work.step, dueAt: new Date(now.getTime() + SEND_RETRY_MS) }], now);
        } else if (work.sent.length > 0) {
          settle.push(work.step);
          const channels = work.sent.map((c) => c.claim.channel);
          // The step counts once toward the caps, when it is done (a retry of one of its channels is not a new contact).
          if (work.sent.some((c) => !confirmed.includes(c))) debtorContacts.push({ tenant: doc.tenant, debtorId: doc.debtorId, known: knownDebtors.has(debtorDocId(doc.tenant, doc.debtorId)), contact: { at: now, channel: channels[0]!, caseId: doc._id, step: work.step } });
          sentSteps.push({ _id: stepRecordId(doc._id, work.step), caseId: doc._id, step: work.step, stepId: work.spec.id, outcome: 'sent', channels, at: now });
          // Told once: two dispatches of the case at once (one sends, the other finds its contacts confirmed) both
          // settle the step, and only the first to settle it tells it.
          sentLine = { step: work.step, entry: { at: now, what: `step ${work.spec.id}: ${work.spec.template} sent by ${channels.join(' + ')}` } };
          timeline.push(sentLine.entry);
          if (plan.exhaustsCadence) plan.escalate = plan.exhaustsCadence;
        }
      }
      const escalatedAt = plan.escalate ? now : undefined;
      if (plan.escalate) timeline.push({ at: now, what: `escalated to the work queue: ${plan.escalate.detail}` });
      if (settle.length > 0 || timeline.length > 0) settles.push(() => store.settle(doc._id, settle, timeline, { ...(escalatedAt ? { escalatedAt } : {}), ...(sentLine ? { sentLine } : {}) }));
      if (plan.escalate) {
        messages.push({
          topic: CaseEscalatedV1.topic,
          key: debtorKey(doc.tenant, doc.debtorId),
          envelope: buildEnvelope(
            CaseEscalatedV1,
            { id: derivedEventId(`${doc._id}:${plan.escalate.reason}:${(doc.settledSteps ?? []).length}`, CaseEscalatedV1.type), occurredAt: now, source: options.source, tenant: doc.tenant, correlationId: doc.correlationId ?? doc._id },
            { caseId: doc._id, debtorId: doc.debtorId, invoiceIds: doc.invoices.filter((i) => i.status === 'open').map((i) => i.invoiceId), reason: plan.escalate.reason, detail: plan.escalate.detail, openAmountCents: openAmountCents(doc.invoices) },
          ),
        });
      }
      for (const c of work?.sent ?? []) {
        messages.push({
          topic: NotificationSentV1.topic,
          key: debtorKey(doc.tenant, doc.debtorId),
          envelope: buildEnvelope(
            NotificationSentV1,
            { id: derivedEventId(c.claim._id, NotificationSentV1.type), occurredAt: now, source: options.source, tenant: doc.tenant, correlationId: doc.correlationId ?? doc._id },
            {
              contactId: c.claim._id,
              caseId: doc._id,
              debtorId: doc.debtorId,
              channel: c.claim.channel,
              invoiceIds: c.claim.invoiceIds.length > 0 ? c.claim.invoiceIds : doc.invoices.map((i) => i.invoiceId),
              step: c.claim.step,
              stepId: c.claim.stepId,
              template: c.claim.template,
              strategy: doc.strategy,
              cadenceId: c.claim.cadenceId ?? doc.cadenceId ?? 'none',
              cadenceVersion: doc.agreement?.status === 'active' ? doc.agreement.cadenceVersion : doc.cadenceVersion,
              arm: doc.arm,
              amountCents: c.claim.amountCents,
              ...(c.claim.fallbackFor ? { fallbackFor: c.claim.fallbackFor } : {}),
            },
          ),
        });
      }
    });
    await debtors.recordContacts(debtorContacts);
    await store.recordSteps(sentSteps);
    await forEachConcurrently(settles, CONCURRENCY, (settleCase) => settleCase());
    await options.publisher.publish(messages);
    for (const [caseId, work] of works) for (const c of work.sent) logger.info({ caseId, step: work.spec.id, channel: c.claim.channel, template: work.spec.template }, 'message sent');
  }

  return {
    /** Carries out what the schedule says is due now; returns how many entries it read. */
    async runDue(): Promise<number> {
      const now = clock.now();
      return schedule.drainDue(now, options.batchSize, async (entries) => {
        const cases = await store.findMany([...new Set(entries.map((e) => e.caseId))]);
        await dispatchCases(cases, now);
      });
    },
    /** Carries out what is due now on the given cases (cases just opened or joined). */
    dispatchCases,
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
