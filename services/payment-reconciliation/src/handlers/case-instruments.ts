import { CasePlannedV1, InvoiceRegisteredV1 } from '@regua/contracts';
import { on, type Subscription } from '@regua/kafka-bus';
import type { CaseInstruments } from '../instruments/case-instruments.ts';

/**
 * The instruments' own consumer group: a case planned gets its instruments (a slow or absent bank delays only this
 * group), and, when boletos are registered, each invoice's debtor is remembered as the payer. Per message: one
 * debtor's events in order, debtors in parallel.
 */
export function caseInstrumentSubscriptions(deps: { instruments: CaseInstruments; withPayers: boolean }): Subscription[] {
  const planned = on(CasePlannedV1, (event) => deps.instruments.casePlanned(event));
  if (!deps.withPayers) return [planned];
  const payers = on(InvoiceRegisteredV1, async (event) => {
    const { debtor } = event.data.invoice;
    await deps.instruments.rememberPayer(event.tenant, debtor.externalId, { name: debtor.name, document: debtor.taxId.number });
  });
  return [payers, planned];
}
