import { z } from 'zod';
import { ContactRulesConfigSchema, mergeContactRules } from './contact-rules.ts';
import { FrequencyCapsSchema } from './frequency-caps.ts';
import { HolidayCalendarSchema } from './holidays.ts';

/**
 * A tenant's cadences and strategies as data. A cadence is the list of contacts of a collection case; a strategy
 * (named by scoring's rules) says which cadence a case follows, and may split its cases into an experiment.
 */

export const ChannelSchema = z.enum(['email', 'sms', 'whatsapp', 'voice']);
export type Channel = z.infer<typeof ChannelSchema>;

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const ID_MESSAGE = 'lower-case letters, digits, ".", "_" or "-", at most 64';

/** Cadence, strategy and template ids: scoring's strategy ids follow the same rule. */
export const IdSchema = z.string().regex(ID_PATTERN, ID_MESSAGE);

const unique = (channels: readonly Channel[]) => new Set(channels).size === channels.length;

export const CadenceStepSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'lower-case letters, digits or "-", at most 40'),
    /** Days relative to the due date of the case's anchor invoice (negative: before it falls due). */
    offsetDays: z.number().int().min(-30).max(365),
    /** Every one of them is used on this step. */
    channels: z.array(ChannelSchema).min(1, 'a step needs at least one channel').refine(unique, 'channels must not repeat a channel'),
    /** Tried in order for a channel that cannot reach the debtor or whose provider is down. */
    fallback: z.array(ChannelSchema).refine(unique, 'fallback must not repeat a channel').default([]),
    template: IdSchema,
    /** Besides these, a step only ever goes out while the case is open (something is still unpaid). */
    conditions: z
      .object({
        minAmountCents: z.number().int().nonnegative().optional(),
        maxAmountCents: z.number().int().nonnegative().optional(),
        onlyIfPreviousUnread: z.boolean().optional(),
      })
      .strict()
      .refine((c) => c.minAmountCents === undefined || c.maxAmountCents === undefined || c.minAmountCents <= c.maxAmountCents, {
        message: 'minAmountCents must not be greater than maxAmountCents',
        path: ['minAmountCents'],
      })
      .default({}),
  })
  .strict()
  .superRefine((step, ctx) => {
    step.fallback.forEach((channel, i) => {
      if (step.channels.includes(channel)) ctx.addIssue({ code: 'custom', path: ['fallback', i], message: `${channel} is already one of the step's channels` });
    });
  });

export type CadenceStep = z.output<typeof CadenceStepSchema>;

export const CadenceSchema = z
  .object({
    id: IdSchema,
    name: z.string().trim().min(1).max(120).regex(/^[^\u0000]*$/, 'must not contain the NUL character (U+0000)'),
    /** `installments`: reminders of an agreement's installments, each step relative to each installment's due date. */
    kind: z.enum(['collection', 'installments']).default('collection'),
    steps: z.array(CadenceStepSchema).min(1).max(30),
    /** When the last step has gone out and the case is still open, hand it to a human. */
    escalateWhenExhausted: z.boolean().default(true),
  })
  .strict()
  .superRefine((cadence, ctx) => {
    const ids = new Set<string>();
    cadence.steps.forEach((step, i) => {
      if (ids.has(step.id)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `step ${step.id} is declared twice` });
      ids.add(step.id);
      const before = cadence.steps[i - 1];
      if (before && step.offsetDays <= before.offsetDays) ctx.addIssue({ code: 'custom', path: ['steps', i, 'offsetDays'], message: `steps go in time order: ${step.offsetDays} is not after the previous step's ${before.offsetDays}` });
      if (cadence.kind === 'installments' && step.offsetDays > 0) ctx.addIssue({ code: 'custom', path: ['steps', i, 'offsetDays'], message: "an installments cadence reminds before each installment's due date (offsetDays ≤ 0)" });
      if (i === 0 && step.conditions.onlyIfPreviousUnread) ctx.addIssue({ code: 'custom', path: ['steps', 0, 'conditions', 'onlyIfPreviousUnread'], message: 'the first step has no previous message' });
    });
  });

export type Cadence = z.output<typeof CadenceSchema>;

const ARM_NAME = /^[a-z0-9][a-z0-9._-]{0,39}$/;

export const StrategySchema = z
  .object({
    /** As scoring's rules name it; `default` serves the strategies a configuration does not list. */
    id: IdSchema,
    /** The champion: the cadence of every case outside the experiment's holdout and challengers. */
    cadenceId: IdSchema,
    experiment: z
      .object({
        /** Cases that get no automated contact, to measure what the cadence adds. */
        holdoutPercent: z.number().min(0).max(50),
        challengers: z
          .array(z.object({ name: z.string().regex(ARM_NAME, 'lower-case letters, digits, ".", "_" or "-", at most 40'), cadenceId: IdSchema, percent: z.number().positive().max(100) }).strict())
          .max(10),
      })
      .strict()
      .superRefine((experiment, ctx) => {
        const names = new Set<string>(['champion', 'holdout']);
        experiment.challengers.forEach((challenger, i) => {
          if (names.has(challenger.name)) ctx.addIssue({ code: 'custom', path: ['challengers', i, 'name'], message: `${challenger.name} is taken (champion, holdout and each challenger need their own name)` });
          names.add(challenger.name);
        });
        const taken = experiment.holdoutPercent + experiment.challengers.reduce((sum, c) => sum + c.percent, 0);
        if (taken > 100) ctx.addIssue({ code: 'custom', path: ['challengers'], message: `holdout and challengers take ${taken}% of the cases: at most 100%` });
      })
      .optional(),
  })
  .strict();

export type Strategy = z.output<typeof StrategySchema>;

/** The strategy serving a strategy id the configuration does not list. */
export const FALLBACK_STRATEGY_ID = 'default';

/**
 * The tenant's contact settings, applied to every case from the moment they are saved (the law and the tenant's own
 * limits apply now, whatever version a case started on): stricter windows per state and channel, holiday calendars
 * (municipal holidays, or state ones the library lacks), frequency caps, SARB 27/2023.
 */
export const ContactSettingsSchema = z
  .object({
    rules: ContactRulesConfigSchema.optional(),
    calendars: z.array(HolidayCalendarSchema).max(50).optional(),
    caps: FrequencyCapsSchema.optional(),
  })
  .strict();
export type ContactSettings = z.output<typeof ContactSettingsSchema>;

export const TenantCadenceConfigSchema = z
  .object({
    cadences: z.array(CadenceSchema).min(1).max(100),
    strategies: z.array(StrategySchema).min(1).max(200),
    contact: ContactSettingsSchema.optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    const kinds = new Map<string, Cadence['kind']>();
    config.cadences.forEach((cadence, i) => {
      if (kinds.has(cadence.id)) ctx.addIssue({ code: 'custom', path: ['cadences', i, 'id'], message: `cadence ${cadence.id} is declared twice` });
      kinds.set(cadence.id, cadence.kind);
    });
    const collection = (cadenceId: string, path: Array<string | number>) => {
      const kind = kinds.get(cadenceId);
      if (kind === undefined) ctx.addIssue({ code: 'custom', path, message: `no cadence ${cadenceId} in cadences` });
      else if (kind !== 'collection') ctx.addIssue({ code: 'custom', path, message: `cadence ${cadenceId} reminds of installments: a strategy needs a collection cadence` });
    };
    const ids = new Set<string>();
    config.strategies.forEach((strategy, i) => {
      if (ids.has(strategy.id)) ctx.addIssue({ code: 'custom', path: ['strategies', i, 'id'], message: `strategy ${strategy.id} is declared twice` });
      ids.add(strategy.id);
      collection(strategy.cadenceId, ['strategies', i, 'cadenceId']);
      strategy.experiment?.challengers.forEach((challenger, j) => collection(challenger.cadenceId, ['strategies', i, 'experiment', 'challengers', j, 'cadenceId']));
    });
    if (!ids.has(FALLBACK_STRATEGY_ID)) ctx.addIssue({ code: 'custom', path: ['strategies'], message: `a strategy "${FALLBACK_STRATEGY_ID}" is required: it serves the strategies scoring names and this configuration does not list` });
    // A tenant may only make the law's windows stricter, never looser.
    if (config.contact?.rules) {
      try {
        mergeContactRules(config.contact.rules);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['contact', 'rules'], message: (error as Error).message });
      }
    }
  });

export type TenantCadenceConfig = z.output<typeof TenantCadenceConfigSchema>;
export type TenantCadenceConfigInput = z.input<typeof TenantCadenceConfigSchema>;

/** Like a zod issue: where (`['cadences', 0, 'steps', 3, 'offsetDays']`) and what. */
export interface ConfigIssue {
  path: Array<string | number>;
  message: string;
}

/** A template that exists: a bare id serves every channel; with a channel, that channel only. */
export type KnownTemplate = string | { id: string; channel?: Channel | undefined };

export type CadenceConfigValidation = { success: true; data: TenantCadenceConfig } | { success: false; issues: ConfigIssue[] };

/**
 * Parses a tenant's configuration and checks it against the templates that exist: every step needs a template
 * for each channel it may use, its fallbacks included.
 */
export function validateCadenceConfig(input: unknown, knownTemplates: Iterable<KnownTemplate>): CadenceConfigValidation {
  const parsed = TenantCadenceConfigSchema.safeParse(input);
  if (!parsed.success) return { success: false, issues: parsed.error.issues.map((issue) => ({ path: issue.path.map((p) => (typeof p === 'number' ? p : String(p))), message: issue.message })) };
  const anyChannel = new Set<string>();
  const byChannel = new Set<string>();
  for (const known of knownTemplates) {
    if (typeof known === 'string') anyChannel.add(known);
    else if (known.channel === undefined) anyChannel.add(known.id);
    else byChannel.add(`${known.id}\u0000${known.channel}`);
  }
  const issues: ConfigIssue[] = [];
  parsed.data.cadences.forEach((cadence, i) =>
    cadence.steps.forEach((step, j) => {
      if (anyChannel.has(step.template)) return;
      const missing = [...step.channels, ...step.fallback].filter((channel) => !byChannel.has(`${step.template}\u0000${channel}`));
      if (missing.length === 0) return;
      const exists = [...byChannel].some((key) => key.startsWith(`${step.template}\u0000`));
      issues.push({ path: ['cadences', i, 'steps', j, 'template'], message: exists ? `template ${step.template} has no version for ${missing.join(', ')}` : `no template ${step.template}` });
    }),
  );
  return issues.length > 0 ? { success: false, issues } : { success: true, data: parsed.data };
}

/** The strategy for a strategy id scoring named: its own entry, else the `default` one. */
export function strategyFor(config: TenantCadenceConfig, strategyId: string): Strategy {
  const found = config.strategies.find((s) => s.id === strategyId) ?? config.strategies.find((s) => s.id === FALLBACK_STRATEGY_ID);
  if (!found) throw new Error(`no strategy ${strategyId} and no ${FALLBACK_STRATEGY_ID} strategy`);
  return found;
}

export function cadenceById(config: TenantCadenceConfig, cadenceId: string): Cadence | undefined {
  return config.cadences.find((c) => c.id === cadenceId);
}

const step = (id: string, offsetDays: number, channels: Channel[], template: string, fallback: Channel[] = [], conditions: CadenceStep['conditions'] = {}) => ({ id, offsetDays, channels, fallback, template, conditions });

/**
 * For tenants that have stored none: one cadence per strategy of scoring's default rules. Likely payers
 * (`digital-light`) get a few digital nudges; `standard` adds WhatsApp, SMS and one call; riskier debtors
 * (`intensive`) are reminded earlier and more often, offered an agreement sooner, and called twice. Calls go only for
 * open amounts of R$ 50,00 or more. Contact hours and frequency limits apply on top of these days.
 */
export const DEFAULT_CADENCE_CONFIG: TenantCadenceConfig = TenantCadenceConfigSchema.parse({
  cadences: [
    {
      id: 'digital-light',
      name: 'Digital leve (bons pagadores)',
      steps: [
        step('d-3-email', -3, ['email'], 'lembrete-vencimento', ['whatsapp']),
        step('d0-whatsapp', 0, ['whatsapp'], 'vence-hoje', ['sms']),
        step('d5-email', 5, ['email'], 'primeiro-aviso', ['whatsapp']),
        step('d12-whatsapp', 12, ['whatsapp'], 'proposta-acordo', ['email']),
        step('d25-email-whatsapp', 25, ['email', 'whatsapp'], 'ultimo-aviso', ['sms']),
      ],
    },
    {
      id: 'standard',
      name: 'Padrão',
      steps: [
        step('d-5-email', -5, ['email'], 'lembrete-vencimento', ['sms']),
        step('d-1-whatsapp', -1, ['whatsapp'], 'lembrete-vencimento', ['sms']),
        step('d1-sms', 1, ['sms'], 'primeiro-aviso', ['whatsapp']),
        step('d3-whatsapp', 3, ['whatsapp'], 'segundo-aviso', ['sms']),
        step('d7-email-whatsapp', 7, ['email', 'whatsapp'], 'proposta-acordo', ['sms']),
        step('d15-voice', 15, ['voice'], 'contato-voz', ['sms'], { minAmountCents: 5000 }),
        step('d30-whatsapp', 30, ['whatsapp'], 'ultimo-aviso', ['sms', 'email']),
      ],
    },
    {
      id: 'intensive',
      name: 'Intensiva (maior risco)',
      steps: [
        step('d-5-email-sms', -5, ['email', 'sms'], 'lembrete-vencimento'),
        step('d-1-whatsapp', -1, ['whatsapp'], 'lembrete-vencimento', ['sms']),
        step('d0-sms', 0, ['sms'], 'vence-hoje', ['whatsapp']),
        step('d1-whatsapp', 1, ['whatsapp'], 'primeiro-aviso', ['sms']),
        step('d3-sms', 3, ['sms'], 'segundo-aviso', ['whatsapp']),
        step('d5-email-whatsapp', 5, ['email', 'whatsapp'], 'proposta-acordo', ['sms']),
        step('d10-voice', 10, ['voice'], 'contato-voz', ['sms'], { minAmountCents: 5000 }),
        step('d15-whatsapp-sms', 15, ['whatsapp', 'sms'], 'proposta-acordo'),
        step('d20-voice', 20, ['voice'], 'contato-voz', ['sms'], { minAmountCents: 5000 }),
        step('d30-email-whatsapp', 30, ['email', 'whatsapp'], 'ultimo-aviso', ['sms']),
      ],
    },
    {
      id: 'installments',
      name: 'Lembrete de parcelas do acordo',
      kind: 'installments',
      // A missed installment is the agreement's business (it breaks or not), not a cadence's: no escalation here.
      escalateWhenExhausted: false,
      steps: [
        step('d-2-whatsapp', -2, ['whatsapp'], 'lembrete-parcela', ['sms']),
        step('d-1-email', -1, ['email'], 'lembrete-parcela', ['sms'], { onlyIfPreviousUnread: true }),
      ],
    },
  ],
  strategies: [
    { id: 'digital-light', cadenceId: 'digital-light' },
    { id: 'standard', cadenceId: 'standard' },
    { id: 'intensive', cadenceId: 'intensive' },
    { id: FALLBACK_STRATEGY_ID, cadenceId: 'standard' },
  ],
} satisfies TenantCadenceConfigInput);
