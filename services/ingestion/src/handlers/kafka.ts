import { BankInvoiceMessageV1Schema } from '@regua/contracts';
import { onMessageBatch, type Rejection } from '@regua/kafka-bus';
import type { IngestService } from '../ingest-service.ts';

/**
 * The Kafka door: the same validation as HTTP. Malformed records and unknown creditors are dead-lettered
 * with the reason and the original bytes (by the bus); valid ones converge with the other doors by
 * event id and invoice id. A fetched run goes in as one batch per creditor, like the HTTP batch door.
 */
export function inboundInvoices(deps: { topic: string; ingest: IngestService; knownTenants: ReadonlySet<string> }) {
  return onMessageBatch(deps.topic, BankInvoiceMessageV1Schema, 'BankInvoiceMessage v1', async (items) => {
    const rejections: Rejection[] = items
      .filter((item) => !deps.knownTenants.has(item.value.tenant))
      .map((item) => ({ delivery: item, reason: `unknown tenant ${item.value.tenant}: not a creditor configured in Régua` }));
    const byTenant = Map.groupBy(
      items.filter((item) => deps.knownTenants.has(item.value.tenant)),
      (item) => item.value.tenant,
    );
    // In offset order within each creditor: ingestBatch folds several events of one invoice in arrival order.
    for (const [tenant, tenantItems] of byTenant) {
      await deps.ingest.ingestBatch(
        tenant,
        tenantItems.map(({ value: { tenant: _tenant, ...submission } }) => submission),
        'kafka',
      );
    }
    return rejections;
  });
}
