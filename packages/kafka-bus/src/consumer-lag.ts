/** Where a partition stands: its log's first and next offsets, and the group's committed offset (-1: none yet). */
export interface PartitionOffsets {
  partition: number;
  low: string;
  high: string;
  committed: string;
}

/**
 * Messages the group has yet to process on a partition. A group that has committed nothing starts from the
 * earliest offset (consumers subscribe fromBeginning), so everything still in the log is behind; a committed
 * offset below the log's start (retention deleted what it had not read) counts from the start too.
 */
export function partitionLag({ low, high, committed }: PartitionOffsets): number {
  const end = Number(high);
  const start = Number(low);
  const next = Number(committed);
  const from = next < 0 || next < start ? start : next;
  return Math.max(0, end - from);
}
