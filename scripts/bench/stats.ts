// Pure statistics for the benchmark: percentiles, rates over time, /proc parsing, consumer lag.

/** Nearest-rank percentile (p in 0..100) of unsorted values; undefined for no values. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface LatencySummary {
  count: number;
  /** Can be negative: an event may reach Kafka before a slow HTTP 202 reaches the client. */
  min?: number;
  p50?: number;
  p95?: number;
  p99?: number;
  max?: number;
}

export function summarize(values: readonly number[]): LatencySummary {
  if (values.length === 0) return { count: 0 };
  return { count: values.length, min: Math.min(...values), p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99), max: Math.max(...values) };
}

/** Messages per second in consecutive buckets of `bucketMs`, from 0 to `endMs` (times in ms since the start). */
export function rateSeries(times: readonly number[], bucketMs: number, endMs: number): Array<{ t: number; perSecond: number }> {
  const buckets = Math.max(1, Math.ceil(endMs / bucketMs));
  const counts = new Array<number>(buckets).fill(0);
  for (const t of times) {
    if (t < 0 || t > endMs) continue;
    counts[Math.min(buckets - 1, Math.floor(t / bucketMs))]! += 1;
  }
  return counts.map((count, i) => ({ t: ((i + 1) * bucketMs) / 1000, perSecond: count / (bucketMs / 1000) }));
}

export interface StageFigures {
  expected: number;
  received: number;
  complete: boolean;
  /** Seconds after the start when the last expected message arrived (or the run ended, if incomplete). */
  untilS: number;
  perSecond: number;
}

/** How many arrived, when the last one did, and the rate over that time (messages / seconds since the start). */
export function stageFigures(arrivalsMs: readonly number[], expected: number, endMs: number): StageFigures {
  const received = arrivalsMs.length;
  const complete = received >= expected && expected > 0;
  const untilMs = complete ? Math.max(...arrivalsMs) : endMs;
  const untilS = untilMs / 1000;
  return { expected, received, complete, untilS, perSecond: untilS > 0 ? received / untilS : 0 };
}

/** VmRSS and VmHWM (peak) of a /proc/<pid>/status text, in kB. */
export function parseProcStatus(text: string): { rssKb: number; hwmKb: number } | undefined {
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    return match ? Number(match[1]) : undefined;
  };
  const rssKb = field('VmRSS');
  const hwmKb = field('VmHWM');
  return rssKb === undefined || hwmKb === undefined ? undefined : { rssKb, hwmKb };
}

/** `/proc/<pid>/stat`: the parent's pid and the CPU time used (user + system, in clock ticks). */
export function parseProcStat(text: string): { ppid: number; cpuTicks: number } | undefined {
  // The command name (field 2) may hold spaces and parentheses: the fields that follow start after its last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).trim().split(/\s+/);
  const [ppid, utime, stime] = [Number(fields[1]), Number(fields[11]), Number(fields[12])];
  return fields.length < 13 || [ppid, utime, stime].some(Number.isNaN) ? undefined : { ppid, cpuTicks: utime + stime };
}

/**
 * Consumer lag of one topic: end offset minus committed offset, per partition, summed. A partition with no
 * committed offset yet lags by everything it holds (the group reads from the beginning).
 */
export function topicLag(ends: ReadonlyArray<{ partition: number; high: string; low: string }>, committed: ReadonlyArray<{ partition: number; offset: string }>): number {
  const done = new Map(committed.map((c) => [c.partition, Number(c.offset)]));
  return ends.reduce((sum, { partition, high, low }) => {
    const at = done.get(partition);
    const from = at === undefined || at < 0 ? Number(low) : at;
    return sum + Math.max(0, Number(high) - from);
  }, 0);
}
