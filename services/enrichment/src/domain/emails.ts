import { COMMON_MAIL_DOMAINS, DISPOSABLE_MAIL_DOMAINS, KNOWN_DOMAIN_TYPOS } from './data/email-domains.ts';

export type EmailReason =
  /** Not an address: no single @, characters outside what mail systems accept, a domain without a dot… */
  | 'invalid_syntax'
  /** The domain is a common provider's, misspelt (gmial.com): the fix is suggested, never applied. */
  | 'suspected_typo'
  /** A throw-away mailbox, often readable by anyone: a collection message there could expose the debt to others. */
  | 'disposable_domain';

export type EmailAssessment =
  | {
      valid: true;
      original: string;
      /** Trimmed and lower-cased: the address as compared and stored. */
      address: string;
      /** How likely the address reaches the debtor, from its form alone (1 as sent; lower with a suspected typo or a disposable domain). */
      confidence: number;
      /** Whether a message may be sent to it: not while a typo is suspected (the misspelt domain may be someone else's) nor to a disposable box. */
      channels: readonly 'email'[];
      suggestion?: string;
      reasons: readonly EmailReason[];
    }
  | { valid: false; original: string; confidence: 0; channels: readonly []; suggestion?: string; reasons: readonly EmailReason[] };

export const EMAIL_CONFIDENCE = { asSent: 1, suspectedTypo: 0.3, disposable: 0.2 } as const;

const LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** RFC 5321/5322 in the form mail providers accept: dot-atom local part (≤ 64), host name with a letter TLD, ≤ 254 in all. */
function isAddress(address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at < 1 || address.indexOf('@') !== at || address.length > 254) return false;
  const local = address.slice(0, at);
  const labels = address.slice(at + 1).split('.');
  return local.length <= 64 && LOCAL.test(local) && labels.length >= 2 && labels.every((l) => LABEL.test(l)) && /^[a-z]{2,}$/.test(labels.at(-1)!);
}

/**
 * Whether `a` and `b` are exactly one keystroke apart: one insertion, deletion, substitution or swap of neighbours
 * (an optimal string alignment distance of 1). Linear and without allocation: every address's domain is checked
 * against every common provider, and a full distance matrix per pair was about a quarter of enrichment's CPU.
 */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // swap
  }
  const [longer, shorter] = a.length > b.length ? [a, b] : [b, a];
  return longer.slice(i + 1) === shorter.slice(i); // insertion or deletion
}

const COMMON = new Set(COMMON_MAIL_DOMAINS);
/** Short domains (me.com, r7.com) are one keystroke from too many real ones to judge. */
const FUZZY_CANDIDATES = COMMON_MAIL_DOMAINS.filter((domain) => domain.length >= 8);

/** The common provider a domain misspells, when exactly one is a keystroke away (or the misspelling is a known one). */
export function suggestDomain(domain: string): string | undefined {
  if (COMMON.has(domain)) return undefined;
  const known = KNOWN_DOMAIN_TYPOS[domain];
  if (known) return known;
  const near = FUZZY_CANDIDATES.filter((candidate) => oneEditApart(domain, candidate));
  return near.length === 1 ? near[0] : undefined;
}

export function isDisposableDomain(domain: string): boolean {
  return DISPOSABLE_MAIL_DOMAINS.some((disposable) => domain === disposable || domain.endsWith(`.${disposable}`));
}

export function assessEmail(original: string): EmailAssessment {
  const address = original.trim().toLowerCase();
  if (!isAddress(address)) {
    // "maria@gmail,com": a comma for the dot is the one slip that leaves an unreadable address with an obvious fix.
    const fixed = address.replaceAll(',', '.');
    return { valid: false, original, confidence: 0, channels: [], ...(fixed !== address && isAddress(fixed) ? { suggestion: fixed } : {}), reasons: ['invalid_syntax'] };
  }
  const [local, domain] = [address.slice(0, address.lastIndexOf('@')), address.slice(address.lastIndexOf('@') + 1)];
  const fix = suggestDomain(domain);
  if (fix) return { valid: true, original, address, confidence: EMAIL_CONFIDENCE.suspectedTypo, channels: [], suggestion: `${local}@${fix}`, reasons: ['suspected_typo'] };
  if (isDisposableDomain(domain)) return { valid: true, original, address, confidence: EMAIL_CONFIDENCE.disposable, channels: [], reasons: ['disposable_domain'] };
  return { valid: true, original, address, confidence: EMAIL_CONFIDENCE.asSent, channels: ['email'], reasons: [] };
}
