import type { EventPublisher, OutgoingMessage } from '@regua/kafka-bus';

/**
 * Where reconciling a payment puts its events, instead of publishing them one by one: whoever runs it publishes them
 * once its writes are done (a door after its payment, a CNAB batch after the whole batch).
 */
export interface Outbox {
  /** A message; one already added under the same topic and event id is not added twice. */
  add(message: OutgoingMessage): void;
  /** Runs once the messages are published: a mark that must never stand without its event (a crash in between publishes it again). */
  afterPublish(action: () => Promise<void>): void;
}

export interface CollectingOutbox extends Outbox {
  readonly messages: readonly OutgoingMessage[];
  readonly actions: ReadonlyArray<() => Promise<void>>;
}

export function createOutbox(): CollectingOutbox {
  const messages: OutgoingMessage[] = [];
  const actions: Array<() => Promise<void>> = [];
  return {
    messages,
    actions,
    add(message) {
      if (!messages.some((m) => m.topic === message.topic && m.envelope.id === message.envelope.id)) messages.push(message);
    },
    afterPublish(action) {
      actions.push(action);
    },
  };
}

/** One publish of every message, in the outboxes' order (nothing when there is none), then their after-publish actions. */
export async function flushOutboxes(publisher: EventPublisher, outboxes: readonly CollectingOutbox[], keep: (message: OutgoingMessage) => boolean = () => true): Promise<void> {
  const messages = outboxes.flatMap((o) => o.messages).filter(keep);
  if (messages.length > 0) await publisher.publish(messages);
  for (const outbox of outboxes) for (const action of outbox.actions) await action();
}
