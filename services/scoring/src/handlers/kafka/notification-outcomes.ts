import { debtorKey, NotificationDeliveredV1, NotificationFailedV1, NotificationReadV1, NotificationSentV1, type EventOf } from '@regua/contracts';
import { onBatch, type Subscription } from '@regua/kafka-bus';
import type { Logger } from '@regua/telemetry';
import type { ContactOutcome, MessageStatus } from '../../domain/engagement.ts';
import type { HistoryStore } from '../../store/histories.ts';

type Deps = { histories: Pick<HistoryStore, 'recordOutcomes'>; logger: Logger };

/**
 * Notification's reports on its messages (sent, delivered, read, failed) become their debtors' engagement in the
 * history: per run, one update by `_id` per debtor, each contact counted once per status however often its event
 * comes. Nothing is scored again: the debtor's next invoice is scored with it.
 */
export function onNotificationOutcomes(deps: Deps): Subscription[] {
  return [outcomesOf(NotificationSentV1, 'sent', deps), outcomesOf(NotificationDeliveredV1, 'delivered', deps), outcomesOf(NotificationReadV1, 'read', deps), outcomesOf(NotificationFailedV1, 'failed', deps)];
}

type ContactEvent = typeof NotificationSentV1 | typeof NotificationDeliveredV1 | typeof NotificationReadV1 | typeof NotificationFailedV1;

function outcomesOf<D extends ContactEvent>(event: D, status: MessageStatus, deps: Deps): Subscription {
  return onBatch(event, async (items) => {
    const envelopes = items.map((item) => item.value as EventOf<ContactEvent>);
    const byDebtor = Map.groupBy(envelopes, (e) => debtorKey(e.tenant, e.data.debtorId));
    const entries = [...byDebtor.values()].map((group) => ({ tenant: group[0]!.tenant, debtorId: group[0]!.data.debtorId, outcomes: group.map(({ data }): ContactOutcome => ({ contactId: data.contactId, channel: data.channel, ...('at' in data ? { at: data.at } : {}) })) }));
    await deps.histories.recordOutcomes(status, entries);
    deps.logger.debug({ status, events: items.length, debtors: entries.length }, 'message outcomes recorded');
  });
}
