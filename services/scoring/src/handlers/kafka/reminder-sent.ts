import { debtorKey, ReminderSentV1 } from '@regua/contracts';
import { onBatch } from '@regua/kafka-bus';
import type { HistoryStore } from '../../store/histories.ts';

/**
 * Reminders sent join their debtors' histories (one upsert by `_id` per debtor of the run). A reminder alone does
 * not re-score: it is what scoring's own segment asked for, not news about the debtor. Engagement (a reply, a
 * click) would be; no event reports it yet.
 */
export function onReminderSent(deps: { histories: HistoryStore }) {
  return onBatch(ReminderSentV1, async (items) => {
    const byDebtor = Map.groupBy(items, ({ value }) => debtorKey(value.tenant, value.data.debtorId));
    await deps.histories.recordReminders([...byDebtor.values()].map((group) => ({ tenant: group[0]!.value.tenant, debtorId: group[0]!.value.data.debtorId, reminderIds: group.map(({ value }) => `${value.data.caseId}:${value.data.step}`) })));
  });
}
