import { bucketMsFor } from './report.ts';
import { parseProcStat, parseProcStatus, percentile, rateSeries, stageFigures, summarize, topicLag } from './stats.ts';
import { escapeXml, lineChart, niceTicks } from './svg.ts';

describe('percentile (nearest rank)', () => {
  test('Given 1..100, then p50 is 50, p95 is 95, p99 is 99 and p100 is 100, whatever the input order', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect([50, 95, 99, 100].map((p) => percentile(values, p))).toEqual([50, 95, 99, 100]);
    expect(percentile(values, 0)).toBe(1);
  });

  test('Given few values, then a high percentile is the largest and a single value is every percentile', () => {
    expect(percentile([3, 1, 2], 99)).toBe(3);
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(percentile([42], 1)).toBe(42);
    expect(percentile([], 50)).toBeUndefined();
  });

  test('Given values, then the summary has count, percentiles and max; none for no values', () => {
    expect(summarize([10, 20, 30, 40])).toEqual({ count: 4, min: 10, p50: 20, p95: 40, p99: 40, max: 40 });
    expect(summarize([])).toEqual({ count: 0 });
  });
});

describe('rates and stage figures', () => {
  test('Given arrival times, then each bucket holds its messages per second', () => {
    expect(rateSeries([0, 100, 900, 1500, 4999], 1000, 5000)).toEqual([
      { t: 1, perSecond: 3 },
      { t: 2, perSecond: 1 },
      { t: 3, perSecond: 0 },
      { t: 4, perSecond: 0 },
      { t: 5, perSecond: 1 },
    ]);
    expect(rateSeries([1000, 9000], 5000, 10_000)).toEqual([
      { t: 5, perSecond: 0.2 },
      { t: 10, perSecond: 0.2 },
    ]);
  });

  test('Given every expected message, then the stage took until the last one; otherwise the rate runs to the end of the run', () => {
    expect(stageFigures([1000, 4000, 2000, 3000], 4, 60_000)).toEqual({ expected: 4, received: 4, complete: true, untilS: 4, perSecond: 1 });
    expect(stageFigures([1000, 2000], 4, 10_000)).toEqual({ expected: 4, received: 2, complete: false, untilS: 10, perSecond: 0.2 });
  });

  test('Given a run length, then buckets are at least 5 s and about a hundred', () => {
    expect(bucketMsFor(30_000)).toBe(5000);
    expect(bucketMsFor(1_000_000)).toBe(10_000);
  });
});

describe('process and Kafka figures', () => {
  test('Given /proc/<pid>/status, then VmRSS and VmHWM are read in kB', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1234 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t11\n';
    expect(parseProcStatus(status)).toEqual({ rssKb: 102400, hwmKb: 204800 });
    expect(parseProcStatus('Name:\tzombie\n')).toBeUndefined();
  });

  test('parseProcStat reads the parent and user + system ticks, even when the command name holds spaces and parentheses', () => {
    const stat = '4242 (postgres: a (b) c) S 4100 4242 4242 0 -1 4194560 900 0 0 0 1234 56 0 0 20 0 1 0 100 1000 200';
    expect(parseProcStat(stat)).toEqual({ ppid: 4100, cpuTicks: 1290 });
    expect(parseProcStat('1 (init) S')).toBeUndefined();
  });

  test('Given end and committed offsets, then lag sums the partitions, counting uncommitted ones from their low offset', () => {
    const ends = [
      { partition: 0, high: '100', low: '0' },
      { partition: 1, high: '50', low: '10' },
      { partition: 2, high: '7', low: '0' },
    ];
    expect(topicLag(ends, [{ partition: 0, offset: '90' }, { partition: 1, offset: '-1' }, { partition: 2, offset: '7' }])).toBe(10 + 40 + 0);
    expect(topicLag(ends, [])).toBe(100 + 40 + 7);
  });
});

describe('SVG chart', () => {
  test('Given a maximum, then ticks are round and reach it', () => {
    expect(niceTicks(10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(7, 5)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });

  test('Given series, then the SVG has one polyline each, a legend entry each, and escaped text', () => {
    const svg = lineChart({ title: 'a < b & c', xLabel: 's', yLabel: '/s', series: [{ name: 'one', points: [[0, 1], [10, 5]] }, { name: 'two', points: [] }] });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    expect(svg).toContain('>one<');
    expect(svg).toContain('>two<');
    expect(svg).toContain('a &lt; b &amp; c');
    expect(escapeXml('"<>&')).toBe('&quot;&lt;&gt;&amp;');
  });
});
