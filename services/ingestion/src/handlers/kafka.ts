import { BankInvoiceMessageV1Schema, type InvoiceSubmissionV1 } from '@regua/contracts';
import { onMessageBatch, type Rejection } from '@regua/kafka-bus';
import { bindCreditor, type CreditorRegistry } from '../domain/creditors.ts';
import type { IngestService } from '../ingest-service.ts';

/**
 * The Kafka door of one tenant: its own topic (`bank.<tenant>.invoices.overdue.v1`), which only that creditor's Kafka
 * principal may write (broker ACLs; README, "Kafka doors"). So the tenant comes from the topic, never from the
 * message: a message naming another tenant is dead-lettered, as are malformed records and creditors not
 * registered for the tenant. Valid ones converge with the other doors by event id and invoice id; a fetched run
 * goes in as one batch, like the HTTP batch door.
 */
export function inboundInvoices(deps: { topic: string; tenant: string; ingest: IngestService; creditors: CreditorRegistry | undefined }) {
  return onMessageBatch(deps.topic, BankInvoiceMessageV1Schema, 'BankInvoiceMessage v1', async (items) => {
    const rejections: Rejection[] = [];
    const accepted: InvoiceSubmissionV1[] = [];
    for (const item of items) {
      const { tenant, ...submission } = item.value;
      if (tenant !== deps.tenant) {
        rejections.push({ delivery: item, reason: `tenant: ${tenant} is not this topic's creditor (${deps.tenant}); each creditor writes its own topic` });
        continue;
      }
      const bound = bindCreditor(deps.creditors, tenant, submission);
      if (bound.ok) accepted.push(bound.submission);
      else rejections.push({ delivery: item, reason: `${bound.path}: ${bound.message}` });
    }
    // In offset order: ingestBatch folds several events of one invoice in arrival order.
    if (accepted.length > 0) await deps.ingest.ingestBatch(deps.tenant, accepted, 'kafka');
    return rejections;
  });
}
