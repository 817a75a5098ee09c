import { scheduleBucket, type PlumbingFigure } from './plumbing.ts';
import { drainedSection, plumbingSection, storeOpsSection } from './report.ts';

const PLUMBING: PlumbingFigure = {
  invoices: 1000,
  received: 1000,
  complete: true,
  seconds: 4,
  perSecond: 250,
  latencyMs: { count: 1000, p50: 1500, p99: 3200 },
  stages: [
    { stage: 'registered', done: 1000, untilS: 1.5 },
    { stage: 'reminder arrived', done: 1000, untilS: 4 },
  ],
  settings: ['producers: idempotent, acks -1 (all), maxInFlightRequests 1', 'consumers: partitionsConsumedConcurrently 3'],
};
const END_TO_END = { perSecond: 50, complete: true, untilS: 20, latencyMs: { count: 1000 } };

describe('plumbing baseline in the report', () => {
  test('Given the baseline and the raw limits, then the pipeline is stated as a share of both, with the settings', () => {
    const text = plumbingSection({ endToEnd: END_TO_END, plumbing: { ...PLUMBING, ratio: 0.2 }, slowestRaw: { what: 'FerretDB insertMany', perSecond: 2000, ratio: 0.025 } }).join('\n');
    expect(text).toContain('**Plumbing baseline: 250.0 invoices/s**');
    expect(text).toContain('= 20% of the plumbing baseline** (ratio 0.20)');
    expect(text).toContain('2.5% of the slowest raw limit (FerretDB insertMany, 2,000/s; ratio 0.025)');
    expect(text).toContain('- producers: idempotent, acks -1 (all), maxInFlightRequests 1');
    expect(text).toContain('| reminder arrived | 1000 / 1000 | 4.00 s |');
    expect(text).toContain('p50 1.50 s, p99 3.20 s');
  });

  test('Given a baseline cut by the timeout, then it says partial; given none, then why', () => {
    expect(plumbingSection({ endToEnd: END_TO_END, plumbing: { ...PLUMBING, complete: false, received: 600, ratio: 0.2 } }).join('\n')).toContain('(partial: 600 of 1000 before the timeout)');
    expect(plumbingSection({ endToEnd: END_TO_END, plumbingError: 'broker down' }).at(-1)).toBe('Not measured: broker down');
    expect(plumbingSection({ endToEnd: END_TO_END }).at(-1)).toBe('Not measured (--skip-raw).');
  });

  test("Given the baseline's CPU, then the most the machine's CPUs carry through its hops and writes, against the target and the pipeline's cost", () => {
    const plumbing = { ...PLUMBING, cpuSeconds: { kafka: 1, ferretdb: 2.5, postgresql: 1.5, 'plumbing program': 1 }, ratio: 0.2 };
    const drained = { afterS: 30, quiet: true, cpuSeconds: { ferretdb: 20, notification: 10 } };
    const text = plumbingSection({ endToEnd: END_TO_END, plumbing, environment: { CPUs: 2 }, drained, stages: [{ received: 1000 } as never] }).join('\n');
    // 6 CPU-seconds for 1,000 invoices: 6 ms each, so 2 CPUs carry 333 a second; 2,000/s leaves 1 ms, 6× less.
    expect(text).toContain('**6.00 ms of CPU per invoice** (ferretdb 2.50, postgresql 1.50, kafka 1.00, plumbing program 1.00)');
    expect(text).toContain('carry at most **333 invoices/s**');
    expect(text).toContain('leaves 1.00 ms of CPU per invoice on 2 CPUs: 6.0× less than the plumbing alone costs');
    expect(text).toContain("The pipeline's whole feed cost 30.00 ms per invoice (below): 5.0× the plumbing's.");
    expect(plumbingSection({ endToEnd: END_TO_END, plumbing: { ...PLUMBING, ratio: 0.2 }, environment: { CPUs: 2 } }).join('\n')).not.toContain('CPU per invoice');
  });

  test('Given a time, then its schedule bucket is the ten minutes holding it, named like notification names them', () => {
    expect(scheduleBucket(new Date('2026-11-24T13:59:59.999Z'))).toBe('schedule_202611241350');
    expect(scheduleBucket(new Date('2026-11-24T14:00:00Z'))).toBe('schedule_202611241400');
  });
});

describe('store operations in the report', () => {
  test('Given the collections a run used, then each with its index scans per invoice, and the total', () => {
    const text = storeOpsSection(
      [
        { collection: 'regua_notification.cases', indexScans: 4000, rowsScanned: 0, inserted: 1000, updated: 1500, deleted: 0 },
        { collection: 'regua_dashboard.invoices', indexScans: 3000, rowsScanned: 12, inserted: 2000, updated: 900, deleted: 0 },
      ],
      2000,
    ).join('\n');
    expect(text).toContain('(PostgreSQL statistics, 2,000 invoices)');
    expect(text).toContain('| `regua_notification.cases` | 4,000 | 2.00 | 1,000 | 1,500 | 0 | 0 |');
    expect(text).toContain('| all | 7,000 | 3.50 | 3,000 | 2,400 | 0 | 12 |');
    expect(storeOpsSection(undefined, 2000)).toEqual([]);
  });
});

describe("the whole feed's cost in the report", () => {
  test('Given the CPU and store work until quiet, then per invoice, busiest first; not quiet is said; none, nothing', () => {
    const drained = {
      afterS: 61.4,
      quiet: true,
      cpuSeconds: { notification: 9, ferretdb: 30, kafka: 6 },
      storeOps: [{ collection: 'regua_notification.cases', indexScans: 5000, rowsScanned: 0, inserted: 2000, updated: 3000, deleted: 0 }],
    };
    const text = drainedSection(drained, 2000).join('\n');
    expect(text).toContain("## The whole feed's cost (from the first send until every process was quiet, 61 s)");
    expect(text).toContain('**45.0 CPU-seconds, 22.50 ms of CPU per invoice; 5,000 store index scans, 2.50 per invoice.**');
    expect(text.indexOf('| ferretdb | 30.0 | 15.00 |')).toBeLessThan(text.indexOf('| notification | 9.0 | 4.50 |'));
    expect(text).toContain('| `regua_notification.cases` | 5,000 | 2.50 | 2,000 | 3,000 |');
    expect(drainedSection({ ...drained, quiet: false }, 2000)[0]).toContain('not quiet when the wait was given up');
    expect(drainedSection(undefined, 2000)).toEqual([]);
  });
});
