import { buildEnvelope, causedBy, debtorKey, DebtorEnrichedV1, InvoiceRegisteredV1 } from '@regua/contracts';
import { onBatch, type EventPublisher, type OutgoingMessage } from '@regua/kafka-bus';
import { derivedEventId, type Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import { enrichInvoiceDebtor } from '../domain/enrich.ts';
import type { ProfileDoc, ProfileStore } from '../store/profiles.ts';

/**
 * A run of registered invoices: profiles stored with one insert (a redelivered invoice is already there and
 * keeps its first profile), then one publish. The enriched event's id derives from the cause's, so a
 * redelivery republishes the same ids and scoring drops them.
 */
export function onInvoiceRegistered(deps: { store: ProfileStore; publisher: EventPublisher; clock: Clock; logger: Logger; source: string }) {
  return onBatch(InvoiceRegisteredV1, async (items) => {
    const now = deps.clock.now();
    const enriched = items.map(({ value: event }) => ({ event, ...enrichInvoiceDebtor(event.data.invoiceId, event.data.invoice) }));
    const docs: ProfileDoc[] = enriched.map(({ event, profile, discardedContacts }) => ({ _id: profile.invoiceId, tenant: event.tenant, debtorId: profile.debtorId, profile, discardedContacts, sourceEventId: event.id, enrichedAt: now }));
    await deps.store.saveAll(docs);
    const messages: OutgoingMessage[] = enriched.map(({ event, profile }) => ({
      topic: DebtorEnrichedV1.topic,
      key: debtorKey(event.tenant, profile.debtorId),
      envelope: buildEnvelope(DebtorEnrichedV1, causedBy(event, { id: derivedEventId(event.id, DebtorEnrichedV1.type), occurredAt: now, source: deps.source }), profile),
    }));
    await deps.publisher.publish(messages);
    for (const { event, profile, discardedContacts } of enriched) deps.logger.info({ invoiceId: profile.invoiceId, correlationId: event.correlationId, discardedContacts }, 'debtor enriched');
  });
}
