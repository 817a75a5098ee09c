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
}

/** Provider calls in flight at once. */
const CONCURRENCY = 16;
/** A send that failed is tried again this much later. */
const SEND_RETRY_MS = 60_000;

/** A step of a case to carry out now. */
export interface Due {
  doc: CaseDoc;
  step: number;
}

type Send = Due & { decision: Extract<DispatchDecision, { kind: 'send' }> };
type Wake = Omit<ScheduleEntry, '_id'>;

/**
 * Carries out due steps a batch at a time, with inserts only: the delivery records (the insert is the claim:
 * a step recorded before, by a crash's first try or by another replica, is not sent again), the next steps'
 * schedule entries, one publish. Provider calls run in parallel. Cases are read, never updated.
 */
export function createDispatcher(options: DispatcherOptions) {
  const { store, schedule, clock, logger } = options;

  async function dispatch(due: Due[], now: Date): Promise<void> {
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
      steps.push({ _id: deliveryId(doc._id, step), tenant: doc.tenant, caseId: doc._id, step, outcome: 'sent', channel: decision.channel, address: decision.address, template: decision.template, text: decision.text, sentAt: now });
      sends.push({ doc, step, decision });
    }
    // Next steps first: an entry left over by a crash is harmless (the step's record says it is done).
    await schedule.add(wakes, now);
    const fresh = await store.recordDeliveries(steps);

    const sent: Send[] = [];
    const failed: Wake[] = [];
    await forEachConcurrently(sends, CONCURRENCY, async (item) => {
      const { doc, step, decision } = item;
      const id = deliveryId(doc._id, step);
      if (!fresh.has(id)) {
        // Done before (a crash after the send, or another replica): publish again, with the same event id.
        sent.push(item);
        return;
      }
      try {
        await options.channel.send({ tenant: doc.tenant, caseId: doc._id, channel: decision.channel, address: decision.address, text: decision.text });
        sent.push(item);
      } catch (error) {
        // Not sent: forget the record, so that the step is sent on a later try.
        await store.forgetDelivery(id);
        failed.push({ caseId: doc._id, step, dueAt: new Date(now.getTime() + SEND_RETRY_MS) });
        logger.error({ caseId: doc._id, step, channel: decision.channel, err: (error as Error).message }, 'sending failed; will retry');
      }
    });
    await schedule.add(failed, now);

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
