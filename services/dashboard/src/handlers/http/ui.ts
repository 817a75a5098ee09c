import express, { type Express, type Response } from 'express';
import type { Clock } from '@regua/service-kit';
import type { Actions } from '../../actions.ts';
import type { SessionIssuer } from '../../auth/sessions.ts';
import { filtersFor, type Queries } from '../../queries.ts';
import { authenticate, principalOf, requirePermission } from './auth.ts';
import { casePage, channelsLive, channelsPage, portfolioLive, portfolioPage, queueLive, queuePage, strategiesLive, strategiesPage } from './pages.ts';

const FORM_LIMIT = '4kb';

/** "1.234,56" or "1234.56" reais → integer centavos; NaN for anything else (the action's schema then refuses it). */
export function reaisToCents(text: unknown): number {
  if (typeof text !== 'string') return Number.NaN;
  const normalised = text.trim().replace(/^R\$\s*/, '');
  const match = /^(\d{1,3}(?:\.\d{3})*|\d+)(?:,(\d{1,2}))?$/.exec(normalised) ?? /^(\d+)(?:\.(\d{1,2}))?$/.exec(normalised);
  if (!match) return Number.NaN;
  return Number(match[1]!.replace(/\./g, '')) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}

/** A form's fields as the action's JSON: only what the kind needs, empty notes dropped. */
function actionFromForm(form: Record<string, unknown>): Record<string, unknown> {
  const note = typeof form.note === 'string' && form.note.trim() !== '' ? { note: form.note.trim() } : {};
  switch (form.kind) {
    case 'call-logged':
      return { kind: form.kind, outcome: form.outcome, ...note };
    case 'promise-registered':
      return { kind: form.kind, amountCents: reaisToCents(form.amount), promisedFor: form.promisedFor, ...note };
    case 'collection-paused':
    case 'dispute-marked':
      return { kind: form.kind, reason: form.reason, ...note };
    case 'score-reviewed':
      return { kind: form.kind, decision: form.decision, ...note };
    default:
      return { kind: form.kind, ...note };
  }
}

/** The web pages: server-rendered HTML with inline SVG charts; `?fragment=1` answers the live section only. */
export function uiRoutes(deps: { queries: Queries; actions: Actions; sessions: SessionIssuer; clock: Clock; timeZone: string }) {
  const { queries, clock } = deps;
  const page = authenticate(deps, 'page');
  const nonce = (res: Response) => res.locals.nonce as string;
  const html = (res: Response, body: string) => res.type('html').setHeader('cache-control', 'no-store').send(body);

  return (app: Express) => {
    app.get(['/', '/ui'], (_req, res) => res.redirect(303, '/ui/portfolio'));
    app.get('/favicon.ico', (_req, res) => void res.status(204).end());
    app.get('/ui/portfolio', page, requirePermission('kpis:read'), async (req, res) => {
      const f = filtersFor(principalOf(res), req.query, clock.now(), deps.timeZone);
      const view = await queries.portfolio(f);
      html(res, req.query.fragment ? portfolioLive(view) : portfolioPage(view, f, principalOf(res), nonce(res)));
    });
    app.get('/ui/channels', page, requirePermission('kpis:read'), async (req, res) => {
      const f = filtersFor(principalOf(res), req.query, clock.now(), deps.timeZone);
      const view = await queries.channels(f);
      html(res, req.query.fragment ? channelsLive(view) : channelsPage(view, f, principalOf(res), nonce(res)));
    });
    app.get('/ui/strategies', page, requirePermission('kpis:read'), async (req, res) => {
      const f = filtersFor(principalOf(res), req.query, clock.now(), deps.timeZone);
      const view = await queries.strategies(f);
      html(res, req.query.fragment ? strategiesLive(view.rows) : strategiesPage(view.rows, f, principalOf(res), nonce(res)));
    });
    app.get('/ui/queue', page, requirePermission('cases:read'), async (req, res) => {
      const f = filtersFor(principalOf(res), req.query, clock.now(), deps.timeZone);
      const entries = await queries.queue(f);
      html(res, req.query.fragment ? queueLive(entries) : queuePage(entries, f, principalOf(res), nonce(res)));
    });
    app.get('/ui/cases/:caseId', page, requirePermission('cases:read'), async (req, res) => {
      const detail = await queries.caseDetail(principalOf(res), req.params.caseId as string, clock.now());
      html(res, casePage(detail, principalOf(res), nonce(res), typeof req.query.done === 'string' ? req.query.done : null));
    });
    app.post('/ui/cases/:caseId/actions', page, requirePermission('cases:act'), express.urlencoded({ extended: false, limit: FORM_LIMIT }), async (req, res) => {
      const doc = await queries.caseInScope(principalOf(res), req.params.caseId as string);
      const { action } = await deps.actions.act(principalOf(res), doc, actionFromForm((req.body ?? {}) as Record<string, unknown>));
      res.redirect(303, `/ui/cases/${encodeURIComponent(doc._id)}?done=${action.kind}`);
    });
  };
}
