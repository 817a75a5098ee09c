import { buildEnvelope, debtorKey, ReminderSentV1 } from '@regua/contracts';
import type { EventPublisher, OutgoingMessage } from '@regua/kafka-bus';
import { forEachConcurrently } from '@regua/mongo';
import { derivedEventId, type Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import type { MessageChannel } from './channels.ts';
import { decideDispatch, type DispatchDecision, type OpenCase } from './domain/dispatch.ts';
import type { Segment } from './domain/cadence.ts';
import { deliveryId, type CaseDoc, type CaseStore, type DeliveryDoc } from './store/cases.ts';
import type { Schedule, ScheduleEntry } from './store/schedule.ts';

export interface DispatcherOptions {
  store: CaseStore;
  schedule: Schedule;
  channel: MessageChannel;
  publisher: EventPublisher;
  clock: Clock;
  logger: Logger;
  source: string;
  enforceContactHours: boolean;
  /** Schedule entries handled together: one case read, one delivery insert and one publish per chunk. */
  batchSize: number;
  /**
   * How long a claim belongs to the dispatcher that made it. A claim older than this with no confirmation was
   * left by a dispatcher that died between claiming and confirming; longer than any provider call may take.
   */
  claimLeaseMs?: number;
}

/** Provider calls in flight at once. */
const CONCURRENCY = 16;
/** A send that failed is tried again this much later. */
const SEND_RETRY_MS = 60_000;
const DEFAULT_CLAIM_LEASE_MS = 5 * 60_000;

/** A step of a case to carry out now. */
export interface Due {
  doc: CaseDoc;
  step: number;
}

type Send = Due & { decision: Extract<DispatchDecision, { kind: 'send' }> };
type Wake = Omit<ScheduleEntry, '_id'>;

/**
 * Carries out due steps a batch at a time, with inserts only: the claims (a step claimed before, by a crash's
 * first try or by another replica, is not claimed again), the next steps' schedule entries, the confirmations of
 * what the provider took, one publish. Provider calls run in parallel. Cases are read, never updated.
 *
 * A step claimed earlier is looked at again: confirmed, it is published again (same event id, so consumers see
 * it once); claimed within the lease, its owner is still at it and the step is looked at once the lease ends;
 * claimed longer ago and never confirmed, its dispatcher died between claim and confirmation, so the provider is
 * asked whether it took the message (when it can say) and otherwise the message is sent again: a step is never
 * lost, and doubled only if that dispatcher died in the instant between the provider's answer and the confirmation.
 */
export function createDispatcher(options: DispatcherOptions) {
  const { store, schedule, clock, logger } = options;
  const claimLeaseMs = options.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS;

  /** Sorts steps claimed earlier: which to publish again, which to send (their claim was left by a crash), which to look at later. */
  async function takeUpClaimed(claimed: Send[], now: Date): Promise<{ confirmed: Send[]; resend: Send[]; later: Wake[] }> {
    const confirmed: Send[] = [];
    const resend: Send[] = [];
    const later: Wake[] = [];
    if (claimed.length === 0) return { confirmed, resend, later };
    const progress = await store.progressOf(claimed.map(({ doc, step }) => deliveryId(doc._id, step)));
    await forEachConcurrently(claimed, CONCURRENCY, async (item) => {
      const id = deliveryId(item.doc._id, item.step);
      const { claim, sent } = progress.get(id) ?? { claim: null, sent: false };
      if (sent) return void confirmed.push(item);
      // No claim: its send failed and was taken back, and that dispatcher scheduled the retry.
      if (!claim || claim.outcome !== 'sending') return;
      const leaseEnds = new Date(claim.sentAt).getTime() + claimLeaseMs;
      if (leaseEnds > now.getTime()) return void later.push({ caseId: item.doc._id, step: item.step, dueAt: new Date(leaseEnds) });
      const tookIt = await options.channel.wasSent?.(id);
      logger.warn({ caseId: item.doc._id, step: item.step, claimedAt: claim.sentAt, providerSays: tookIt ?? 'cannot tell' }, 'step claimed by a dispatcher that stopped before confirming');
      (tookIt ? confirmed : resend).push(item);
    });
    return { confirmed, resend, later };
  }

  async function dispatch(dueGiven: Due[], now: Date): Promise<void> {
    // One step once per call: a run that carries the same event twice (Kafka redelivers within a run, too) must not
    // claim it twice, since both copies of one insert would count as new.
    const due = [...new Map(dueGiven.map((d) => [deliveryId(d.doc._id, d.step), d])).values()];
    const wakes: Wake[] = [];
    const steps: DeliveryDoc[] = [];
    const sends: Send[] = [];
    for (const { doc, step } of due) {
      if (doc.status !== 'open' || !doc.dispatch || !doc.segment || !doc.openedAt) continue;
      const openCase: OpenCase = { ...doc.dispatch, segment: doc.segment as Segment, openedAt: new Date(doc.openedAt), nextStep: step };
      const decision = decideDispatch(openCase, now, { enforceContactHours: options.enforceContactHours });
      if (!decision) continue; // cadence finished
      if (decision.kind === 'defer') {
        wakes.push({ caseId: doc._id, step, dueAt: decision.until });
        logger.info({ caseId: doc._id, until: decision.until.toISOString() }, 'reminder deferred to contact hours');
        continue;
      }
      if (decision.nextDueAt) wakes.push({ caseId: doc._id, step: step + 1, dueAt: decision.nextDueAt });
      if (decision.kind === 'unreachable') {
        steps.push({ _id: deliveryId(doc._id, step), tenant: doc.tenant, caseId: doc._id, step, outcome: 'unreachable', channel: 'none', address: '', template: '-', text: '', sentAt: now });
        continue;
      }
      steps.push({ _id: deliveryId(doc._id, step), tenant: doc.tenant, caseId: doc._id, step, outcome: 'sending', channel: decision.channel, address: decision.address, template: decision.template, text: decision.text, sentAt: now });
      sends.push({ doc, step, decision });
    }
    // Next steps first: an entry left over by a crash is harmless (the step's record says it is done).
    await schedule.add(wakes, now);
    // Claims carry the time they are written: a stalled database must not make a claim look old the moment it lands.
    const claimedAt = clock.now();
    const fresh = await store.recordDeliveries(steps.map((step) => (step.outcome === 'sending' ? { ...step, sentAt: claimedAt } : step)));
    const claimedBefore = sends.filter(({ doc, step }) => !fresh.has(deliveryId(doc._id, step)));
    const { confirmed, resend, later } = await takeUpClaimed(claimedBefore, clock.now());
    await schedule.add(later, now);

    const sent: Send[] = [];
    const failed: Wake[] = [];
    await forEachConcurrently([...sends.filter(({ doc, step }) => fresh.has(deliveryId(doc._id, step))), ...resend], CONCURRENCY, async (item) => {
      const { doc, step, decision } = item;
      const id = deliveryId(doc._id, step);
      try {
        await options.channel.send({ tenant: doc.tenant, caseId: doc._id, reference: id, channel: decision.channel, address: decision.address, text: decision.text });
        sent.push(item);
      } catch (error) {
        // Not sent: take the claim back, so that the step is sent on a later try.
        await store.forgetDelivery(id);
        failed.push({ caseId: doc._id, step, dueAt: new Date(now.getTime() + SEND_RETRY_MS) });
        logger.error({ caseId: doc._id, step, channel: decision.channel, err: (error as Error).message }, 'sending failed; will retry');
      }
    });
    await schedule.add(failed, now);
    await store.confirmSent([...sent, ...confirmed].map(({ doc, step }) => ({ _id: deliveryId(doc._id, step), caseId: doc._id, sentAt: now })));
    // Steps confirmed before (a crash after the confirmation, or another replica) are published again, with the same event id.
    sent.push(...confirmed);

    const messages: OutgoingMessage[] = sent.map(({ doc, step, decision }) => ({
      topic: ReminderSentV1.topic,
      key: debtorKey(doc.tenant, doc.debtorId),
      envelope: buildEnvelope(
        ReminderSentV1,
        { id: derivedEventId(deliveryId(doc._id, step), ReminderSentV1.type), occurredAt: now, source: options.source, tenant: doc.tenant, correlationId: doc.correlationId ?? doc._id },
        { caseId: doc._id, invoiceId: doc._id, debtorId: doc.debtorId, step, channel: decision.channel, template: decision.template },
      ),
    }));
    await options.publisher.publish(messages);
    for (const { doc, step, decision } of sent) logger.info({ caseId: doc._id, step, channel: decision.channel, template: decision.template }, 'reminder sent');
  }

  return {
    /** Carries out what the schedule says is due now; returns how many entries it read. */
    async runDue(): Promise<number> {
      const now = clock.now();
      return schedule.drainDue(now, options.batchSize, async (entries) => {
        const cases = new Map((await store.findMany([...new Set(entries.map((e) => e.caseId))])).map((doc) => [doc._id, doc]));
        const unique = new Map(entries.map((e) => [deliveryId(e.caseId, e.step), e]));
        const due = [...unique.values()].flatMap((e) => {
          const doc = cases.get(e.caseId);
          return doc ? [{ doc, step: e.step }] : [];
        });
        await dispatch(due, now);
      });
    },
    /** Carries out the given steps now (the first step of cases just opened). */
    dispatch,
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
