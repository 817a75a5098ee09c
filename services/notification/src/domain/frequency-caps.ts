import { z } from 'zod';
import { localDateIn, startOfLocalDay } from './contact-hours.ts';
import type { ContactChannel } from './contact-rules.ts';

/**
 * How often one debtor may be contacted, across all channels (CDC art. 42 and 71: collection must not harass).
 * Days are the debtor's calendar days; the week is the rolling seven days ending on the day in question.
 */
export const FrequencyCapsSchema = z.object({
  perDay: z.number().int().positive().default(1),
  perWeek: z.number().int().positive().default(3),
});
export type FrequencyCaps = z.output<typeof FrequencyCapsSchema>;
export const DEFAULT_FREQUENCY_CAPS: FrequencyCaps = FrequencyCapsSchema.parse({});

export interface ContactAttempt {
  at: Date;
  channel: ContactChannel;
}

export type CapDecision = { allowed: true } | { allowed: false; reason: string; notBefore: Date };

/**
 * An unknown zone counts days in São Paulo's. Where the zone is unknown, contacts only happen inside the window
 * that holds in every Brazilian zone (at most 10:00–19:00 in Brasília), hours away from midnight in all of them,
 * so every zone puts a contact on the same date: São Paulo's answer is theirs too.
 */
const UNKNOWN_ZONE_DAYS = 'America/Sao_Paulo';
const DAY_MS = 86_400_000;

const epochDay = (localDate: string) => Date.parse(`${localDate}T00:00:00Z`) / DAY_MS;
const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * Whether one more contact at `candidate` stays within the caps, and if not, the earliest instant (the start of
 * a later local day) at which it would. Contact hours are a separate check: `notBefore` may fall at night.
 */
export function checkFrequencyCaps({
  attempts,
  candidate,
  timeZone,
  caps = DEFAULT_FREQUENCY_CAPS,
}: {
  attempts: readonly ContactAttempt[];
  candidate: Date;
  timeZone?: string | undefined;
  caps?: FrequencyCaps | undefined;
}): CapDecision {
  const zone = timeZone ?? UNKNOWN_ZONE_DAYS;
  const perDay = new Map<number, number>();
  for (const attempt of attempts) {
    const day = epochDay(localDateIn(attempt.at, zone));
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  const onDay = (day: number) => perDay.get(day) ?? 0;
  const inWeekEnding = (day: number) => {
    let total = 0;
    for (let d = day - 6; d <= day; d++) total += onDay(d);
    return total;
  };
  const fits = (day: number) => onDay(day) < caps.perDay && inWeekEnding(day) < caps.perWeek;

  const today = epochDay(localDateIn(candidate, zone));
  if (fits(today)) return { allowed: true };

  const reason =
    onDay(today) >= caps.perDay
      ? `limite de ${caps.perDay} contato(s) por dia: ${onDay(today)} em ${dateOf(today)}`
      : `limite de ${caps.perWeek} contato(s) em 7 dias: ${inWeekEnding(today)} entre ${dateOf(today - 6)} e ${dateOf(today)}`;
  // Seven days after the last attempt its week is empty, so the search ends there at the latest.
  const lastDay = Math.max(today, ...perDay.keys());
  for (let day = today + 1; day <= lastDay + 7; day++) {
    if (fits(day)) return { allowed: false, reason, notBefore: startOfLocalDay(dateOf(day), zone) };
  }
  throw new Error('unreachable: a day a week after the last attempt always fits the caps');
}
