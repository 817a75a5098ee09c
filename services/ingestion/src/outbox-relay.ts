import type { EventPublisher, OutgoingMessage } from '@regua/kafka-bus';
import { periodic, type Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import type { InvoiceStore } from './store/invoice-store.ts';

/**
 * Publishes stored events in creation order and removes them once acknowledged. If Kafka is down the events stay
 * pending and go out on a later tick, also after a restart. A crash between publish and removal re-sends:
 * consumers deduplicate by event id.
 */
export function createOutboxRelay(deps: { store: InvoiceStore; publisher: EventPublisher; clock: Clock; logger: Logger; intervalMs: number; batchSize: number }) {
  const drain = async () => {
    for (;;) {
      const pending = await deps.store.pendingEvents(deps.batchSize);
      if (pending.length === 0) return;
      const messages: OutgoingMessage[] = pending.map((doc) => ({ topic: doc.topic, key: doc.key, envelope: doc.envelope as unknown as OutgoingMessage['envelope'] }));
      await deps.publisher.publish(messages);
      await deps.store.removePublished(pending.map((doc) => doc._id));
      if (pending.length < deps.batchSize) return;
    }
  };
  return periodic(deps.intervalMs, drain, (error) => deps.logger.warn({ err: (error as Error).message }, 'outbox relay will retry'));
}
