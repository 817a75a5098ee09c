import type { Channel } from './domain/channel.ts';
import { nextAllowedTime } from './domain/contact-hours.ts';
import type { ContactSettings } from './domain/cadence-spec.ts';
import { BUILT_IN_CONTACT_RULES, channelBlockedBySelfRegulation, mergeContactRules, type ContactRuleTable } from './domain/contact-rules.ts';
import type { HolidayCalendar } from './domain/holidays.ts';
import { checkFrequencyCaps, DEFAULT_FREQUENCY_CAPS } from './domain/frequency-caps.ts';
import type { CaseDoc } from './store/cases.ts';
import type { DebtorContactDoc } from './store/debtors.ts';

/** A tenant's contact settings, compiled once per configuration version (see `compileContactSettings`). */
export interface TenantContact {
  table: ContactRuleTable;
  calendars: readonly HolidayCalendar[];
  caps?: { perDay: number; perWeek: number } | undefined;
}

export const BUILT_IN_CONTACT: TenantContact = { table: BUILT_IN_CONTACT_RULES, calendars: [] };

/** The tenant's settings as the rules use them (validated at save time, so a looser rule never gets here). */
export function compileContactSettings(settings: ContactSettings | undefined): TenantContact {
  if (!settings) return BUILT_IN_CONTACT;
  return { table: settings.rules ? mergeContactRules(settings.rules) : BUILT_IN_CONTACT_RULES, calendars: settings.calendars ?? [], caps: settings.caps };
}

/** The lawful-contact rules the dispatcher applies to a case: windows per channel, caps, blocks. */
export interface ContactRules {
  /** The first instant at or after `at` inside the channel's contact window in the debtor's zone (holidays closed). */
  nextAllowed(doc: CaseDoc, channel: Channel, at: Date, tenant?: TenantContact): Date;
  /** The first instant at or after `at` that the debtor's frequency caps allow for this step of the case. */
  capsAllow(doc: CaseDoc, debtor: DebtorContactDoc | undefined, at: Date, step: number, tenant?: TenantContact): Date;
  /** Why a channel may not be used for this case at all (self-regulation), or undefined. */
  blocked(doc: CaseDoc, channel: Channel, daysPastDue: number, tenant?: TenantContact): string | undefined;
}

export interface ContactPolicyOptions {
  /** State contact-hour laws, holidays and caps; only the local demo turns them off, so its messages show at any hour. */
  enforce: boolean;
  caps?: { perDay: number; perWeek: number };
}

/** A window that never opens within the search horizon: the step waits this long and is looked at again. */
const RETRY_WHEN_CLOSED_MS = 24 * 3_600_000;

export function contactPolicy(options: ContactPolicyOptions): ContactRules {
  const defaultCaps = options.caps ?? DEFAULT_FREQUENCY_CAPS;
  return {
    nextAllowed(doc, channel, at, tenant = BUILT_IN_CONTACT) {
      if (!options.enforce) return at;
      const municipality = doc.profile.city ? { name: doc.profile.city, uf: doc.profile.uf } : undefined;
      const answer = nextAllowedTime(at, { uf: doc.profile.uf, timeZone: doc.profile.timeZone, channel, tenantRules: tenant.table, calendars: tenant.calendars, municipality });
      return answer.kind === 'none' ? new Date(at.getTime() + RETRY_WHEN_CLOSED_MS) : answer.at;
    },
    capsAllow(doc, debtor, at, step, tenant = BUILT_IN_CONTACT) {
      if (!options.enforce) return at;
      const caps = tenant.caps ?? defaultCaps;
      // One contact per step counts, whatever the number of channels it used (a step is one "acionamento"); the
      // step itself does not count against its own retry (a crash after its send, a channel sent again).
      const attempts = (debtor?.recent ?? []).filter((r) => !(r.caseId === doc._id && r.step === step)).map((r) => ({ at: new Date(r.at), channel: r.channel }));
      const verdict = checkFrequencyCaps({ attempts, candidate: at, timeZone: doc.profile.timeZone, caps });
      return verdict.allowed ? at : verdict.notBefore;
    },
    blocked(_doc, channel, daysPastDue, tenant = BUILT_IN_CONTACT) {
      return channelBlockedBySelfRegulation({ channel, daysPastDue, sarb27: tenant.table.sarb27 });
    },
  };
}
