import { buildEnvelope, debtorKey, ReminderSentV1 } from '@regua/contracts';
import type { EventPublisher, OutgoingMessage } from '@regua/kafka-bus';
import { forEachConcurrently } from '@regua/mongo';
import { derivedEventId, type Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import type { MessageChannel } from './channels.ts';
import { decideDispatch, type DispatchDecision, type OpenCase } from './domain/dispatch.ts';
import type { Segment } from './domain/cadence.ts';
import type { CaseDoc, CaseStore, DeliveryDoc } from './store/cases.ts';
import type { Schedule } from './store/schedule.ts';

export interface DispatcherOptions {
  store: CaseStore;
  schedule: Schedule;
  channel: MessageChannel;
  publisher: EventPublisher;
  clock: Clock;
  logger: Logger;
  source: string;
  enforceContactHours: boolean;
  /** Cases handled together: one delivery insert and one publish per chunk. */
  batchSize: number;
}

/** Provider calls and case reads and updates in flight at once. */
const CONCURRENCY = 16;
/** A send that failed is tried again this much later. */
const SEND_RETRY_MS = 60_000;

type Decided = { doc: CaseDoc; decision: DispatchDecision | undefined };
type Send = { doc: CaseDoc; decision: Extract<DispatchDecision, { kind: 'send' }> };

/**
 * Sends every step that is due, a batch of cases at a time: deliveries recorded with one insert (the insert
 * is the claim: a step already recorded, by a crash's first try or by another replica, is not sent again),
 * provider calls in parallel, one publish, then each case moved on by `_id`. Every new due time goes into
 * the schedule before the case is written, so a crash in between leaves a spare entry, never a lost case.
 */
export function createDispatcher(options: DispatcherOptions) {
  const { store, schedule, clock, logger } = options;

  async function dispatchCases(docs: CaseDoc[], now: Date): Promise<void> {
    const decided: Decided[] = docs.flatMap((doc) => {
      if (!doc.dispatch || !doc.segment || !doc.openedAt) return [];
      const openCase: OpenCase = { ...doc.dispatch, segment: doc.segment as Segment, openedAt: new Date(doc.openedAt), nextStep: doc.nextStep };
      return [{ doc, decision: decideDispatch(openCase, now, { enforceContactHours: options.enforceContactHours }) }];
    });
    await schedule.add(decided.flatMap(({ doc, decision }) => nextWake(doc, decision)), now);

    const sends: Send[] = [];
    await forEachConcurrently(decided, CONCURRENCY, async ({ doc, decision }) => {
      if (!decision) return void (await store.advance(doc._id, doc.nextStep, null, { at: now, what: 'cadence finished' }));
      if (decision.kind === 'defer') {
        await store.defer(doc._id, doc.nextStep, decision.until);
        logger.info({ caseId: doc._id, until: decision.until.toISOString() }, 'reminder deferred to contact hours');
        return;
      }
      if (decision.kind === 'unreachable') return void (await store.advance(doc._id, doc.nextStep, decision.nextDueAt, { at: now, what: `step ${decision.step}: no channel reaches the debtor` }));
      sends.push({ doc, decision });
    });
    if (sends.length > 0) await send(sends, now);
  }

  async function send(sends: Send[], now: Date): Promise<void> {
    const deliveries: DeliveryDoc[] = sends.map(({ doc, decision }) => ({ _id: deliveryId(doc, decision.step), tenant: doc.tenant, caseId: doc._id, step: decision.step, channel: decision.channel, address: decision.address, template: decision.template, text: decision.text, sentAt: now }));
    const fresh = await store.recordDeliveries(deliveries);
    const sent: Send[] = [];
    const failed: Send[] = [];
    await forEachConcurrently(sends, CONCURRENCY, async (item) => {
      const { doc, decision } = item;
      const id = deliveryId(doc, decision.step);
      if (fresh.has(id)) {
        try {
          await options.channel.send({ tenant: doc.tenant, caseId: doc._id, channel: decision.channel, address: decision.address, text: decision.text });
        } catch (error) {
          // Not sent: forget the record, so that the case, still at this step, is sent on a later try.
          await store.forgetDelivery(id);
          logger.error({ caseId: doc._id, step: decision.step, channel: decision.channel, err: (error as Error).message }, 'sending failed; will retry');
          failed.push(item);
          return;
        }
      }
      sent.push(item);
    });
    if (failed.length > 0) await schedule.add(failed.map(({ doc }) => ({ caseId: doc._id, dueAt: new Date(now.getTime() + SEND_RETRY_MS) })), now);
    const messages: OutgoingMessage[] = sent.map(({ doc, decision }) => ({
      topic: ReminderSentV1.topic,
      key: debtorKey(doc.tenant, doc.debtorId),
      envelope: buildEnvelope(
        ReminderSentV1,
        { id: derivedEventId(deliveryId(doc, decision.step), ReminderSentV1.type), occurredAt: now, source: options.source, tenant: doc.tenant, correlationId: doc.correlationId ?? doc._id },
        { caseId: doc._id, invoiceId: doc._id, debtorId: doc.debtorId, step: decision.step, channel: decision.channel, template: decision.template },
      ),
    }));
    await options.publisher.publish(messages);
    await forEachConcurrently(sent, CONCURRENCY, ({ doc, decision }) => store.advance(doc._id, decision.step, decision.nextDueAt, { at: now, what: `step ${decision.step}: ${decision.template} sent by ${decision.channel}` }).then(() => undefined));
  }

  return {
    /** Dispatches what the schedule says is due now; returns how many entries it read. */
    async runDue(): Promise<number> {
      const now = clock.now();
      return schedule.drainDue(now, options.batchSize, async (entries) => {
        const docs: CaseDoc[] = [];
        await forEachConcurrently([...new Set(entries.map((e) => e.caseId))], CONCURRENCY, async (caseId) => {
          const doc = await store.find(caseId);
          // An entry is a hint: the case may have closed or moved on (it then has an entry for its new time).
          if (doc?.status === 'open' && doc.nextDueAt && doc.nextDueAt.getTime() <= now.getTime()) docs.push(doc);
        });
        await dispatchCases(docs, now);
      });
    },
    dispatchCases,
  };
}

/** When the case wants the dispatcher again after this decision, if ever. */
function nextWake(doc: CaseDoc, decision: DispatchDecision | undefined): Array<{ caseId: string; dueAt: Date }> {
  if (!decision) return [];
  const at = decision.kind === 'defer' ? decision.until : decision.nextDueAt;
  return at ? [{ caseId: doc._id, dueAt: at }] : [];
}

const deliveryId = (doc: CaseDoc, step: number) => `${doc._id}:${step}`;

export type Dispatcher = ReturnType<typeof createDispatcher>;
