import type { EventPublisher, OutgoingMessage } from '@regua/kafka-bus';
import type { Lease } from '@regua/mongo';
import { periodic } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import type { OutboxDoc } from './store/models.ts';
import type { InvoiceStore, PendingEvent } from './store/invoice-store.ts';

export interface OutboxRelayOptions {
  store: InvoiceStore;
  publisher: EventPublisher;
  lease: Lease;
  logger: Logger;
  intervalMs: number;
  batchSize: number;
  /** Documents older than this are the relay's: their writer's own publish failed, or the writer stopped. */
  staleAfterMs: number;
}

/**
 * Gets the outbox's events onto Kafka, and removes them once acknowledged.
 *
 * Fast path: the replica that wrote a document publishes it at once (`publishNow`) and deletes it by `_id`,
 * without reading it back: on FerretDB, reading the outbox means decoding every document in it, as it cannot
 * push a filter, sort or limit down.
 *
 * Safety net: the replica holding the lease scans the outbox every `intervalMs` for documents older than
 * `staleAfterMs` (Kafka was down, a publish failed, a replica stopped between its insert and its publish) and
 * publishes them in creation order; they survive restarts. It leaves alone the documents its own replica is
 * writing or publishing at once, however slow that is, and those whose fast path finished while the relay's scan
 * was reading them: the scan's snapshot still holds them though they are published and deleted (on a loaded
 * machine a thousand events went out twice that way). Either way a crash between publish and delete sends an
 * event again with the same id (consumers keep what they store by event id), and so can another replica's
 * fast-path publish slower than `staleAfterMs`.
 */
export function createOutboxRelay(deps: OutboxRelayOptions) {
  const inFlight = new Set<Promise<void>>();
  /** Outbox documents this replica is writing or publishing at once: not the relay's, whatever their age. */
  const publishingIds = new Set<string>();
  /** One set per scan in progress, collecting the documents whose fast path ended while the scan was reading. */
  const scans = new Set<Set<string>>();
  const settle = (ids: Iterable<string>) => {
    for (const id of ids) {
      publishingIds.delete(id);
      for (const endedDuringScan of scans) endedDuringScan.add(id);
    }
  };

  const messagesOf = (docs: OutboxDoc[]): OutgoingMessage[] =>
    docs.flatMap((doc) => doc.events.map((event) => ({ topic: event.topic, key: event.key, envelope: event.envelope as unknown as OutgoingMessage['envelope'] })));

  const drainStale = async () => {
    for (;;) {
      // Wall-clock time, not the service clock: a lease and staleness are about real seconds, also in tests.
      if (!(await deps.lease.tryAcquire(new Date()))) return;
      const endedDuringScan = new Set<string>();
      scans.add(endedDuringScan);
      let found: OutboxDoc[];
      try {
        found = await deps.store.pendingBatches(deps.batchSize, new Date(Date.now() - deps.staleAfterMs));
      } finally {
        scans.delete(endedDuringScan);
      }
      const pending = found.filter((doc) => !publishingIds.has(doc._id) && !endedDuringScan.has(doc._id));
      if (pending.length === 0) return;
      const messages = messagesOf(pending);
      await deps.publisher.publish(messages);
      await deps.store.removePublished(pending.map((doc) => doc._id));
      if (pending.length < found.length || messagesOf(found).length < deps.batchSize) return;
    }
  };
  const job = periodic(deps.intervalMs, drainStale, (error) => deps.logger.warn({ err: (error as Error).message }, 'outbox relay will retry'));

  /** Publishes documents just written (and already marked as publishing), in the background; what fails is left to the relay. */
  const publishNow = (docs: OutboxDoc[]): void => {
    if (docs.length === 0) return;
    const publishing = (async () => {
      await deps.publisher.publish(messagesOf(docs));
      await deps.store.removePublished(docs.map((doc) => doc._id));
    })().catch((error: unknown) => deps.logger.warn({ err: (error as Error).message, documents: docs.length }, 'publishing at once failed; the outbox relay will publish them'));
    inFlight.add(publishing);
    void publishing.finally(() => {
      inFlight.delete(publishing);
      settle(docs.map((doc) => doc._id));
    });
  };

  return {
    start: job.start,
    /**
     * Writes events to the outbox and publishes them at once. Their documents are this replica's from before
     * their insert: an insert slower than `staleAfterMs` must not hand them to the relay as well.
     */
    async enqueue(events: PendingEvent[]): Promise<void> {
      let reserved: string[] = [];
      let docs: OutboxDoc[];
      try {
        docs = await deps.store.enqueue(events, (ids) => {
          reserved = ids;
          for (const id of ids) publishingIds.add(id);
        });
      } catch (error) {
        settle(reserved);
        throw error;
      }
      // A document that was already there is a retried write's: the relay publishes it, as before.
      const inserted = new Set(docs.map((doc) => doc._id));
      settle(reserved.filter((id) => !inserted.has(id)));
      publishNow(docs);
    },
    /** Waits for this replica's own publishes, then runs the relay once; for tests and draining. */
    async runNow() {
      await Promise.all(inFlight);
      await job.runNow();
    },
    async stop() {
      await job.stop();
      // A publish still in flight is not waited for: its documents stay in the outbox until one is acknowledged.
      await deps.lease.release().catch(() => undefined);
    },
  };
}
