import type { Express } from 'express';
import { apiKeyIndex, requireApiKey, tenantOf } from '@regua/auth';
import { NotFoundError, toFieldIssues, ValidationError } from '@regua/errors';
import { jsonBody, refuseLargerThan } from '@regua/http';
import { z } from 'zod';
import type { Clock } from '@regua/service-kit';
import type { CadenceBook } from '../cadence-book.ts';
import type { ContactRules } from '../contact-policy.ts';
import { CHANNELS } from '../domain/channel.ts';
import { agreementDueSteps, agreementSteps, anchorOf, COLLECTION_STEPS, firstAllowed, generationDueSteps, openAmountCents, stepDueAt, type PlanStep } from '../domain/plan.ts';
import { openApiDocument } from '../openapi.ts';
import { timelineWithReceipts } from '../domain/receipt-lines.ts';
import type { CaseDoc, CaseStore } from '../store/cases.ts';
import type { ReceiptStore } from '../store/receipts.ts';
import type { DebtorContactStore } from '../store/debtors.ts';
import type { Schedule } from '../store/schedule.ts';
import { modifyCase } from './collections.ts';
import { pauseCase, resumeCase } from './operator-actions.ts';

const MAX_BODY_BYTES = 4 * 1024;
const PauseSchema = z
  .object({
    reason: z.enum(['dispute', 'over-indebtedness', 'legal-hold', 'operator']).describe('dispute: the debtor contests the debt; over-indebtedness: Lei 14.181/2021 process; legal-hold: a court or regulator; operator: any other'),
    note: z.string().max(500).regex(/^[^\u0000]*$/).optional(),
  })
  .strict();
const ChannelParamSchema = z.enum(['email', 'sms', 'whatsapp', 'voice']);
const MoveSchema = z.object({ strategy: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/).optional(), note: z.string().max(500).regex(/^[^\u0000]*$/).optional() }).strict();

/** A case's planned or past contact, as the plan API shows it. */
export interface PlannedContact {
  step: number;
  stepId: string;
  offsetDays: number;
  channels: string[];
  fallback: string[];
  template: string;
  status: 'sent' | 'skipped' | 'unreachable' | 'due-now' | 'will-be-skipped' | 'planned' | 'not-planned';
  /** When it went out or was settled, or when it is planned to go out (UTC), and the same in the debtor's local time. */
  at: string | null;
  localTime: string | null;
  /** The rule that placed, moved or skipped it. */
  why: string;
}

/**
 * Case API for a creditor's systems and operators: a key sees its own tenant's cases only, and another tenant's
 * case answers 404 like a case that does not exist, so case ids cannot be probed. A case is found by its id or by
 * the id of any of its invoices.
 */
export function caseRoutes(deps: { store: CaseStore; receipts: Pick<ReceiptStore, 'ofContacts'>; debtors: DebtorContactStore; schedule: Schedule; book: CadenceBook; rules: ContactRules; clock: Clock }, apiKeys: Map<string, string>) {
  const { store } = deps;
  const authenticate = requireApiKey(apiKeyIndex(apiKeys));
  const body = [refuseLargerThan(MAX_BODY_BYTES), authenticate, jsonBody(MAX_BODY_BYTES)];
  const document = openApiDocument();

  async function caseFor(id: string, tenant: string): Promise<CaseDoc> {
    const found = await store.caseOf(id);
    if (!found || found.tenant !== tenant) throw new NotFoundError(`no case ${id} for this creditor`);
    return found;
  }

  async function planOf(doc: CaseDoc, now: Date): Promise<PlannedContact[]> {
    const zone = doc.profile.timeZone ?? 'America/Sao_Paulo';
    const tenantContact = await deps.book.contactSettings(doc.tenant);
    const local = (at: Date) => `${at.toLocaleString('sv-SE', { timeZone: zone }).replace(' ', 'T')} ${zone}${doc.profile.timeZone ? '' : ' (zone unknown: inside the window in every Brazilian zone)'}`;
    const when = (spec: PlanStep, dueAt: Date) => {
      const at = firstAllowed(dueAt, spec.channels.map((channel) => (t: Date) => deps.rules.nextAllowed(doc, channel, t, tenantContact)));
      const moved = at.getTime() > dueAt.getTime() ? `, moved to the first instant inside the contact window of ${spec.channels.join(' and ')} in the debtor's zone` : '';
      return { at, moved };
    };
    const offset = (spec: PlanStep) => `${spec.offsetDays < 0 ? 'D' : 'D+'}${spec.offsetDays}`;

    // While an agreement is active, the plan is its installments' reminders.
    const agreement = doc.agreement;
    if (agreement?.status === 'active') {
      const cadence = await deps.book.cadence(doc.tenant, agreement.cadenceId, agreement.cadenceVersion);
      const steps = agreementSteps(cadence, agreement.installments, agreement.generation);
      const records = new Map((await store.stepRecordsAt(doc._id, steps.map((v) => v.index))).map((r) => [r.step, r]));
      const due = agreementDueSteps(steps, now, new Set([...(doc.settledSteps ?? []), ...records.keys()]));
      const willSkip = new Map(due.skip.map((x) => [x.step, x.reason]));
      return steps.map(({ index, spec, dueAt, installment }): PlannedContact => {
        const base = { step: index, stepId: `${spec.id}/parcela-${installment.number}`, offsetDays: spec.offsetDays, channels: spec.channels, fallback: spec.fallback, template: spec.template };
        const record = records.get(index);
        if (record) return { ...base, status: record.outcome, at: new Date(record.at).toISOString(), localTime: local(new Date(record.at)), why: record.reason ?? `sent by ${record.channels.join(' + ')}` };
        if (doc.paused) return { ...base, status: 'not-planned', at: null, localTime: null, why: `case paused: ${doc.paused.reason}` };
        if (willSkip.has(index)) return { ...base, status: 'will-be-skipped', at: null, localTime: null, why: willSkip.get(index)! };
        const { at, moved } = when(spec, due.take === index ? now : dueAt);
        return { ...base, status: due.take === index ? 'due-now' : 'planned', at: at.toISOString(), localTime: local(at), why: `${offset(spec)} of installment ${installment.number} (due ${installment.dueDate}) of agreement ${agreement.agreementId}, cadence ${cadence.id}${moved}` };
      });
    }

    if (!doc.cadenceId) return [];
    const cadence = await deps.book.cadence(doc.tenant, doc.cadenceId, doc.cadenceVersion);
    const generation = doc.cadenceGeneration ?? 0;
    const base = COLLECTION_STEPS * generation;
    const records = new Map((await store.stepRecordsAt(doc._id, cadence.steps.map((_, i) => base + i))).map((r) => [r.step, r]));
    const anchor = anchorOf(doc.invoices);
    const settled = new Set([...(doc.settledSteps ?? []), ...records.keys()]);
    const due = anchor && doc.status === 'open' && !doc.paused ? generationDueSteps(cadence, anchor.dueDate, new Date(doc.movedAt ?? doc.openedAt), now, settled, generation) : undefined;
    const willSkip = new Map((due?.skip ?? []).map((x) => [x.step, x.reason]));
    return cadence.steps.map((spec, i): PlannedContact => {
      const step = base + i;
      const shown = { step, stepId: spec.id, offsetDays: spec.offsetDays, channels: spec.channels, fallback: spec.fallback, template: spec.template };
      const record = records.get(step);
      if (record) return { ...shown, status: record.outcome, at: new Date(record.at).toISOString(), localTime: local(new Date(record.at)), why: record.reason ?? `sent by ${record.channels.join(' + ')}` };
      if (!anchor || doc.status !== 'open') return { ...shown, status: 'not-planned', at: null, localTime: null, why: doc.status === 'open' ? 'no open invoice' : `case closed: ${doc.closeReason ?? ''}` };
      if (doc.paused) return { ...shown, status: 'not-planned', at: null, localTime: null, why: `case paused: ${doc.paused.reason}` };
      if (willSkip.has(step)) return { ...shown, status: 'will-be-skipped', at: null, localTime: null, why: willSkip.get(step)! };
      const { at, moved } = when(spec, due?.take === step ? now : stepDueAt(anchor.dueDate, spec));
      const placed = `${offset(spec)} of cadence ${cadence.id} v${doc.cadenceVersion} (anchor: invoice ${anchor.invoiceId} due ${anchor.dueDate}, the most overdue open one)`;
      return { ...shown, status: due?.take === step ? 'due-now' : 'planned', at: at.toISOString(), localTime: local(at), why: `${placed}${moved}` };
    });
  }

  return (app: Express) => {
    app.get('/openapi.json', (_req, res) => {
      res.json(document);
    });
    app.get('/v1/cases/:caseId', authenticate, async (req, res) => {
      const doc = await caseFor(req.params.caseId as string, tenantOf(res));
      const stepCount = doc.cadenceId ? (await deps.book.cadence(doc.tenant, doc.cadenceId, doc.cadenceVersion)).steps.length : 0;
      const deliveries = await store.deliveriesOf(doc._id, stepCount, CHANNELS);
      const receipts = await deps.receipts.ofContacts(deliveries.map((d) => d._id));
      const timeline = timelineWithReceipts(doc.timeline, new Map(deliveries.map((d) => [d._id, d])), receipts);
      const { profile: _profile, ...shown } = doc;
      res.json({
        case: { ...shown, openAmountCents: openAmountCents(doc.invoices), timeline },
        deliveries: deliveries.map(({ address: _address, debtorId: _debtor, correlationId: _correlation, ...rest }) => rest),
      });
    });
    // Stop rules an operator or the creditor applies: a dispute, an over-indebtedness flag (Lei 14.181/2021), a legal
    // hold. Nothing is sent while a case is paused; resuming takes the cadence up where the calendar stands.
    app.post('/v1/cases/:caseId/pause', ...body, async (req, res) => {
      const doc = await caseFor(req.params.caseId as string, tenantOf(res));
      const parsed = PauseSchema.safeParse(req.body ?? {});
      if (!parsed.success) throw new ValidationError('invalid pause', toFieldIssues(parsed.error.issues));
      const now = deps.clock.now();
      const reason = parsed.data.note ? `${parsed.data.reason}: ${parsed.data.note}` : parsed.data.reason;
      const updated = await pauseCase(deps, doc, reason, now);
      res.json({ caseId: updated._id, paused: updated.paused });
    });
    app.post('/v1/cases/:caseId/resume', ...body, async (req, res) => {
      const doc = await caseFor(req.params.caseId as string, tenantOf(res));
      const now = deps.clock.now();
      const updated = await resumeCase(deps, doc, now);
      // The pause dropped the case's wake-ups: one now, and the dispatcher works out what is due.
      await deps.schedule.add([{ caseId: updated._id, step: 0, dueAt: now }], now);
      res.json({ caseId: updated._id, paused: null });
    });
    // A case stays on the cadence version it started with unless an operator moves it: to the tenant's current
    // version of its strategy's cadence, or to another strategy. The new cadence takes up where the calendar stands.
    app.post('/v1/cases/:caseId/move', ...body, async (req, res) => {
      const doc = await caseFor(req.params.caseId as string, tenantOf(res));
      const parsed = MoveSchema.safeParse(req.body ?? {});
      if (!parsed.success) throw new ValidationError('invalid move', toFieldIssues(parsed.error.issues));
      const now = deps.clock.now();
      const target = await deps.book.forNewCase(doc.tenant, parsed.data.strategy ?? doc.strategy, doc.debtorId);
      const updated = await modifyCase(deps, doc, (next) => {
        const from = `${next.cadenceId ?? 'no cadence'} v${next.cadenceVersion}`;
        next.strategy = target.strategy;
        next.arm = target.arm;
        next.cadenceId = target.cadenceId;
        next.cadenceVersion = target.cadenceVersion;
        next.cadenceGeneration = (next.cadenceGeneration ?? 0) + 1;
        next.movedAt = now;
        return [{ at: now, what: `moved from ${from} to ${target.cadenceId ?? 'no cadence (holdout)'} v${target.cadenceVersion} (strategy ${target.strategy}, arm ${target.arm})${parsed.data.note ? `: ${parsed.data.note}` : ''}` }];
      });
      await deps.schedule.add([{ caseId: updated._id, step: 0, dueAt: now }], now);
      res.json({ caseId: updated._id, strategy: updated.strategy, arm: updated.arm, cadenceId: updated.cadenceId, cadenceVersion: updated.cadenceVersion });
    });
    // Opt-out and consent per channel, for what reaches the creditor outside Régua (a call centre, a letter).
    app.put('/v1/debtors/:debtorId/opt-outs/:channel', ...body, async (req, res) => {
      const channel = ChannelParamSchema.safeParse(req.params.channel);
      if (!channel.success) throw new ValidationError('invalid channel', [{ path: 'channel', message: 'one of email, sms, whatsapp, voice' }]);
      const source = typeof (req.body as { source?: unknown } | undefined)?.source === 'string' ? String((req.body as { source: string }).source).slice(0, 200) : 'creditor API';
      await deps.debtors.optOut(tenantOf(res), req.params.debtorId as string, channel.data, source, deps.clock.now());
      res.status(200).json({ debtorId: req.params.debtorId, channel: channel.data, optedOut: true });
    });
    app.delete('/v1/debtors/:debtorId/opt-outs/:channel', authenticate, async (req, res) => {
      const channel = ChannelParamSchema.safeParse(req.params.channel);
      if (!channel.success) throw new ValidationError('invalid channel', [{ path: 'channel', message: 'one of email, sms, whatsapp, voice' }]);
      await deps.debtors.optIn(tenantOf(res), req.params.debtorId as string, channel.data, 'creditor API: consent given again', deps.clock.now());
      res.status(200).json({ debtorId: req.params.debtorId, channel: channel.data, optedOut: false });
    });
    app.get('/v1/cases/:caseId/plan', authenticate, async (req, res) => {
      const doc = await caseFor(req.params.caseId as string, tenantOf(res));
      const now = deps.clock.now();
      res.json({ caseId: doc._id, status: doc.status, strategy: doc.strategy, arm: doc.arm, cadenceId: doc.cadenceId, cadenceVersion: doc.cadenceVersion, timeZone: doc.profile.timeZone ?? null, contacts: await planOf(doc, now) });
    });
  };
}
