import { CaseEscalatedV1 } from '@regua/contracts';
import { AppError } from '@regua/errors';
import { on, type Subscription } from '@regua/kafka-bus';
import type { Logger } from '@regua/telemetry';
import type { Negativacao } from '../../negativacao.ts';
import type { SettingsStore } from '../../store/settings.ts';

/**
 * When the cadence engine gives up on a case (its cadence ran out), registration is requested if the creditor's rule
 * says so. A case that may not be registered (disputed, too old, already under way) is logged and left.
 */
export function onCaseEscalated(deps: { negativacao: Negativacao; settings: SettingsStore; logger: Logger; source: string }): Subscription {
  return on(CaseEscalatedV1, async ({ tenant, source, data }) => {
    if (data.reason !== 'cadence-exhausted' || source === deps.source) return;
    if (!(await deps.settings.get(tenant)).settings.bureau.autoRequestOnCadenceExhausted) return;
    try {
      await deps.negativacao.request(tenant, data.caseId, 'cadence-exhausted');
    } catch (error) {
      if (!(error instanceof AppError) || error.retriable) throw error;
      deps.logger.info({ caseId: data.caseId, why: error.message }, 'no automatic bureau registration for an exhausted cadence');
    }
  });
}
