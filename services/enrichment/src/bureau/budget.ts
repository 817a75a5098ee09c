import { calendarDay } from '@regua/contracts';

/**
 * The per-tenant daily budget of bureau lookups, pure. The counter is one document per tenant and day; a run reserves
 * what it needs with one `$inc` and reads the total after it, so replicas reserving at once never hand out more than
 * the budget between them (each sees the total its own increment made).
 */

/** Lookups are billed by the Brazilian calendar day. */
const BILLING_ZONE = 'America/Sao_Paulo';

/** `2026-11-26`: the billing day of `at`. */
export function budgetDay(at: Date): string {
  return calendarDay(at, BILLING_ZONE);
}

/**
 * Of `requested` lookups reserved with one increment that left the day's counter at `totalAfter`, how many fit in
 * `limit` (the rest are refused, and given back to the counter).
 */
export function allowance(requested: number, totalAfter: number, limit: number): number {
  const before = totalAfter - requested;
  return Math.max(0, Math.min(requested, limit - before));
}
