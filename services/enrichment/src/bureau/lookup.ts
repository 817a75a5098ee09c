import { createHash } from 'node:crypto';
import { forEachConcurrently } from '@regua/mongo';
import type { Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import type { BureauBudget } from '../store/bureau-budget.ts';
import type { BureauCache, BureauCacheDoc } from '../store/bureau-cache.ts';
import { allowance, budgetDay } from './budget.ts';
import type { BureauAnswer } from './contract.ts';
import { BureauUnavailableError, type BureauClient } from './http-bureau.ts';

/** What the bureau said of one person, or why it was not asked. */
export type BureauOutcome =
  | { status: 'answered'; answer: BureauAnswer; cacheId: string; fromCache: boolean }
  | { status: 'over-budget' | 'unavailable'; cacheId: string };

export interface BureauLookup {
  /** One outcome per distinct tenant + CPF (keyed by `cacheKey`): each person looked up once, cached ones not at all. */
  lookupAll(people: ReadonlyArray<{ tenant: string; cpf: string }>): Promise<Map<string, BureauOutcome>>;
}

/** The cache's `_id`: tenant + SHA-256 of the CPF's digits (the CPF is never stored in clear here). */
export function cacheKey(tenant: string, cpf: string): string {
  return `${tenant}:${createHash('sha256').update(cpf.replace(/\D/g, '')).digest('hex')}`;
}

export interface BureauLookupDeps {
  client: BureauClient;
  cache: BureauCache;
  budget: BureauBudget;
  /** Lookups per tenant per billing day. */
  dailyBudget: number;
  ttlDays: number;
  /** Requests in flight at once. */
  concurrency: number;
  clock: Clock;
  logger: Logger;
}

/**
 * A run's lookups: cached answers first (by `_id`), then what each tenant's budget allows (one `$inc` per tenant),
 * then the bureau, `concurrency` at a time, then the new answers cached with one insert. A person the budget or the
 * bureau leaves out is enriched from the creditor's data alone; nothing here fails the run.
 */
export function createBureauLookup(deps: BureauLookupDeps): BureauLookup {
  const log = deps.logger.child({ component: 'bureau' });
  return {
    async lookupAll(people) {
      const now = deps.clock.now();
      const wanted = new Map<string, { tenant: string; cpf: string }>();
      for (const person of people) wanted.set(cacheKey(person.tenant, person.cpf), person);
      const outcomes = new Map<string, BureauOutcome>();
      if (wanted.size === 0) return outcomes;

      const cached = await deps.cache.get([...wanted.keys()], now);
      for (const [id, doc] of cached) outcomes.set(id, { status: 'answered', answer: doc.answer, cacheId: id, fromCache: true });

      const missesByTenant = new Map<string, string[]>();
      for (const [id, { tenant }] of wanted) if (!cached.has(id)) missesByTenant.set(tenant, [...(missesByTenant.get(tenant) ?? []), id]);
      const day = budgetDay(now);
      const toAsk: Array<{ id: string; tenant: string; cpf: string }> = [];
      for (const [tenant, ids] of missesByTenant) {
        const total = await deps.budget.reserve(tenant, day, ids.length);
        const allowed = allowance(ids.length, total, deps.dailyBudget);
        for (const id of ids.slice(0, allowed)) toAsk.push({ id, tenant, cpf: wanted.get(id)!.cpf });
        for (const id of ids.slice(allowed)) outcomes.set(id, { status: 'over-budget', cacheId: id });
        if (allowed < ids.length) {
          await deps.budget.release(tenant, day, ids.length - allowed);
          log.warn({ tenant, day, refused: ids.length - allowed, dailyBudget: deps.dailyBudget }, 'bureau budget exhausted for the day: debtors enriched from the creditor\'s data alone');
        }
      }

      const fresh: BureauCacheDoc[] = [];
      const notAttempted = new Map<string, number>();
      const failures = new Map<string, number>();
      await forEachConcurrently(toAsk, deps.concurrency, async ({ id, tenant, cpf }) => {
        try {
          const answer = await deps.client.lookup(cpf);
          outcomes.set(id, { status: 'answered', answer, cacheId: id, fromCache: false });
          fresh.push({ _id: id, tenant, fetchedAt: now, expiresAt: new Date(now.getTime() + deps.ttlDays * 86_400_000), answer });
        } catch (error) {
          if (!(error instanceof BureauUnavailableError)) throw error;
          outcomes.set(id, { status: 'unavailable', cacheId: id });
          failures.set(error.message, (failures.get(error.message) ?? 0) + 1);
          if (!error.attempted) notAttempted.set(tenant, (notAttempted.get(tenant) ?? 0) + 1);
        }
      });
      // Not reaching the bureau costs nothing: those lookups go back to the budget.
      for (const [tenant, count] of notAttempted) await deps.budget.release(tenant, day, count);
      for (const [reason, count] of failures) log.warn({ debtors: count, reason }, 'bureau unavailable: debtors enriched from the creditor\'s data alone');
      await deps.cache.put(fresh, now);
      return outcomes;
    },
  };
}
