import { buildEnvelope, debtorKey, ReminderSentV1 } from '@regua/contracts';
import type { EventPublisher } from '@regua/kafka-bus';
import { derivedEventId, type Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import type { MessageChannel } from './channels.ts';
import { decideDispatch, type OpenCase } from './domain/dispatch.ts';
import type { Segment } from './domain/cadence.ts';
import type { CaseDoc, CaseStore } from './store/cases.ts';

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

/** Sends every step that is due now. Safe to run concurrently with case closes and to re-run after a crash. */
export function createDispatcher(options: DispatcherOptions) {
  const { store, clock, logger } = options;

  async function dispatchCase(doc: CaseDoc, now: Date): Promise<void> {
    if (!doc.dispatch || !doc.segment || !doc.openedAt) return;
    const openCase: OpenCase = { ...doc.dispatch, segment: doc.segment as Segment, openedAt: new Date(doc.openedAt), nextStep: doc.nextStep };
    const decision = decideDispatch(openCase, now, { enforceContactHours: options.enforceContactHours });
    if (!decision) {
      await store.advance(doc._id, doc.nextStep, null, { at: now, what: 'cadence finished' });
      return;
    }
    if (decision.kind === 'defer') {
      await store.defer(doc._id, doc.nextStep, decision.until);
      logger.info({ caseId: doc._id, until: decision.until.toISOString() }, 'reminder deferred to contact hours');
      return;
    }
    if (decision.kind === 'unreachable') {
      await store.advance(doc._id, doc.nextStep, decision.nextDueAt, { at: now, what: `step ${decision.step}: no channel reaches the debtor` });
      return;
    }
    const fresh = await store.recordDelivery({ _id: `${doc._id}:${decision.step}`, tenant: doc.tenant, caseId: doc._id, step: decision.step, channel: decision.channel, address: decision.address, template: decision.template, text: decision.text, sentAt: now });
    if (fresh) await options.channel.send({ tenant: doc.tenant, caseId: doc._id, channel: decision.channel, address: decision.address, text: decision.text });
    const event = buildEnvelope(
      ReminderSentV1,
      { id: derivedEventId(`${doc._id}:${decision.step}`, ReminderSentV1.type), occurredAt: now, source: options.source, tenant: doc.tenant, correlationId: doc.correlationId ?? doc._id },
      { caseId: doc._id, invoiceId: doc._id, debtorId: doc.debtorId, step: decision.step, channel: decision.channel, template: decision.template },
    );
    await options.publisher.publish([{ topic: ReminderSentV1.topic, key: debtorKey(doc.tenant, doc.debtorId), envelope: event }]);
    await store.advance(doc._id, decision.step, decision.nextDueAt, { at: now, what: `step ${decision.step}: ${decision.template} sent by ${decision.channel}` });
  }

  return {
    /** Returns how many cases were looked at. */
    async runDue(): Promise<number> {
      const now = clock.now();
      const due = await store.due(now, options.batchSize);
      for (const doc of due) {
        try {
          await dispatchCase(doc, now);
        } catch (error) {
          logger.error({ caseId: doc._id, err: (error as Error).message }, 'dispatch failed; will retry on the next tick');
        }
      }
      return due.length;
    },
    dispatchCase,
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
