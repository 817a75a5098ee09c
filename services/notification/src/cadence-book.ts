import { calendarDay } from '@regua/contracts';
import { signLinkToken } from '@regua/auth';
import type { Logger } from '@regua/telemetry';
import { compileContactSettings, type TenantContact } from './contact-policy.ts';
import { DEFAULT_CADENCE_CONFIG, strategyFor, type Cadence, type TenantCadenceConfig } from './domain/cadence-spec.ts';
import type { Channel } from './domain/channel.ts';
import { assignArm } from './domain/experiments.ts';
import { renderTemplate, resolveTemplate, templateCatalog, type CreditorProfile, type MessageTemplate, type RenderedMessage } from './domain/message-templates.ts';
import type { AgreementInstallment, PlanCadence } from './domain/plan.ts';
import type { CaseDoc } from './store/cases.ts';

/** A message cannot lawfully go out: its creditor has no registered profile (PUT /v1/creditors/:cnpj). */
export class CreditorProfileMissingError extends Error {
  constructor(tenant: string, creditor: { name: string; cnpj?: string | undefined }) {
    super(`creditor ${creditor.name} (${creditor.cnpj ?? 'no CNPJ'}) of tenant ${tenant} has no registered profile: register it with PUT /v1/creditors/:cnpj (CDC art. 42-A: every message names the creditor's address)`);
  }
}

export function cadenceById(config: TenantCadenceConfig, cadenceId: string): Cadence | undefined {
  return config.cadences.find((c) => c.id === cadenceId);
}

/** Where the tenant's cadences, templates and creditor profiles are kept (store/cadences.ts). */
export interface CadenceSource {
  current(tenant: string): Promise<{ version: number; config: TenantCadenceConfig }>;
  atVersion(tenant: string, version: number): Promise<TenantCadenceConfig | null>;
  templates(tenant: string): Promise<MessageTemplate[]>;
  creditor(tenant: string, cnpj: string): Promise<CreditorProfile | null>;
}

/** What the dispatcher and the consumers ask of the tenant's cadence configuration. */
export interface CadenceBook {
  /** The strategy, experiment arm and cadence (at its current version) a new case of this debtor follows. */
  forNewCase(tenant: string, strategyId: string, debtorId: string): Promise<{ strategy: string; arm: string; cadenceId: string | null; cadenceVersion: number }>;
  /** The installments cadence an agreement made now follows (the tenant's first of that kind), at the current version. */
  forAgreement(tenant: string): Promise<{ cadenceId: string; cadenceVersion: number }>;
  /** A cadence at the version a case started with. */
  cadence(tenant: string, cadenceId: string, version: number): Promise<PlanCadence>;
  /** A step's message for a case on a channel. */
  render(doc: CaseDoc, templateId: string, channel: Channel, now?: Date, installment?: AgreementInstallment): Promise<RenderedMessage>;
  /** The tenant's contact settings (windows, calendars, caps, SARB 27) as of now, compiled. */
  contactSettings(tenant: string): Promise<TenantContact>;
  /** Whether the debtor read the message of the step before `step` (for `onlyIfPreviousUnread`). */
  previousRead(doc: CaseDoc, step: number): Promise<boolean>;
}

export interface CadenceBookOptions {
  source: CadenceSource;
  /** The debtor's self-service page; a signed, expiring token for the case is appended. */
  selfServiceBaseUrl: string;
  selfServiceSecret: string;
  selfServiceLinkDays: number;
  /** Receipts seen: whether a contact was read. */
  wasRead: (caseId: string, step: number) => Promise<boolean>;
  logger: Logger;
  /**
   * Refuse to render a message for a creditor without a registered profile (name, CNPJ and address: CDC art. 42-A)
   * instead of pointing to the self-service page for the address; production sets it.
   */
  requireCreditorProfile?: boolean;
  /** How long the current version of a tenant's configuration is cached (versions themselves never change). */
  currentTtlMs?: number;
}

/**
 * The tenant's cadence configuration as the engine needs it, cached: a version, once written, never changes, so
 * versions are cached for good; the current version number for a few seconds.
 */
export function createCadenceBook(options: CadenceBookOptions): CadenceBook {
  const versions = new Map<string, TenantCadenceConfig>();
  const current = new Map<string, { at: number; version: number; config: TenantCadenceConfig }>();
  const templates = new Map<string, { at: number; catalog: MessageTemplate[] }>();
  const ttl = options.currentTtlMs ?? 10_000;
  const missingCreditors = new Set<string>();
  const contactByVersion = new Map<string, TenantContact>();

  async function currentOf(tenant: string) {
    const cached = current.get(tenant);
    if (cached && Date.now() - cached.at < ttl) return cached;
    const fresh = { at: Date.now(), ...(await options.source.current(tenant)) };
    current.set(tenant, fresh);
    versions.set(`${tenant}:${fresh.version}`, fresh.config);
    return fresh;
  }

  async function configAt(tenant: string, version: number): Promise<TenantCadenceConfig> {
    if (version === 0) return DEFAULT_CADENCE_CONFIG;
    const key = `${tenant}:${version}`;
    const cached = versions.get(key);
    if (cached) return cached;
    const config = await options.source.atVersion(tenant, version);
    if (!config) throw new Error(`tenant ${tenant} has no cadence configuration version ${version}`);
    versions.set(key, config);
    return config;
  }

  async function catalogOf(tenant: string): Promise<MessageTemplate[]> {
    const cached = templates.get(tenant);
    if (cached && Date.now() - cached.at < ttl) return cached.catalog;
    const catalog = templateCatalog(await options.source.templates(tenant));
    templates.set(tenant, { at: Date.now(), catalog });
    return catalog;
  }

  return {
    async forNewCase(tenant, strategyId, debtorId) {
      const { version, config } = await currentOf(tenant);
      const strategy = strategyFor(config, strategyId);
      const { arm, cadenceId } = assignArm(strategy, tenant, debtorId);
      return { strategy: strategy.id, arm, cadenceId, cadenceVersion: version };
    },

    async forAgreement(tenant) {
      const { version, config } = await currentOf(tenant);
      const own = config.cadences.find((c) => c.kind === 'installments');
      if (own) return { cadenceId: own.id, cadenceVersion: version };
      // A configuration without one: the built-in installment reminders.
      const builtIn = DEFAULT_CADENCE_CONFIG.cadences.find((c) => c.kind === 'installments')!;
      return { cadenceId: builtIn.id, cadenceVersion: 0 };
    },

    async cadence(tenant, cadenceId, version) {
      const cadence = cadenceById(await configAt(tenant, version), cadenceId);
      if (!cadence) throw new Error(`cadence ${cadenceId} is not in version ${version} of tenant ${tenant}'s configuration`);
      return cadence;
    },

    async render(doc, templateId, channel, now = new Date(), installment) {
      const template = resolveTemplate(await catalogOf(doc.tenant), templateId, channel);
      if (!template) throw new Error(`no template ${templateId} for ${channel} (tenant ${doc.tenant})`);
      const open = doc.invoices.filter((i) => i.status === 'open');
      const profile = doc.creditor.cnpj ? await options.source.creditor(doc.tenant, doc.creditor.cnpj) : null;
      if (!profile && options.requireCreditorProfile) throw new CreditorProfileMissingError(doc.tenant, doc.creditor);
      if (!profile && !missingCreditors.has(`${doc.tenant}:${doc.creditor.cnpj}`)) {
        missingCreditors.add(`${doc.tenant}:${doc.creditor.cnpj}`);
        options.logger.warn({ tenant: doc.tenant, creditor: doc.creditor.name }, 'no creditor profile registered (PUT /v1/creditors/:cnpj): messages name the creditor and point to the self-service page for its address');
      }
      // Valid for the configured days from the message, so an old message's link expires.
      const token = signLinkToken({ tenant: doc.tenant, caseId: doc._id, expiresAt: new Date(now.getTime() + options.selfServiceLinkDays * 86_400_000) }, options.selfServiceSecret);
      const link = `${options.selfServiceBaseUrl.replace(/\/+$/, '')}/${token}`;
      // Régua's instruments cover the whole open amount; the creditor's cover one invoice.
      const issued = doc.issuedInstruments;
      const instruments = issued ? { pixCopyPaste: issued.pixCopyPaste, boletoDigitableLine: issued.boletoDigitableLine } : doc.profile.paymentInstruments;
      return renderTemplate(template, {
        debtorName: doc.profile.debtorName,
        creditor: profile ?? { name: doc.creditor.name, cnpj: doc.creditor.cnpj ?? '' },
        invoices: (open.length > 0 ? open : doc.invoices).map((i) => ({ amountCents: i.amountCents, dueDate: i.dueDate })),
        today: calendarDay(now, doc.profile.timeZone ?? 'America/Sao_Paulo'),
        selfServiceLink: link,
        // An installment's reminder quotes the installment's own instruments, never the original invoice's.
        ...(installment
          ? {
              installment: { number: installment.number, count: doc.agreement?.installments.length, amountCents: installment.amountCents, dueDate: installment.dueDate },
              ...(installment.pixCopyPaste ? { pixCopiaECola: installment.pixCopyPaste } : {}),
              ...(installment.boletoDigitableLine ? { boletoLinhaDigitavel: installment.boletoDigitableLine } : {}),
            }
          : {
              ...(instruments?.pixCopyPaste ? { pixCopiaECola: instruments.pixCopyPaste } : {}),
              ...(instruments?.boletoDigitableLine ? { boletoLinhaDigitavel: instruments.boletoDigitableLine } : {}),
            }),
      });
    },

    async contactSettings(tenant) {
      const { version, config } = await currentOf(tenant);
      const key = `${tenant}:${version}`;
      let compiled = contactByVersion.get(key);
      if (!compiled) contactByVersion.set(key, (compiled = compileContactSettings(config.contact)));
      return compiled;
    },

    async previousRead(doc, step) {
      return step > 0 ? options.wasRead(doc._id, step - 1) : false;
    },
  };
}
