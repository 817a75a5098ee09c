import { invoiceId as toInvoiceId } from '@regua/contracts';
import type { Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import type { DocumentMatching } from './document-matching.ts';
import { gatewayEventToPayment, gatewayPaymentId, withoutPayer, type GatewayEvent } from './domain/gateway-webhook.ts';
import { receivedEvent, type ReceiveResult } from './reconciliation.ts';
import type { ParkedPayments } from './store/parked-payments.ts';

export const REFUND_REASON = 'refund reported by the gateway: the payment it reverses stays counted until an operator decides';

export type GatewayResult = { id: string; type: GatewayEvent['type'] } & (ReceiveResult | { outcome: 'refund-recorded'; repeated: boolean; reason: string });

export interface GatewayPaymentsDeps {
  matching: Pick<DocumentMatching, 'receive'>;
  parked: Pick<ParkedPayments, 'expire'>;
  clock: Clock;
  logger: Logger;
  source: string;
}

/**
 * A gateway's events: `payment.succeeded` is a payment (keyed by the event id, so a retry counts once), matched by
 * the same code as every door; `payment.refunded` never un-settles anything by itself: it goes to the operators'
 * queue (`payment_exceptions`, keyed by the event id) with what it references.
 */
export function createGatewayPayments(deps: GatewayPaymentsDeps) {
  return {
    async receive(tenant: string, event: GatewayEvent, occurredAt: Date): Promise<GatewayResult> {
      if (event.type === 'payment.succeeded') {
        const { data, payerDocumentHash } = gatewayEventToPayment(tenant, event);
        const received = receivedEvent(tenant, data, { source: deps.source, correlationId: gatewayPaymentId(event), occurredAt });
        return { id: event.id, type: event.type, ...(await deps.matching.receive(received, payerDocumentHash)) };
      }
      const now = deps.clock.now();
      const paymentId = gatewayPaymentId(event);
      const { invoiceExternalId, txid } = event.reference ?? {};
      const raised = await deps.parked.expire(
        {
          _id: `${tenant}:${paymentId}`,
          tenant,
          paymentId,
          amountCents: event.amountCents,
          ...(invoiceExternalId ? { invoiceId: toInvoiceId(tenant, invoiceExternalId) } : {}),
          ...(txid ? { pixTxid: txid } : {}),
          parkedAt: now,
          expiresAt: now,
          event: JSON.stringify(withoutPayer(event)),
        },
        REFUND_REASON,
        now,
      );
      if (raised) deps.logger.warn({ tenant, gatewayEventId: event.id, amountCents: event.amountCents, invoiceExternalId }, 'gateway refund: moved to payment_exceptions for an operator');
      return { id: event.id, type: event.type, outcome: 'refund-recorded', repeated: !raised, reason: REFUND_REASON };
    },
  };
}

export type GatewayPayments = ReturnType<typeof createGatewayPayments>;
