import { buildEnvelope, causedBy, debtorKey, DebtorEnrichedV1, InvoiceRegisteredV1 } from '@regua/contracts';
import { on, type EventPublisher } from '@regua/kafka-bus';
import { derivedEventId, type Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import { enrichInvoiceDebtor } from '../domain/enrich.ts';
import type { ProfileStore } from '../store/profiles.ts';

export function onInvoiceRegistered(deps: { store: ProfileStore; publisher: EventPublisher; clock: Clock; logger: Logger; source: string }) {
  return on(InvoiceRegisteredV1, async (event) => {
    const { profile, discardedContacts } = enrichInvoiceDebtor(event.data.invoiceId, event.data.invoice);
    const now = deps.clock.now();
    await deps.store.save({ _id: profile.invoiceId, tenant: event.tenant, debtorId: profile.debtorId, profile, discardedContacts, sourceEventId: event.id, enrichedAt: now });
    const enriched = buildEnvelope(DebtorEnrichedV1, causedBy(event, { id: derivedEventId(event.id, DebtorEnrichedV1.type), occurredAt: now, source: deps.source }), profile);
    await deps.publisher.publish([{ topic: DebtorEnrichedV1.topic, key: debtorKey(event.tenant, profile.debtorId), envelope: enriched }]);
    deps.logger.info({ invoiceId: profile.invoiceId, correlationId: event.correlationId, discardedContacts }, 'debtor enriched');
  });
}
