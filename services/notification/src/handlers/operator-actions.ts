import { CaseOperatorActionV1 } from '@regua/contracts';
import { on } from '@regua/kafka-bus';
import type { Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import type { Dispatcher } from '../dispatcher.ts';
import type { CaseDoc, CaseStore } from '../store/cases.ts';
import { modifyCase } from './collections.ts';

/** Pauses a case's collection: nothing is sent while it is paused. A case paused already stays as it was. */
export function pauseCase(deps: { store: CaseStore }, doc: CaseDoc, reason: string, now: Date): Promise<CaseDoc> {
  return modifyCase(deps, doc, (next) => {
    if (next.paused) return null;
    next.paused = { reason, at: now };
    return [{ at: now, what: `collection paused (${reason})` }];
  });
}

/** Resumes a paused case; the caller wakes it up (the pause dropped its schedule entries). */
export function resumeCase(deps: { store: CaseStore }, doc: CaseDoc, now: Date): Promise<CaseDoc> {
  return modifyCase(deps, doc, (next) => {
    if (!next.paused) return null;
    next.paused = null;
    return [{ at: now, what: 'collection resumed' }];
  });
}

/**
 * An operator paused or resumed a case from the dashboard's work queue (`CaseOperatorAction` v1): the same change as
 * `POST /v1/cases/:id/pause` and `/resume`. Other actions are the dashboard's own records and change nothing here.
 */
export function onCaseOperatorAction(deps: { store: CaseStore; dispatcher: Dispatcher; clock: Clock; logger: Logger }) {
  return on(CaseOperatorActionV1, async ({ tenant, data }) => {
    const { action } = data;
    if (action.kind !== 'collection-paused' && action.kind !== 'collection-resumed') return;
    const doc = await deps.store.caseOf(data.caseId);
    if (!doc || doc.tenant !== tenant) return void deps.logger.warn({ caseId: data.caseId }, 'operator action for a case notification does not know');
    const now = deps.clock.now();
    if (action.kind === 'collection-paused') {
      await pauseCase(deps, doc, `${action.reason}${action.note ? `: ${action.note}` : ''} (operator ${data.operator.id})`, now);
      return;
    }
    const resumed = await resumeCase(deps, doc, now);
    await deps.dispatcher.dispatchCases([resumed], now);
  });
}
