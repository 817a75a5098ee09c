import { CasePlannedV1, InvoiceRegisteredV1 } from '@regua/contracts';
import { on, onBatch, type Subscription } from '@regua/kafka-bus';
import { forEachConcurrently } from '@regua/mongo';
import type { CaseInstruments } from '../instruments/case-instruments.ts';

/** Cases of a run whose instruments are worked on at once. */
const CASES_AT_ONCE = 16;

/**
 * The instruments' own consumer group: a case planned gets its instruments (a slow or absent bank delays only this
 * group), and, when boletos are registered, each invoice's debtor is remembered as the payer.
 *
 * Of a case's plans in one run only the last counts (they come in offset order on the debtor's partition, and each
 * lists all the case's open invoices): instruments for an earlier one would be replaced at once, its boleto
 * registered with the bank and written off again, a bank fee for nothing. Cases go in parallel.
 */
export function caseInstrumentSubscriptions(deps: { instruments: CaseInstruments; withPayers: boolean }): Subscription[] {
  const planned = onBatch(CasePlannedV1, async (items) => {
    const lastPlanOf = new Map(items.map(({ value }) => [value.data.caseId, value]));
    await forEachConcurrently([...lastPlanOf.values()], CASES_AT_ONCE, (event) => deps.instruments.casePlanned(event));
  });
  if (!deps.withPayers) return [planned];
  const payers = on(InvoiceRegisteredV1, async (event) => {
    const { debtor } = event.data.invoice;
    await deps.instruments.rememberPayer(event.tenant, debtor.externalId, { name: debtor.name, document: debtor.taxId.number });
  });
  return [payers, planned];
}
