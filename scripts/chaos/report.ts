// Pure: the suite's rows as a terminal table and a Markdown report.
import type { Tally } from './count.ts';

export interface ScenarioRow {
  name: string;
  what: string;
  /** Accepted invoices without a first reminder yet when the fault began. */
  inFlight: number;
  tally: Tally;
  /** Fault end → every invoice accepted until then has its first reminder; undefined if that never happened. */
  recoveryS?: number;
  faultS: number;
  /** The pipeline was quiet (every accepted invoice reminded, no consumer lag) before the settle timeout. */
  quiet: boolean;
  /** Records the doors did not accept (failed requests or sends during the fault). */
  notAccepted: number;
  failures: string[];
  /** What the scenario's own checks saw, failed or not. */
  notes?: string[];
  seconds: number;
  /** For each duplicated reference shown: when the provider received each request, in s from the fault's start. */
  duplicateTimes?: Record<string, number[]>;
}

export const passed = (row: ScenarioRow) => row.tally.lost === 0 && row.tally.duplicated === 0 && row.quiet && row.failures.length === 0;

const HEADER = ['scenario', 'in flight', 'accepted', 'published', 'processed', 'side effects', 'lost', 'duplicated', 'recovery', 'result'];

function cells(row: ScenarioRow): string[] {
  const t = row.tally;
  return [row.name, String(row.inFlight), String(t.accepted), String(t.published), String(t.processed), String(t.sideEffects), String(t.lost), String(t.duplicated), row.recoveryS === undefined ? 'never' : `${row.recoveryS.toFixed(1)} s`, passed(row) ? 'ok' : 'FAIL'];
}

export function renderTable(rows: readonly ScenarioRow[]): string {
  const all = [HEADER, ...rows.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice().map((r) => line(cells(r)))].join('\n');
}

export function renderMarkdown(rows: readonly ScenarioRow[], meta: { command: string; startedAt: string; seconds: number; rate: number; feedSeconds: number }): string {
  const out = [
    '# Fault suite',
    '',
    `\`${meta.command}\`, started ${meta.startedAt}, ${meta.seconds.toFixed(0)} s in all; each scenario offers ${meta.rate} invoices/s for ${meta.feedSeconds} s.`,
    '',
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${cells(r).join(' | ')} |`),
    '',
    'Counted from the data: accepted = invoices the doors answered 202 (or Kafka acknowledged); published = distinct of them on `collections.invoice.registered.v1`; processed = distinct of them that joined their debtor\'s case with its contacts planned (`collections.case.planned.v1`); side effects = the provider stand-in\'s raw requests for their cases; lost = accepted with no planned case once the pipeline was quiet; duplicated = provider requests beyond the first per contact reference (`caseId:step:channel`), plus payments reconciled more than once; recovery = fault end → the later of the last plan of the invoices accepted until then and the moment every consumer group had consumed what was on its topics at the fault\'s end.',
    '',
  ];
  for (const row of rows) {
    out.push(`## ${row.name}: ${passed(row) ? 'ok' : 'FAIL'}`, '', row.what + '.', '');
    out.push(`- fault lasted ${row.faultS.toFixed(1)} s; scenario ${row.seconds.toFixed(0)} s; ${row.notAccepted} records not accepted by the doors during it`);
    if (!row.quiet) out.push('- the pipeline was not quiet (reminders missing or consumer lag) when the settle timeout passed');
    for (const note of row.notes ?? []) out.push(`- ${note}`);
    for (const failure of row.failures) out.push(`- **${failure}**`);
    if (row.tally.lostIds.length > 0) out.push(`- lost, e.g.: ${row.tally.lostIds.map((id) => `\`${id}\``).join(', ')}`);
    for (const d of row.tally.duplicatedReferences) {
      const times = row.duplicateTimes?.[d.reference];
      out.push(`- \`${d.reference}\`: ${d.requests} provider requests${times ? `, at ${times.map((t) => `${t.toFixed(1)} s`).join(', ')} from the fault's start` : ''}`);
    }
    for (const d of row.tally.duplicatedPayments) out.push(`- payment \`${d.paymentId}\`: ${d.why}`);
    out.push('');
  }
  return out.join('\n');
}
