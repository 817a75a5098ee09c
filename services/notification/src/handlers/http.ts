import type { Express } from 'express';
import { apiKeyIndex, requireApiKey, tenantOf } from '@regua/auth';
import { NotFoundError } from '@regua/errors';
import type { Clock } from '@regua/service-kit';
import type { CadenceBook } from '../cadence-book.ts';
import type { ContactRules } from '../contact-policy.ts';
import { CHANNELS } from '../domain/channel.ts';
import { anchorOf, dueSteps, firstAllowed, openAmountCents, stepDueAt } from '../domain/plan.ts';
import { openApiDocument } from '../openapi.ts';
import type { CaseDoc, CaseStore } from '../store/cases.ts';

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
export function caseRoutes(deps: { store: CaseStore; book: CadenceBook; rules: ContactRules; clock: Clock }, apiKeys: Map<string, string>) {
  const { store } = deps;
  const authenticate = requireApiKey(apiKeyIndex(apiKeys));
  const document = openApiDocument();

  async function caseFor(id: string, tenant: string): Promise<CaseDoc> {
    const found = await store.caseOf(id);
    if (!found || found.tenant !== tenant) throw new NotFoundError(`no case ${id} for this creditor`);
    return found;
  }

  async function planOf(doc: CaseDoc, now: Date): Promise<PlannedContact[]> {
    if (!doc.cadenceId) return [];
    const cadence = await deps.book.cadence(doc.tenant, doc.cadenceId, doc.cadenceVersion);
    const records = new Map((await store.stepRecords(doc._id, cadence.steps.length)).map((r) => [r.step, r]));
    const anchor = anchorOf(doc.invoices);
    const settled = new Set([...(doc.settledSteps ?? []), ...records.keys()]);
    const due = anchor && doc.status === 'open' && !doc.paused ? dueSteps(cadence, anchor.dueDate, new Date(doc.openedAt), now, settled) : undefined;
    const willSkip = new Map((due?.skip ?? []).map((s) => [s.step, s.reason]));
    const zone = doc.profile.timeZone ?? 'America/Sao_Paulo';
    const local = (at: Date) => `${at.toLocaleString('sv-SE', { timeZone: zone }).replace(' ', 'T')} ${zone}${doc.profile.timeZone ? '' : ' (zone unknown: inside the window in every Brazilian zone)'}`;
    return cadence.steps.map((spec, step): PlannedContact => {
      const base = { step, stepId: spec.id, offsetDays: spec.offsetDays, channels: spec.channels, fallback: spec.fallback, template: spec.template };
      const record = records.get(step);
      if (record) return { ...base, status: record.outcome, at: new Date(record.at).toISOString(), localTime: local(new Date(record.at)), why: record.reason ?? `sent by ${record.channels.join(' + ')}` };
      if (!anchor || doc.status !== 'open') return { ...base, status: 'not-planned', at: null, localTime: null, why: doc.status === 'open' ? 'no open invoice' : `case closed: ${doc.closeReason ?? ''}` };
      if (doc.paused) return { ...base, status: 'not-planned', at: null, localTime: null, why: `case paused: ${doc.paused.reason}` };
      if (willSkip.has(step)) return { ...base, status: 'will-be-skipped', at: null, localTime: null, why: willSkip.get(step)! };
      const dueAt = due?.take === step ? now : stepDueAt(anchor.dueDate, spec);
      const at = firstAllowed(dueAt, spec.channels.map((channel) => (t: Date) => deps.rules.nextAllowed(doc, channel, t)));
      const moved = at.getTime() > dueAt.getTime() ? `, moved to the first instant inside the contact window of ${spec.channels.join(' and ')} in the debtor's zone` : '';
      const placed = `${spec.offsetDays < 0 ? 'D' : 'D+'}${spec.offsetDays} of cadence ${cadence.id} v${doc.cadenceVersion} (anchor: invoice ${anchor.invoiceId} due ${anchor.dueDate}, the most overdue open one)`;
      return { ...base, status: due?.take === step ? 'due-now' : 'planned', at: at.toISOString(), localTime: local(at), why: `${placed}${moved}` };
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
      const { profile: _profile, ...shown } = doc;
      res.json({
        case: { ...shown, openAmountCents: openAmountCents(doc.invoices), timeline: [...doc.timeline].sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime()) },
        deliveries: deliveries.map(({ address: _address, ...rest }) => rest),
      });
    });
    app.get('/v1/cases/:caseId/plan', authenticate, async (req, res) => {
      const doc = await caseFor(req.params.caseId as string, tenantOf(res));
      const now = deps.clock.now();
      res.json({ caseId: doc._id, status: doc.status, strategy: doc.strategy, arm: doc.arm, cadenceId: doc.cadenceId, cadenceVersion: doc.cadenceVersion, timeZone: doc.profile.timeZone ?? null, contacts: await planOf(doc, now) });
    });
  };
}
