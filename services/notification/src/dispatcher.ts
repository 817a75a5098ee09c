import { buildEnvelope, debtorKey, ReminderSentV1 } from '@regua/contracts';
import type { EventPublisher, OutgoingMessage } from '@regua/kafka-bus';
import { forEachConcurrently } from '@regua/mongo';
import { derivedEventId, type Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import type { MessageChannel } from './channels.ts';
import { decideDispatch, type DispatchDecision, type OpenCase } from './domain/dispatch.ts';
import type { Segment } from './domain/cadence.ts';
import type { CaseDoc, CaseStore, DeliveryDoc } from './store/cases.ts';

export interface DispatcherOptions {
  store: CaseStore;
  channel: MessageChannel;
  publisher: EventPublisher;
  clock: Clock;
  logger: Logger;
  source: string;
  enforceContactHours: boolean;
  batchSize: number;
}

/** Provider calls and case updates in flight at once. */
const CONCURRENCY = 16;

type Send = { doc: CaseDoc; decision: Extract<DispatchDecision, { kind: 'send' }> };

/**
 * Sends every step that is due, a batch of cases at a time: deliveries recorded with one insert (a step already
 * recorded is not sent again), provider calls in parallel, one publish, then each case moved on by `_id`.
 * Safe to run concurrently with case closes and to re-run after a crash.
 */
export function createDispatcher(options: DispatcherOptions) {
  const { store, clock, logger } = options;

  async function dispatchCases(docs: CaseDoc[], now: Date): Promise<void> {
    const sends: Send[] = [];
    await forEachConcurrently(docs, CONCURRENCY, async (doc) => {
      if (!doc.dispatch || !doc.segment || !doc.openedAt) return;
      const openCase: OpenCase = { ...doc.dispatch, segment: doc.segment as Segment, openedAt: new Date(doc.openedAt), nextStep: doc.nextStep };
      const decision = decideDispatch(openCase, now, { enforceContactHours: options.enforceContactHours });
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
    await forEachConcurrently(sends, CONCURRENCY, async (item) => {
      const { doc, decision } = item;
      const id = deliveryId(doc, decision.step);
      if (fresh.has(id)) {
        try {
          await options.channel.send({ tenant: doc.tenant, caseId: doc._id, channel: decision.channel, address: decision.address, text: decision.text });
        } catch (error) {
          // Not sent: forget the record, so that the case, still due, is sent on a later try.
          await store.forgetDelivery(id);
          logger.error({ caseId: doc._id, step: decision.step, channel: decision.channel, err: (error as Error).message }, 'sending failed; will retry');
          return;
        }
      }
      sent.push(item);
    });
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
    /** Returns how many cases were looked at. */
    async runDue(): Promise<number> {
      const now = clock.now();
      const due = await store.due(now, options.batchSize);
      await dispatchCases(due, now);
      return due.length;
    },
    dispatchCases,
  };
}

const deliveryId = (doc: CaseDoc, step: number) => `${doc._id}:${step}`;

export type Dispatcher = ReturnType<typeof createDispatcher>;
