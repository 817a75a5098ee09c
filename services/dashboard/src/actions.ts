import { buildEnvelope, CaseDisputedV1, CaseOperatorActionV1, debtorKey, OperatorActionSchema, type OperatorAction } from '@regua/contracts';
import { toFieldIssues, ValidationError } from '@regua/errors';
import { currentTraceparent, type EventPublisher, type OutgoingMessage } from '@regua/kafka-bus';
import type { Clock, IdGenerator } from '@regua/service-kit';
import type { Principal } from './domain/access.ts';
import type { AuditLog } from './store/audit.ts';
import type { CaseDoc } from './store/documents.ts';

export const SOURCE = 'dashboard';

/**
 * An operator's action on a case becomes events: `CaseOperatorAction` v1 always (who did what), and `CaseDisputed` v1
 * (source `dashboard`) for a dispute, the event notification and the other services already act on. Nothing is
 * written here: the read model learns of the action from the same topic as everyone else.
 */
export function createActions(deps: { publisher: EventPublisher; clock: Clock; newId: IdGenerator; audit: AuditLog }) {
  return {
    async act(principal: Principal, doc: CaseDoc, body: unknown): Promise<{ actionId: string; action: OperatorAction }> {
      // The dispute's id is the dashboard's to give, whatever the request says.
      const raw = typeof body === 'object' && body !== null && (body as { kind?: unknown }).kind === 'dispute-marked' ? { ...body, disputeId: deps.newId() } : body;
      const parsed = OperatorActionSchema.safeParse(raw);
      if (!parsed.success) throw new ValidationError('invalid action', toFieldIssues(parsed.error.issues));
      const action = parsed.data;
      if (action.kind === 'dispute-marked' && doc.invoiceIds.length === 0) throw new ValidationError('invalid action', [{ path: 'kind', message: 'the case has no invoices to contest yet' }]);

      const now = deps.clock.now();
      const actionId = deps.newId();
      const traceparent = currentTraceparent();
      const context = { occurredAt: now, source: SOURCE, tenant: doc.tenant, correlationId: actionId, ...(traceparent ? { traceparent } : {}) };
      const key = debtorKey(doc.tenant, doc.debtorId);
      const messages: OutgoingMessage[] = [];
      if (action.kind === 'dispute-marked') {
        messages.push({
          topic: CaseDisputedV1.topic,
          key,
          envelope: buildEnvelope(CaseDisputedV1, { ...context, id: deps.newId(), causationId: actionId }, { disputeId: action.disputeId, caseId: doc._id, debtorId: doc.debtorId, invoiceIds: doc.invoiceIds, reason: action.reason, ...(action.note ? { details: action.note } : {}) }),
        });
      }
      messages.push({
        topic: CaseOperatorActionV1.topic,
        key,
        envelope: buildEnvelope(CaseOperatorActionV1, { ...context, id: actionId }, { actionId, caseId: doc._id, debtorId: doc.debtorId, invoiceIds: doc.invoiceIds, operator: { id: principal.id, role: principal.roles.join(',') }, action }),
      });
      await deps.publisher.publish(messages);
      await deps.audit.record({ at: now, actor: principal.id, roles: principal.roles, tenant: doc.tenant, action: 'case-action', caseId: doc._id, personalData: null, detail: action.kind });
      return { actionId, action };
    },
  };
}

export type Actions = ReturnType<typeof createActions>;
