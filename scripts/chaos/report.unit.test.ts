import type { Tally } from './count.ts';
import { passed, renderMarkdown, renderTable, type ScenarioRow } from './report.ts';

const tally = (over: Partial<Tally> = {}): Tally => ({ accepted: 10, published: 10, processed: 10, sideEffects: 10, lost: 0, duplicated: 0, lostIds: [], duplicatedReferences: [], duplicatedPayments: [], ...over });
const row = (over: Partial<ScenarioRow> = {}): ScenarioRow => ({ name: 'kafka-restart', what: 'SIGKILL the broker', inFlight: 4, tally: tally(), recoveryS: 12.34, faultS: 20, quiet: true, notAccepted: 0, failures: [], seconds: 60, ...over });

describe('the fault suite report', () => {
  test('Given nothing lost or duplicated, a quiet pipeline and no failed check, then the row passes', () => {
    expect(passed(row())).toBe(true);
    expect(passed(row({ tally: tally({ lost: 1 }) }))).toBe(false);
    expect(passed(row({ tally: tally({ duplicated: 1 }) }))).toBe(false);
    expect(passed(row({ quiet: false }))).toBe(false);
    expect(passed(row({ failures: ['0 of 20 poison records dead-lettered'] }))).toBe(false);
  });

  test('Given rows, then the table shows each with its counts, its recovery and its result', () => {
    const table = renderTable([row(), row({ name: 'database-stop', recoveryS: undefined as never, tally: tally({ duplicated: 2 }) })]);
    expect(table).toMatch(/kafka-restart\s+4\s+10\s+10\s+10\s+10\s+0\s+0\s+12\.3 s\s+ok/);
    expect(table).toMatch(/database-stop .* 2\s+never\s+FAIL/);
  });

  test('Given a failed row, then the Markdown says why, with the duplicated references and when they came', () => {
    const failed = row({ tally: tally({ duplicated: 1, duplicatedReferences: [{ reference: 'bank:C06-1:0', requests: 2 }] }), duplicateTimes: { 'bank:C06-1:0': [1, 1.5] } });
    const markdown = renderMarkdown([failed], { command: 'pnpm chaos', startedAt: '2026-11-26T13:00:00Z', seconds: 500, rate: 30, feedSeconds: 30 });
    expect(markdown).toContain('## kafka-restart: FAIL');
    expect(markdown).toContain('`bank:C06-1:0`: 2 provider requests, at 1.0 s, 1.5 s from the fault\'s start');
  });
});
