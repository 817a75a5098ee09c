/** Where a consumer waits on an outage: one entry per partition whose run cannot be handled now. */
export interface StallTracker {
  /** Idempotent: a partition already stalled keeps its start time. */
  enter(where: string, error: string): void;
  leave(where: string): void;
  /** When the oldest stall still going began; undefined when nothing waits. */
  since(): Date | undefined;
}

export interface StallEvents {
  /** The first partition stalled: once per outage, not once per retry. */
  started(where: string, error: string): void;
  /** The last stalled partition moved on. */
  ended(stalledForMs: number): void;
}

export function createStallTracker(events: StallEvents, now: () => Date = () => new Date()): StallTracker {
  const stalls = new Map<string, Date>();
  /** From the first partition stalling to the last one moving on, however they overlap. */
  let outageBegan = 0;
  const oldest = () => (stalls.size === 0 ? undefined : new Date(Math.min(...[...stalls.values()].map((d) => d.getTime()))));
  return {
    enter(where, error) {
      if (stalls.has(where)) return;
      if (stalls.size === 0) {
        outageBegan = now().getTime();
        events.started(where, error);
      }
      stalls.set(where, now());
    },
    leave(where) {
      if (!stalls.delete(where) || stalls.size > 0) return;
      events.ended(now().getTime() - outageBegan);
    },
    since: oldest,
  };
}
