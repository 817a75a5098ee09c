import type { EventPublisher, OutgoingMessage } from '@regua/kafka-bus';
import { forEachConcurrently } from '@regua/mongo';

/**
 * Where reconciling a payment puts its events, instead of publishing them one by one: whoever runs it publishes them
 * once its writes are done (a door after its payment, a CNAB batch after the whole batch).
 */
export interface Outbox {
  /** A message; one already added under the same topic and event id is not added twice. */
  add(message: OutgoingMessage): void;
  /**
   * Runs once the messages are published: a mark that must never stand without its event (a crash in between publishes
   * it again). Actions under the same `key` run once per flush (two settlements of a batch that both completed a case).
   */
  afterPublish(action: () => Promise<void>, key?: string): void;
}

export interface CollectingOutbox extends Outbox {
  readonly messages: readonly OutgoingMessage[];
  readonly actions: ReadonlyArray<{ key?: string | undefined; run: () => Promise<void> }>;
}

export function createOutbox(): CollectingOutbox {
  const messages: OutgoingMessage[] = [];
  const actions: Array<{ key?: string | undefined; run: () => Promise<void> }> = [];
  return {
    messages,
    actions,
    add(message) {
      if (!messages.some((m) => m.topic === message.topic && m.envelope.id === message.envelope.id)) messages.push(message);
    },
    afterPublish(action, key) {
      actions.push({ key, run: action });
    },
  };
}

/** After-publish actions run at once: each is a single write by `_id` of its own (a batch has thousands). */
const ACTION_CONCURRENCY = 16;

/** One publish of every message, in the outboxes' order (nothing when there is none), then their after-publish actions. */
export async function flushOutboxes(publisher: EventPublisher, outboxes: readonly CollectingOutbox[], keep: (message: OutgoingMessage) => boolean = () => true): Promise<void> {
  const messages = outboxes.flatMap((o) => o.messages).filter(keep);
  if (messages.length > 0) await publisher.publish(messages);
  const keys = new Set<string>();
  const actions = outboxes.flatMap((o) => o.actions).filter(({ key }) => key === undefined || (!keys.has(key) && Boolean(keys.add(key))));
  await forEachConcurrently(actions, ACTION_CONCURRENCY, (action) => action.run());
}
