import type { Channel } from './domain/channel.ts';
import { nextAllowedTime } from './domain/contact-hours.ts';
import { channelBlockedBySelfRegulation } from './domain/contact-rules.ts';
import { checkFrequencyCaps, DEFAULT_FREQUENCY_CAPS } from './domain/frequency-caps.ts';
import type { CaseDoc } from './store/cases.ts';
import type { DebtorContactDoc } from './store/debtors.ts';

/** The lawful-contact rules the dispatcher applies to a case: windows per channel, caps, blocks. */
export interface ContactRules {
  /** The first instant at or after `at` inside the channel's contact window in the debtor's zone (holidays closed). */
  nextAllowed(doc: CaseDoc, channel: Channel, at: Date): Date;
  /** The first instant at or after `at` that the debtor's frequency caps allow for this step of the case. */
  capsAllow(doc: CaseDoc, debtor: DebtorContactDoc | undefined, at: Date, step: number): Date;
  /** Why a channel may not be used for this case at all (self-regulation), or undefined. */
  blocked(doc: CaseDoc, channel: Channel, daysPastDue: number): string | undefined;
}

export interface ContactPolicyOptions {
  /** State contact-hour laws, holidays and caps; only the local demo turns them off, so its messages show at any hour. */
  enforce: boolean;
  /** FEBRABAN SARB 27/2023: no calls about debts more than 1,825 days overdue (binds member banks; on by default). */
  sarb27?: boolean;
  caps?: { perDay: number; perWeek: number };
}

/** A window that never opens within the search horizon: the step waits this long and is looked at again. */
const RETRY_WHEN_CLOSED_MS = 24 * 3_600_000;

export function contactPolicy(options: ContactPolicyOptions): ContactRules {
  const caps = options.caps ?? DEFAULT_FREQUENCY_CAPS;
  return {
    nextAllowed(doc, channel, at) {
      if (!options.enforce) return at;
      const answer = nextAllowedTime(at, { uf: doc.profile.uf, timeZone: doc.profile.timeZone, channel });
      return answer.kind === 'none' ? new Date(at.getTime() + RETRY_WHEN_CLOSED_MS) : answer.at;
    },
    capsAllow(doc, debtor, at, step) {
      if (!options.enforce) return at;
      // One contact per step counts, whatever the number of channels it used (a step is one "acionamento"); the
      // step itself does not count against its own retry (a crash after its send, a channel sent again).
      const attempts = (debtor?.recent ?? []).filter((r) => !(r.caseId === doc._id && r.step === step)).map((r) => ({ at: new Date(r.at), channel: r.channel }));
      const verdict = checkFrequencyCaps({ attempts, candidate: at, timeZone: doc.profile.timeZone, caps });
      return verdict.allowed ? at : verdict.notBefore;
    },
    blocked(_doc, channel, daysPastDue) {
      return channelBlockedBySelfRegulation({ channel, daysPastDue, sarb27: options.sarb27 ?? true });
    },
  };
}
