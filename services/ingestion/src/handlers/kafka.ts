import { BankInvoiceMessageV1Schema, type InvoiceSubmissionV1 } from '@regua/contracts';
import { onMessageBatch, type Rejection } from '@regua/kafka-bus';
import { bindCreditor, type CreditorRegistry } from '../domain/creditors.ts';
import type { IngestService } from '../ingest-service.ts';

/**
 * The Kafka door: the same validation as HTTP. Malformed records, unknown tenants and creditors not registered
 * for their tenant are dead-lettered with the reason and the original bytes (by the bus); valid ones converge
 * with the other doors by event id and invoice id. A fetched run goes in as one batch per tenant, like the HTTP
 * batch door.
 */
export function inboundInvoices(deps: { topic: string; ingest: IngestService; knownTenants: ReadonlySet<string>; creditors: CreditorRegistry | undefined }) {
  return onMessageBatch(deps.topic, BankInvoiceMessageV1Schema, 'BankInvoiceMessage v1', async (items) => {
    const rejections: Rejection[] = [];
    const accepted: Array<{ tenant: string; submission: InvoiceSubmissionV1 }> = [];
    for (const item of items) {
      const { tenant, ...submission } = item.value;
      if (!deps.knownTenants.has(tenant)) {
        rejections.push({ delivery: item, reason: `unknown tenant ${tenant}: not a creditor configured in Régua` });
        continue;
      }
      const bound = bindCreditor(deps.creditors, tenant, submission);
      if (bound.ok) accepted.push({ tenant, submission: bound.submission });
      else rejections.push({ delivery: item, reason: `${bound.path}: ${bound.message}` });
    }
    // In offset order within each tenant: ingestBatch folds several events of one invoice in arrival order.
    for (const [tenant, ofTenant] of Map.groupBy(accepted, (a) => a.tenant)) {
      await deps.ingest.ingestBatch(
        tenant,
        ofTenant.map((a) => a.submission),
        'kafka',
      );
    }
    return rejections;
  });
}
