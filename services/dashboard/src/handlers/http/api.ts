import type { Express, Response } from 'express';
import { jsonBody, refuseLargerThan } from '@regua/http';
import { ValidationError } from '@regua/errors';
import type { Clock } from '@regua/service-kit';
import type { Actions } from '../../actions.ts';
import { toCsv } from '../../domain/csv.ts';
import type { ChannelsView, PortfolioView, StrategyRow } from '../../domain/kpis.ts';
import type { AuditLog } from '../../store/audit.ts';
import { ForbiddenError, filtersFor, type Filters, type Queries } from '../../queries.ts';
import type { ChangeFeed } from '../../projection/change-feed.ts';
import { authenticate, principalOf, requirePermission } from './auth.ts';
import type { SessionIssuer } from '../../auth/sessions.ts';
import { creditorsIn } from '../../domain/access.ts';

const MAX_BODY_BYTES = 4 * 1024;
/** A live view hears of changes at most this often, however many runs land. */
const STREAM_MIN_INTERVAL_MS = 1_000;
const STREAM_HEARTBEAT_MS = 15_000;

export interface ApiDeps {
  queries: Queries;
  actions: Actions;
  audit: AuditLog;
  sessions: SessionIssuer;
  changes: ChangeFeed;
  clock: Clock;
  timeZone: string;
}

/** The tables a KPI's CSV export can hold (`?format=csv&table=…`), the first the default. */
export const CSV_TABLES = {
  portfolio: {
    daily: (v: PortfolioView) => v.daily,
    aging: (v: PortfolioView) => v.aging,
    segments: (v: PortfolioView) => v.bySegment,
    products: (v: PortfolioView) => v.byProduct,
    stages: (v: PortfolioView) => v.byStage,
    'roll-rates': (v: PortfolioView) => v.rollRates,
  },
  channels: { channels: (v: ChannelsView) => v.byChannel, templates: (v: ChannelsView) => v.byTemplate, steps: (v: ChannelsView) => v.byStep },
  strategies: {
    strategies: (v: { rows: StrategyRow[] }) => v.rows.map(({ recoveryRate, ...row }) => ({ ...row, recoveryRate: recoveryRate.rate, recoveryRateLow95: recoveryRate.low, recoveryRateHigh95: recoveryRate.high })),
  },
} as const;

/** Answers JSON, or one of the view's tables as CSV when `?format=csv`. */
function answer<V>(res: Response, query: Record<string, unknown>, name: string, view: V, tables: Record<string, (v: V) => ReadonlyArray<object>>): void {
  if (query.format !== 'csv') return void res.json(view);
  const table = typeof query.table === 'string' ? query.table : Object.keys(tables)[0]!;
  const rows = tables[table];
  if (!rows) throw new ValidationError('invalid export', [{ path: 'table', message: `one of ${Object.keys(tables).join(', ')}` }]);
  res.setHeader('content-disposition', `attachment; filename="${name}-${table}.csv"`);
  res.type('text/csv; charset=utf-8').send(toCsv(rows(view) as Array<Record<string, unknown>>));
}

export function apiRoutes(deps: ApiDeps) {
  const { queries, clock } = deps;
  const auth = authenticate(deps, 'api');
  const filters = (res: Response, query: unknown): Filters => filtersFor(principalOf(res), query, clock.now(), deps.timeZone);

  return (app: Express) => {
    app.get('/v1/me', auth, (_req, res) => {
      const p = principalOf(res);
      res.json({ id: p.id, name: p.name, roles: p.roles, scopes: p.scopes });
    });
    app.get('/v1/kpis/portfolio', auth, requirePermission('kpis:read'), async (req, res) => {
      answer(res, req.query, 'portfolio', await queries.portfolio(filters(res, req.query)), CSV_TABLES.portfolio);
    });
    app.get('/v1/kpis/channels', auth, requirePermission('kpis:read'), async (req, res) => {
      answer(res, req.query, 'channels', await queries.channels(filters(res, req.query)), CSV_TABLES.channels);
    });
    app.get('/v1/kpis/strategies', auth, requirePermission('kpis:read'), async (req, res) => {
      answer(res, req.query, 'strategies', await queries.strategies(filters(res, req.query)), CSV_TABLES.strategies);
    });
    app.get('/v1/queue', auth, requirePermission('cases:read'), async (req, res) => {
      const entries = await queries.queue(filters(res, req.query));
      answer(res, req.query, 'work-queue', { entries }, { queue: (v) => v.entries });
    });
    app.get('/v1/cases/:caseId', auth, requirePermission('cases:read'), async (req, res) => {
      res.json(await queries.caseDetail(principalOf(res), req.params.caseId as string, clock.now()));
    });
    app.post('/v1/cases/:caseId/actions', refuseLargerThan(MAX_BODY_BYTES), auth, requirePermission('cases:act'), jsonBody(MAX_BODY_BYTES), async (req, res) => {
      const doc = await queries.caseInScope(principalOf(res), req.params.caseId as string);
      const { actionId, action } = await deps.actions.act(principalOf(res), doc, req.body);
      res.status(202).json({ actionId, caseId: doc._id, action });
    });
    app.get('/v1/audit', auth, requirePermission('audit:read'), async (req, res) => {
      const f = filters(res, req.query);
      if (creditorsIn(principalOf(res), f.tenant) !== '*') throw new ForbiddenError('the audit log is for users who see the whole tenant');
      const month = typeof req.query.month === 'string' && /^\d{6}$/.test(req.query.month) ? req.query.month : deps.audit.monthOf(clock.now());
      res.json({ tenant: f.tenant, month, records: await deps.audit.read(f.tenant, month) });
    });
    // Server-sent events: `refresh` when the tenant's figures changed, so open views reload their numbers.
    app.get('/v1/stream', auth, requirePermission('kpis:read'), (req, res) => {
      const { tenant } = filters(res, req.query);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write(`retry: 5000\n\n`);
      let last = 0;
      let pending: NodeJS.Timeout | undefined;
      const send = () => {
        pending = undefined;
        last = Date.now();
        res.write(`event: refresh\ndata: ${JSON.stringify({ tenant, at: clock.now().toISOString() })}\n\n`);
      };
      const unsubscribe = deps.changes.subscribe((changed) => {
        if (changed !== tenant || pending) return;
        pending = setTimeout(send, Math.max(0, STREAM_MIN_INTERVAL_MS - (Date.now() - last)));
      });
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), STREAM_HEARTBEAT_MS);
      req.on('close', () => {
        unsubscribe();
        clearInterval(heartbeat);
        if (pending) clearTimeout(pending);
      });
    });
  };
}
