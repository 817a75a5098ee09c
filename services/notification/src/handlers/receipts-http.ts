import type { Express } from 'express';
import { buildEnvelope, debtorKey, NotificationDeliveredV1, NotificationFailedV1, NotificationReadV1 } from '@regua/contracts';
import { UnauthorizedError, ValidationError, toFieldIssues } from '@regua/errors';
import { readRawJsonBody, refuseLargerThan, type RequestWithRawBody } from '@regua/http';
import type { EventPublisher } from '@regua/kafka-bus';
import { derivedEventId, type Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import { isOptOutReply, ReceiptSchema, SIGNATURE_HEADER, verifySignature, type Receipt } from '../providers/receipts.ts';
import { receiptLine } from '../domain/receipt-lines.ts';
import type { CaseDoc, CaseStore } from '../store/cases.ts';
import type { DebtorContactStore } from '../store/debtors.ts';
import type { ReceiptStore } from '../store/receipts.ts';
import type { Schedule } from '../store/schedule.ts';

const MAX_RECEIPT_BYTES = 16 * 1024;

/** What a receipt needs of its case; `status` only when the case was read. */
type CaseFacts = Pick<CaseDoc, '_id' | 'tenant' | 'debtorId' | 'correlationId'> & { status?: CaseDoc['status'] };

export interface ReceiptDeps {
  cases: CaseStore;
  receipts: ReceiptStore;
  debtors: DebtorContactStore;
  schedule: Schedule;
  publisher: EventPublisher;
  clock: Clock;
  logger: Logger;
  source: string;
  /** Shared with the providers; a receipt whose signature does not verify under it is refused (401). */
  secret: string;
}

/**
 * The providers' receipt webhook: `POST /v1/receipts`, signed (HMAC-SHA256 of the raw body in `X-Regua-Signature`).
 * Each receipt is recorded once per contact and status; the first time, it updates the debtor's engagement (the
 * case's timeline, `delivered`/`read`/`failed` events that scoring and the dashboards learn from) and a reply such as
 * "PARAR" or "SAIR" opts the debtor out of that channel at once.
 */
export function receiptRoutes(deps: ReceiptDeps) {
  async function handle(receipt: Receipt): Promise<'recorded' | 'duplicate' | 'unknown-contact'> {
    const contact = await deps.cases.delivery(receipt.reference);
    if (!contact) return 'unknown-contact';
    const now = deps.clock.now();
    const at = new Date(receipt.at);
    const optOut = receipt.status === 'replied' && isOptOutReply(receipt.replyText ?? '');
    const fresh = await deps.receipts.record({
      _id: `${receipt.reference}:${receipt.status}`,
      contactId: receipt.reference,
      caseId: contact.caseId,
      tenant: contact.tenant,
      status: receipt.status,
      provider: receipt.provider,
      providerMessageId: receipt.providerMessageId,
      at,
      receivedAt: now,
      ...(optOut ? { optOut } : {}),
      ...(receipt.error ? { error: receipt.error } : {}),
    });
    if (!fresh) return 'duplicate';
    // What the contact knows of its case is enough, except for a failure (only an open case's step is reopened).
    const known: CaseFacts | null = contact.debtorId && receipt.status !== 'failed' ? { _id: contact.caseId, tenant: contact.tenant, debtorId: contact.debtorId, correlationId: contact.correlationId } : null;
    const doc: CaseFacts | null = known ?? (await deps.cases.find(contact.caseId));
    if (!doc) return 'unknown-contact';
    if (optOut) await deps.debtors.optOut(doc.tenant, doc.debtorId, contact.channel, `reply to ${receipt.reference}`, at);
    // A delivery, a read or a reply is told on the case's timeline from the receipt itself when the case is shown
    // (GET /v1/cases/:id): no write of the case for each. A failure is written there, with the step it reopens.
    if (receipt.status === 'failed') {
      const what = receiptLine(contact, { status: 'failed', error: receipt.error });
      if (doc.status === 'open') {
        // The step goes out again on its fallback channel: open it again and wake the case now.
        await deps.cases.reopenStep(doc._id, contact.step, receipt.reference, [{ at, what }, { at: now, what: `step ${contact.stepId} reopened: its fallback channel is tried` }]);
        await deps.schedule.add([{ caseId: doc._id, step: contact.step, dueAt: now }], now);
      } else {
        await deps.cases.settle(doc._id, [], [{ at, what }]);
      }
    }
    const context = { id: derivedEventId(`${receipt.reference}:${receipt.status}`, 'receipt'), occurredAt: now, source: deps.source, tenant: doc.tenant, correlationId: doc.correlationId ?? doc._id };
    const base = { contactId: receipt.reference, caseId: doc._id, debtorId: doc.debtorId, channel: contact.channel, at: at.toISOString() };
    const key = debtorKey(doc.tenant, doc.debtorId);
    if (receipt.status === 'delivered') await deps.publisher.publish([{ topic: NotificationDeliveredV1.topic, key, envelope: buildEnvelope(NotificationDeliveredV1, context, { ...base, providerMessageId: receipt.providerMessageId }) }]);
    if (receipt.status === 'read') await deps.publisher.publish([{ topic: NotificationReadV1.topic, key, envelope: buildEnvelope(NotificationReadV1, context, { ...base, providerMessageId: receipt.providerMessageId }) }]);
    if (receipt.status === 'failed') await deps.publisher.publish([{ topic: NotificationFailedV1.topic, key, envelope: buildEnvelope(NotificationFailedV1, context, { ...base, reason: receipt.error ?? 'the provider could not deliver it' }) }]);
    deps.logger.info({ caseId: doc._id, contactId: receipt.reference, status: receipt.status, optOut }, 'receipt recorded');
    return 'recorded';
  }

  return (app: Express) => {
    app.post('/v1/receipts', refuseLargerThan(MAX_RECEIPT_BYTES, 'receipt'), readRawJsonBody(MAX_RECEIPT_BYTES), async (req, res) => {
      const raw = (req as RequestWithRawBody).rawBody;
      if (!raw || !verifySignature(raw, req.header(SIGNATURE_HEADER), deps.secret)) throw new UnauthorizedError('receipt signature missing or invalid');
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new ValidationError('receipt body is not JSON', [{ path: '', message: 'not JSON' }]);
      }
      const parsed = ReceiptSchema.safeParse(body);
      if (!parsed.success) throw new ValidationError('invalid receipt', toFieldIssues(parsed.error.issues));
      const outcome = await handle(parsed.data);
      // An unknown reference is acknowledged (the provider must not retry it forever) and logged for an operator.
      if (outcome === 'unknown-contact') deps.logger.warn({ reference: parsed.data.reference, provider: parsed.data.provider }, 'receipt for a contact Régua does not know');
      res.status(200).json({ outcome });
    });
  };
}
