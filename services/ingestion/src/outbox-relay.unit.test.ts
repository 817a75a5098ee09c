import type { EventPublisher, OutgoingMessage } from '@regua/kafka-bus';
import type { Logger } from '@regua/telemetry';
import { createOutboxRelay } from './outbox-relay.ts';
import type { InvoiceStore, PendingEvent } from './store/invoice-store.ts';
import type { OutboxDoc } from './store/models.ts';

/** A promise settled from outside: the tests decide when the store or the broker answers. */
function gate<T>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

const event = (id: string): PendingEvent => ({ id, topic: 'collections.invoice.registered.v1', key: 'tenant:debtor', envelope: { id } as unknown as PendingEvent['envelope'] });
const docOf = (events: PendingEvent[]): OutboxDoc => ({ _id: `doc-${events.map((e) => e.id).join('+')}`, events, createdAt: new Date(0), seq: 0 });

/**
 * The relay's coordination with its own replica's fast path, with the store and broker answering when the test
 * says: the races that published a thousand events twice on a loaded machine, made deterministic.
 */
function relayWithScriptedStore() {
  const outbox = new Map<string, OutboxDoc>();
  const published: string[] = [];
  const script = {
    insert: undefined as Promise<void> | undefined,
    scan: undefined as Promise<void> | undefined,
    publish: undefined as Promise<void> | undefined,
    failPublish: false,
  };
  const store = {
    async enqueue(events: PendingEvent[], beforeInsert?: (ids: string[]) => void) {
      const doc = docOf(events);
      beforeInsert?.([doc._id]);
      outbox.set(doc._id, doc); // visible to a scan before the insert is acknowledged, as in a real store
      await script.insert;
      return [doc];
    },
    async pendingBatches() {
      const snapshot = [...outbox.values()];
      await script.scan;
      return snapshot;
    },
    async removePublished(ids: string[]) {
      for (const id of ids) outbox.delete(id);
    },
  } as unknown as InvoiceStore;
  const publisher: EventPublisher = {
    async publish(messages: OutgoingMessage[]) {
      await script.publish;
      if (script.failPublish) throw new Error('broker unavailable');
      published.push(...messages.map((m) => m.envelope.id));
    },
  };
  const logger = { warn: () => undefined, info: () => undefined } as unknown as Logger;
  const relay = createOutboxRelay({ store, publisher, logger, lease: { tryAcquire: async () => true, release: async () => undefined }, intervalMs: 60_000, batchSize: 1000, staleAfterMs: 0 });
  return { relay, outbox, published, script };
}

describe('outbox relay and its replica’s fast path', () => {
  test('a document whose fast path ends while the scan is reading is left out of that scan', async () => {
    const { relay, published, script } = relayWithScriptedStore();
    const publish = gate<void>();
    const scan = gate<void>();
    script.publish = publish.promise;
    await relay.enqueue([event('e1')]); // fast path now waiting on the broker
    script.scan = scan.promise;
    relay.start();
    await new Promise((resolve) => setImmediate(resolve)); // the started relay's first scan is reading
    publish.open(); // the fast path publishes and deletes while the scan still holds its snapshot
    await new Promise((resolve) => setImmediate(resolve));
    scan.open();
    await relay.runNow();
    await relay.stop();
    expect(published).toEqual(['e1']);
  });

  test('a document is not the relay’s while its insert is still being acknowledged, however old', async () => {
    const { relay, published, script } = relayWithScriptedStore();
    const insert = gate<void>();
    script.insert = insert.promise;
    const enqueuing = relay.enqueue([event('e1')]);
    await relay.runNow(); // the scan sees the stale document, but its writer still owns it
    expect(published).toEqual([]);
    script.insert = undefined;
    insert.open();
    await enqueuing;
    await relay.runNow();
    expect(published).toEqual(['e1']);
  });

  test('what the fast path failed to publish is the relay’s to publish', async () => {
    const { relay, published, script, outbox } = relayWithScriptedStore();
    script.failPublish = true;
    await relay.enqueue([event('e1')]);
    await relay.runNow().catch(() => undefined);
    expect(published).toEqual([]);
    script.failPublish = false;
    await relay.runNow();
    expect(published).toEqual(['e1']);
    expect(outbox.size).toBe(0);
  });
});
