import type { IHeaders } from 'kafkajs';
import { headerText } from './dead-letter.ts';

/** Offsets of one dead-letter partition to read, `end` excluded. */
export interface OffsetRange {
  start: number;
  end: number;
}

/**
 * Where a replay reads: from the bookmark the last replay left (or the oldest record kept), to the end of the
 * topic as it is now; `--from-offset` and `--to-offset` (inclusive) narrow or move it. Undefined: nothing to read.
 */
export function replayRange(partition: { low: number; high: number; bookmark: number | undefined }, bounds: { fromOffset?: number; toOffset?: number } = {}): OffsetRange | undefined {
  const start = Math.max(partition.low, bounds.fromOffset ?? partition.bookmark ?? partition.low);
  const end = Math.min(partition.high, bounds.toOffset === undefined ? partition.high : bounds.toOffset + 1);
  return start < end ? { start, end } : undefined;
}

/** The bookmark never moves back: replaying an older range on purpose must not make the next run repeat newer ones. */
export function nextBookmark(bookmark: number | undefined, readUpTo: number): number {
  return Math.max(bookmark ?? 0, readUpTo);
}

export type SkipReason = 'reason-filter' | 'no-source-topic';
export type ReplayDecision = { replay: true; sourceTopic: string } | { replay: false; skip: SkipReason };

/** Whether one dead letter goes back: it must name its source topic, and match `--reason` when given. */
export function decideReplay(headers: IHeaders | undefined, reasons: readonly string[]): ReplayDecision {
  const reason = headerText(headers, 'dlq-reason');
  if (reasons.length > 0 && (reason === undefined || !reasons.includes(reason))) return { replay: false, skip: 'reason-filter' };
  const sourceTopic = headerText(headers, 'dlq-source-topic');
  if (!sourceTopic) return { replay: false, skip: 'no-source-topic' };
  return { replay: true, sourceTopic };
}

/** The original headers: the failure's `dlq-*` ones go, `dlq-replayed-from` says which dead letter this was. */
export function replayHeaders(headers: IHeaders | undefined, deadLetterOffset: string): IHeaders {
  const original = Object.entries(headers ?? {}).filter(([name]) => !name.startsWith('dlq-'));
  return { ...Object.fromEntries(original), 'dlq-replayed-from': deadLetterOffset };
}

export interface ReplaySummary {
  deadLetterTopic: string;
  dryRun: boolean;
  /** Per `dlq-reason`, in the order first seen. */
  byReason: Map<string, { replayed: number; skipped: Map<SkipReason, number> }>;
  /** Per partition, where the next run starts. */
  bookmarks: Map<number, number>;
}

export function emptySummary(deadLetterTopic: string, dryRun: boolean): ReplaySummary {
  return { deadLetterTopic, dryRun, byReason: new Map(), bookmarks: new Map() };
}

export function countDecision(summary: ReplaySummary, reason: string | undefined, decision: ReplayDecision): void {
  const key = reason ?? '(none)';
  const row = summary.byReason.get(key) ?? { replayed: 0, skipped: new Map<SkipReason, number>() };
  summary.byReason.set(key, row);
  if (decision.replay) row.replayed++;
  else row.skipped.set(decision.skip, (row.skipped.get(decision.skip) ?? 0) + 1);
}

/** A table an operator reads in a terminal: one row per reason, then where the next run starts. */
export function formatReplaySummary(summary: ReplaySummary): string {
  const header = ['reason', summary.dryRun ? 'would replay' : 'replayed', 'skipped'];
  const rows = [...summary.byReason].map(([reason, row]) => {
    const skipped = [...row.skipped.values()].reduce((a, b) => a + b, 0);
    const why = [...row.skipped].map(([skip, n]) => `${n} ${skip}`).join(', ');
    return [reason, String(row.replayed), skipped === 0 ? '0' : `${skipped} (${why})`];
  });
  const totals = [...summary.byReason.values()].reduce((acc, row) => ({ replayed: acc.replayed + row.replayed, skipped: acc.skipped + [...row.skipped.values()].reduce((a, b) => a + b, 0) }), { replayed: 0, skipped: 0 });
  const table = [header, ...rows, ['total', String(totals.replayed), String(totals.skipped)]];
  const widths = header.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  const bookmarks = [...summary.bookmarks].map(([partition, offset]) => `partition ${partition} at offset ${offset}`).join(', ');
  const next = summary.dryRun ? 'dry run: nothing sent, bookmark unchanged' : `next run starts at ${bookmarks || 'the same place (nothing read)'}`;
  return [`dead letters of ${summary.deadLetterTopic}`, line(table[0]!), ...table.slice(1, -1).map(line), line(table.at(-1)!), next].join('\n');
}
