import { daysBetween } from './dates.ts';

/**
 * Aging buckets by days past due. `current` holds what is not overdue yet (reminders before the due date); the
 * others are the industry's 1–30, 31–60, 61–90, 91–180 and 180+.
 */
export const AGING_BUCKETS = [
  { id: 'current', label: 'a vencer', min: Number.NEGATIVE_INFINITY, max: 0 },
  { id: '1-30', label: '1–30', min: 1, max: 30 },
  { id: '31-60', label: '31–60', min: 31, max: 60 },
  { id: '61-90', label: '61–90', min: 61, max: 90 },
  { id: '91-180', label: '91–180', min: 91, max: 180 },
  { id: '180+', label: '180+', min: 181, max: Number.POSITIVE_INFINITY },
] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number]['id'];

export function bucketOf(dueDate: string, today: string): AgingBucket {
  const overdue = daysBetween(dueDate, today);
  return AGING_BUCKETS.find((b) => overdue >= b.min && overdue <= b.max)!.id;
}

/**
 * One due-date cohort's counters: what is open now (count, centavos outstanding) and what was ever placed in
 * collection with that due date (count, centavos at registration). Kept incrementally per due date, so aging, which
 * moves with every day that passes, is a sum over the cohorts rather than a scan of cases.
 */
export interface DueCohort {
  dueDate: string;
  openCount: number;
  openCents: number;
  placedCount: number;
  placedCents: number;
}

export interface BucketFigures {
  bucket: AgingBucket;
  label: string;
  openCount: number;
  openCents: number;
  placedCount: number;
  placedCents: number;
}

export function agingOf(cohorts: readonly DueCohort[], today: string): BucketFigures[] {
  const figures = new Map<AgingBucket, BucketFigures>(AGING_BUCKETS.map((b) => [b.id, { bucket: b.id, label: b.label, openCount: 0, openCents: 0, placedCount: 0, placedCents: 0 }]));
  for (const cohort of cohorts) {
    const f = figures.get(bucketOf(cohort.dueDate, today))!;
    f.openCount += cohort.openCount;
    f.openCents += cohort.openCents;
    f.placedCount += cohort.placedCount;
    f.placedCents += cohort.placedCents;
  }
  return [...figures.values()];
}

export interface RollRate {
  from: AgingBucket;
  to: AgingBucket;
  /** Share of the amount placed with due dates now in `to` that is still open: it rolled from `from` into `to` unpaid. */
  rate: number | null;
  openCents: number;
  placedCents: number;
}

/**
 * Roll rates by due-date cohort (a roll-forward rate): for each bucket after the first overdue one, the amount still
 * open among invoices whose due dates now place them in that bucket, divided by the amount placed in collection with
 * those due dates. Every such invoice passed through the previous bucket, so the figure is the share of that debt that
 * rolled forward unpaid; 1 − rate is what was recovered (or cancelled) before it got there. Needs no history beyond the
 * cohorts' two counters; invoices placed when already older than the previous bucket count as having rolled.
 */
export function rollRatesOf(aging: readonly BucketFigures[]): RollRate[] {
  const overdue = aging.filter((b) => b.bucket !== 'current');
  return overdue.slice(1).map((to, i) => ({ from: overdue[i]!.bucket, to: to.bucket, openCents: to.openCents, placedCents: to.placedCents, rate: to.placedCents > 0 ? to.openCents / to.placedCents : null }));
}
