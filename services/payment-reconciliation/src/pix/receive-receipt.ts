import type { DocumentMatching } from '../document-matching.ts';
import { documentHash } from '../domain/matching.ts';
import { pixPayerDocument, pixReceiptToPayment, type PixReceipt } from '../domain/pix-webhook.ts';
import { receivedEvent, type ReceiveResult } from '../reconciliation.ts';

/**
 * One Pix receipt into the matching, the same from the webhook and the poll: a payment keyed by its endToEndId, and,
 * without a txid, the payer's document (only its hash) when the PSP sent it.
 */
export function receivePixReceipt(matching: Pick<DocumentMatching, 'receive'>, tenant: string, receipt: PixReceipt, context: { source: string; occurredAt: Date }): Promise<ReceiveResult> {
  const event = receivedEvent(tenant, pixReceiptToPayment(receipt), { source: context.source, correlationId: receipt.endToEndId, occurredAt: context.occurredAt });
  const payer = pixPayerDocument(receipt);
  return matching.receive(event, payer ? documentHash(tenant, payer) : undefined);
}
