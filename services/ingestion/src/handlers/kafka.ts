import { BankInvoiceMessageV1Schema } from '@regua/contracts';
import { ValidationError } from '@regua/errors';
import { onMessage } from '@regua/kafka-bus';
import type { IngestService } from '../ingest-service.ts';

/**
 * The Kafka door: the same validation as HTTP. Malformed records and unknown creditors are dead-lettered
 * with the reason and the original bytes (by the bus); valid ones converge with the other doors by
 * event id and invoice id.
 */
export function inboundInvoices(deps: { topic: string; ingest: IngestService; knownTenants: ReadonlySet<string> }) {
  return onMessage(deps.topic, BankInvoiceMessageV1Schema, 'BankInvoiceMessage v1', async ({ tenant, ...submission }) => {
    if (!deps.knownTenants.has(tenant)) throw new ValidationError(`unknown tenant ${tenant}`, [{ path: 'tenant', message: 'not a creditor configured in Régua' }]);
    await deps.ingest.ingest(tenant, submission, 'kafka');
  });
}
