/**
 * Mail providers Brazilian debtors commonly use. A domain one keystroke away from one of these (and not itself in
 * the list) is probably a typo of it. Real providers that sit one keystroke from another (uol/bol, mail/gmail)
 * are all listed, so neither is taken for a typo of the other.
 */
export const COMMON_MAIL_DOMAINS: readonly string[] = [
  'gmail.com', 'googlemail.com',
  'hotmail.com', 'hotmail.com.br', 'outlook.com', 'outlook.com.br', 'live.com', 'msn.com',
  'yahoo.com', 'yahoo.com.br', 'ymail.com', 'rocketmail.com',
  'icloud.com', 'me.com', 'mac.com',
  'uol.com.br', 'bol.com.br', 'terra.com.br', 'ig.com.br', 'globo.com', 'globomail.com', 'r7.com', 'zipmail.com.br', 'oi.com.br',
  'aol.com', 'mail.com', 'gmx.com', 'protonmail.com', 'proton.me',
];

/** Misspellings further than one keystroke from the provider, seen often enough to name: Gmail has no ".com.br" domain. */
export const KNOWN_DOMAIN_TYPOS: Readonly<Record<string, string>> = {
  'gmail.com.br': 'gmail.com',
  'gmail.br': 'gmail.com',
  'gmai.com.br': 'gmail.com',
  'gmial.com.br': 'gmail.com',
  'hotmail.br': 'hotmail.com.br',
  'yahoo.br': 'yahoo.com.br',
  'outlook.br': 'outlook.com.br',
};

/**
 * Disposable (throw-away, often publicly readable) mailbox domains: a sample of the best known, each checked
 * present in the community blocklist disposable-email-domains/disposable-email-domains
 * (`disposable_email_blocklist.conf`, CC0 1.0, commit a645893 of 2026-08-21, 8,335 domains). Subdomains count too.
 * A tenant needing the whole list can load that file in its place; the rule does not change.
 */
export const DISPOSABLE_MAIL_DOMAINS: readonly string[] = [
  '10minutemail.com', '10minutemail.net', 'discard.email', 'dispostable.com', 'emailfake.com', 'emailondeck.com',
  'fakeinbox.com', 'getnada.com', 'grr.la', 'guerrillamail.com', 'guerrillamail.net', 'guerrillamailblock.com',
  'mailcatch.com', 'maildrop.cc', 'mailinator.com', 'mailnesia.com', 'mailpoof.com', 'mintemail.com', 'mohmal.com',
  'mytemp.email', 'sharklasers.com', 'spam4.me', 'tempail.com', 'temp-mail.org', 'tempinbox.com', 'tempmailo.com',
  'tempr.email', 'throwawaymail.com', 'trashmail.com', 'yopmail.com', 'yopmail.net',
];
