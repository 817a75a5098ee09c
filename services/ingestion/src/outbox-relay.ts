import type { EventPublisher, OutgoingMessage } from '@regua/kafka-bus';
import type { Lease } from '@regua/mongo';
import { periodic } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import type { InvoiceStore } from './store/invoice-store.ts';

/**
 * Publishes stored events in creation order and removes them once acknowledged. If Kafka is down the events stay
 * pending and go out on a later tick, also after a restart. A crash between publish and removal re-sends:
 * consumers deduplicate by event id.
 *
 * With several ingestion replicas, the one holding the lease publishes, for all of them: one publisher keeps
 * the outbox's order and publishes each row once. The others take over within the lease's ttl if it stops.
 */
export function createOutboxRelay(deps: { store: InvoiceStore; publisher: EventPublisher; lease: Lease; logger: Logger; intervalMs: number; batchSize: number }) {
  const drain = async () => {
    for (;;) {
      // Wall-clock time, not the service clock: a lease is about real seconds between replicas, also in tests.
      if (!(await deps.lease.tryAcquire(new Date()))) return;
      const pending = await deps.store.pendingBatches(deps.batchSize);
      if (pending.length === 0) return;
      const messages: OutgoingMessage[] = pending.flatMap((doc) => doc.events.map((event) => ({ topic: event.topic, key: event.key, envelope: event.envelope as unknown as OutgoingMessage['envelope'] })));
      await deps.publisher.publish(messages);
      await deps.store.removePublished(pending.map((doc) => doc._id));
      if (messages.length < deps.batchSize) return;
    }
  };
  const job = periodic(deps.intervalMs, drain, (error) => deps.logger.warn({ err: (error as Error).message }, 'outbox relay will retry'));
  return {
    ...job,
    async stop() {
      await job.stop();
      await deps.lease.release().catch(() => undefined);
    },
  };
}
