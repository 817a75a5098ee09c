import { z } from 'zod';
import { toFieldIssues, ValidationError, type FieldIssue } from '@regua/errors';

/**
 * Which hours a debtor may be contacted, per state and channel, as data. State laws differ in hours and in
 * which channels they cover; where no known law covers a (state, channel), the strictest known window applies
 * (the intersection of every law below), never one state's looser rule. Tenants may only narrow these windows.
 */

export const ContactChannelSchema = z.enum(['email', 'sms', 'whatsapp', 'voice']);
export type ContactChannel = z.infer<typeof ContactChannelSchema>;
const ALL_CHANNELS = ContactChannelSchema.options;

export const BRAZILIAN_UFS = ['AC', 'AL', 'AM', 'AP', 'BA', 'CE', 'DF', 'ES', 'GO', 'MA', 'MG', 'MS', 'MT', 'PA', 'PB', 'PE', 'PI', 'PR', 'RJ', 'RN', 'RO', 'RR', 'RS', 'SC', 'SE', 'SP', 'TO'] as const;
export const UfSchema = z.enum(BRAZILIAN_UFS);
export type Uf = z.infer<typeof UfSchema>;

/** The UF in upper case if it is one of the 27, else undefined (an unknown state gets the strictest rules). */
export function parseUf(uf: string | undefined): Uf | undefined {
  const upper = uf?.trim().toUpperCase();
  return (BRAZILIAN_UFS as readonly string[]).includes(upper ?? '') ? (upper as Uf) : undefined;
}

/** [startHour, endHour) in the debtor's local time, whole hours. */
export type ContactHours = readonly [number, number];

export interface ContactWindow {
  /** Index 0 = Sunday; hours for that weekday, or null for no contact that day. */
  byWeekday: ReadonlyArray<ContactHours | null>;
  /** No contact on a holiday of the debtor's place (national, state, municipal). */
  closedOnHolidays?: boolean;
}

export interface StateContactLaw {
  uf: Uf;
  /** How a plan explains the rule, e.g. "SP Lei 15.426/2014". */
  source: string;
  channels: readonly ContactChannel[];
  window: ContactWindow;
}

const MON_FRI_08_20_SAT_08_14: ContactWindow['byWeekday'] = [null, [8, 20], [8, 20], [8, 20], [8, 20], [8, 20], [8, 14]];

/** State laws on collection contact hours, read from their texts (links in each comment). */
export const STATE_CONTACT_LAWS: readonly StateContactLaw[] = [
  // Lei 15.426/2014, art. 2º: "telefonemas de cobrança" Mon–Fri 8h–20h, Sat 8h–14h, "excetuando-se os feriados";
  // Sundays are not among the allowed days. Calls only: texts, WhatsApp and e-mail are outside its scope.
  { uf: 'SP', source: 'SP Lei 15.426/2014', channels: ['voice'], window: { byWeekday: MON_FRI_08_20_SAT_08_14, closedOnHolidays: true } },
  // Lei 7.782/2016: "telefonemas e mensagens de texto" of collection, same hours as SP, never Sundays or holidays.
  // Text messages read as SMS and WhatsApp; e-mail is not clearly covered, so it keeps the strictest window.
  { uf: 'AL', source: 'AL Lei 7.782/2016', channels: ['voice', 'sms', 'whatsapp'], window: { byWeekday: MON_FRI_08_20_SAT_08_14, closedOnHolidays: true } },
  // Lei 7.868/2018, adding §4 to art. 3 of Lei 6.854/2014: collection calls ("ligações de cobrança") only on
  // "dias úteis", 09h–19h. Read strictly: Mon–Fri, no Saturday, no holidays.
  { uf: 'RJ', source: 'RJ Lei 7.868/2018', channels: ['voice'], window: { byWeekday: [null, [9, 19], [9, 19], [9, 19], [9, 19], [9, 19], null], closedOnHolidays: true } },
];

export function intersectWindows(a: ContactWindow, b: ContactWindow): ContactWindow {
  const byWeekday = a.byWeekday.map((hours, day) => {
    const other = b.byWeekday[day];
    if (!hours || !other) return null;
    const start = Math.max(hours[0], other[0]);
    const end = Math.min(hours[1], other[1]);
    return start < end ? ([start, end] as const) : null;
  });
  return { byWeekday, closedOnHolidays: Boolean(a.closedOnHolidays) || Boolean(b.closedOnHolidays) };
}

/** Every known law at once: Mon–Fri 09–19, no Saturday, no Sunday, no holidays. */
export const STRICTEST_KNOWN_WINDOW: ContactWindow = STATE_CONTACT_LAWS.map((law) => law.window).reduce(intersectWindows);
export const STRICTEST_KNOWN_SOURCE = 'strictest known rule (no state law for this channel)';
const UNKNOWN_STATE_SOURCE = 'strictest known rule (state unknown)';

const WEEKDAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

const HoursSchema = z
  .tuple([z.number().int().min(0).max(23), z.number().int().min(1).max(24)])
  .refine(([start, end]) => start < end, { message: 'start hour must come before end hour' });

/** A tenant's own rule for some channels in one state; a weekday left out (or null) means no contact that day. */
export const TenantContactRuleSchema = z.object({
  name: z.string().min(1).optional(),
  uf: UfSchema,
  channels: z.array(ContactChannelSchema).min(1),
  hours: z.strictObject({
    sun: HoursSchema.nullable().optional(),
    mon: HoursSchema.nullable().optional(),
    tue: HoursSchema.nullable().optional(),
    wed: HoursSchema.nullable().optional(),
    thu: HoursSchema.nullable().optional(),
    fri: HoursSchema.nullable().optional(),
    sat: HoursSchema.nullable().optional(),
  }),
  closedOnHolidays: z.boolean().default(true),
});
export type TenantContactRule = z.infer<typeof TenantContactRuleSchema>;

export const ContactRulesConfigSchema = z.object({
  rules: z.array(TenantContactRuleSchema).default([]),
  /**
   * FEBRABAN self-regulation SARB 27/2023 (no phone collection past 1,825 days overdue). It binds the banks
   * that adhere to it; on by default because it only ever removes contacts.
   */
  sarb27: z.boolean().default(true),
});
export type ContactRulesConfig = z.input<typeof ContactRulesConfigSchema>;

interface CompiledTenantRule {
  name: string;
  uf: Uf;
  channels: readonly ContactChannel[];
  window: ContactWindow;
}

/** The built-in laws with a tenant's narrower rules over them; build it once per tenant with `mergeContactRules`. */
export interface ContactRuleTable {
  readonly laws: readonly StateContactLaw[];
  readonly tenantRules: readonly CompiledTenantRule[];
  readonly sarb27: boolean;
}

export const BUILT_IN_CONTACT_RULES: ContactRuleTable = { laws: STATE_CONTACT_LAWS, tenantRules: [], sarb27: true };

export interface ResolvedContactRule {
  window: ContactWindow;
  /** Why this window: the law, or the strictest-rule default, plus the tenant rule when one narrows it. */
  source: string;
}

function lawFor(laws: readonly StateContactLaw[], uf: Uf, channel: ContactChannel): StateContactLaw | undefined {
  return laws.find((law) => law.uf === uf && law.channels.includes(channel));
}

function strictestOf(laws: readonly StateContactLaw[]): ContactWindow {
  return laws.length === 0 ? STRICTEST_KNOWN_WINDOW : laws.map((law) => law.window).reduce(intersectWindows);
}

function lawWindow(laws: readonly StateContactLaw[], uf: Uf, channel: ContactChannel): ResolvedContactRule {
  const law = lawFor(laws, uf, channel);
  return law ? { window: law.window, source: law.source } : { window: strictestOf(laws), source: STRICTEST_KNOWN_SOURCE };
}

/**
 * The window for a debtor in `uf` on `channel`: the state's law if one covers that channel, else the strictest
 * known window; narrowed by the tenant's rules. An unknown state may be any state, so it gets the strictest
 * window narrowed by every tenant rule for that channel.
 */
export function windowFor({ uf, channel, tenantRules = BUILT_IN_CONTACT_RULES }: { uf?: string | undefined; channel: ContactChannel; tenantRules?: ContactRuleTable | undefined }): ResolvedContactRule {
  const known = parseUf(uf);
  const base = known ? lawWindow(tenantRules.laws, known, channel) : { window: strictestOf(tenantRules.laws), source: UNKNOWN_STATE_SOURCE };
  const narrowing = tenantRules.tenantRules.filter((rule) => (known === undefined || rule.uf === known) && rule.channels.includes(channel));
  if (narrowing.length === 0) return base;
  const window = narrowing.reduce((acc, rule) => intersectWindows(acc, rule.window), base.window);
  return { window, source: `${narrowing.map((rule) => rule.name).join(' + ')} (tenant, within ${base.source})` };
}

function tenantWindow(rule: TenantContactRule): ContactWindow {
  return { byWeekday: WEEKDAY_KEYS.map((key) => rule.hours[key] ?? null), closedOnHolidays: rule.closedOnHolidays };
}

const formatHours = (hours: ContactHours | null) => (hours ? `${String(hours[0]).padStart(2, '0')}–${String(hours[1]).padStart(2, '0')}` : 'closed');

/** Where `candidate` allows contact that `limit` does not, in words. */
function loosenings(candidate: ContactWindow, limit: ContactWindow): string[] {
  const found: string[] = [];
  candidate.byWeekday.forEach((hours, day) => {
    const allowed = limit.byWeekday[day] ?? null;
    if (hours && (!allowed || hours[0] < allowed[0] || hours[1] > allowed[1])) found.push(`${WEEKDAY_NAMES[day]} ${formatHours(hours)} where the rule allows ${formatHours(allowed)}`);
  });
  if (limit.closedOnHolidays && !candidate.closedOnHolidays) found.push('open on holidays where the rule closes them');
  return found;
}

/**
 * Parses a tenant's contact-rules configuration and lays it over the built-in laws. A tenant rule may only
 * narrow the window that applies without it (the state's law for that channel, else the strictest known
 * window); a looser rule is rejected, naming the state, channel and weekday.
 */
export function mergeContactRules(config: unknown, base: ContactRuleTable = BUILT_IN_CONTACT_RULES): ContactRuleTable {
  const parsed = ContactRulesConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new ValidationError('invalid contact rules configuration', toFieldIssues(parsed.error.issues));
  }
  const issues: FieldIssue[] = [];
  const tenantRules = parsed.data.rules.map((rule, index): CompiledTenantRule => {
    const window = tenantWindow(rule);
    for (const channel of rule.channels) {
      const limit = lawWindow(base.laws, rule.uf, channel);
      const looser = loosenings(window, limit.window);
      if (looser.length > 0) issues.push({ path: `rules[${index}]`, message: `tenant rule for ${rule.uf}/${channel} is looser than ${limit.source}: ${looser.join('; ')}` });
    }
    return { name: rule.name ?? `tenant rule for ${rule.uf}`, uf: rule.uf, channels: rule.channels, window };
  });
  if (issues.length > 0) throw new ValidationError(`contact rules may only be stricter than the law: ${issues.map((issue) => issue.message).join(' | ')}`, issues);
  return { laws: base.laws, tenantRules: [...base.tenantRules, ...tenantRules], sarb27: parsed.data.sarb27 };
}

/** A window lawful for any channel in the state: what a caller that does not say the channel must respect. */
export function windowForAnyChannel(uf: string | undefined, tenantRules: ContactRuleTable = BUILT_IN_CONTACT_RULES): ContactWindow {
  return ALL_CHANNELS.map((channel) => windowFor({ uf, channel, tenantRules }).window).reduce(intersectWindows);
}

export const SARB_27_MAX_DAYS_PAST_DUE = 1_825;

/** FEBRABAN SARB 27/2023: no collection by phone call of a debt more than 1,825 days (five years) overdue. */
export function channelBlockedBySelfRegulation({ channel, daysPastDue, sarb27 }: { channel: ContactChannel; daysPastDue: number; sarb27: boolean }): string | undefined {
  if (!sarb27 || channel !== 'voice' || daysPastDue <= SARB_27_MAX_DAYS_PAST_DUE) return undefined;
  return `SARB 27/2023: sem cobrança por telefone de dívida com mais de ${SARB_27_MAX_DAYS_PAST_DUE} dias de atraso (${daysPastDue} dias)`;
}
