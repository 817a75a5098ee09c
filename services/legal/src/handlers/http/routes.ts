import express, { type Express } from 'express';
import { requireApiKey, tenantOf } from '@regua/auth';
import { NotFoundError, toFieldIssues, ValidationError } from '@regua/errors';
import { jsonBody, refuseLargerThan } from '@regua/http';
import type { Clock } from '@regua/service-kit';
import { MovementSchema, OpenJudicialCaseSchema } from '../../domain/judicial.ts';
import { LegalSettingsSchema } from '../../domain/settings.ts';
import type { Judicial } from '../../judicial.ts';
import type { Negativacao } from '../../negativacao.ts';
import type { BureauFileDoc } from '../../store/files.ts';
import type { JudicialCaseDoc } from '../../store/judicial.ts';
import type { Projection } from '../../store/projection.ts';
import type { SettingsStore } from '../../store/settings.ts';

const MAX_JSON_BYTES = 64 * 1024;

export interface LegalRoutesDeps {
  negativacao: Negativacao;
  judicial: Judicial;
  projection: Projection;
  settings: SettingsStore;
  keys: Map<string, Buffer>;
  clock: Clock;
  csvMaxBytes: number;
}

function bureauView(file: BureauFileDoc) {
  const { _id, version: _version, previous, timeline: _timeline, ...current } = file;
  return { caseId: _id, ...current, previousCycles: previous.map((p) => ({ cycle: p.cycle, status: p.status, requestedAt: p.requestedAt, ...(p.cancelled ? { cancelled: p.cancelled } : {}), ...(p.withdrawal ? { withdrawal: p.withdrawal } : {}) })) };
}

function judicialView(doc: JudicialCaseDoc) {
  const { _id, version: _version, ...rest } = doc;
  return { caseId: _id, ...rest };
}

/** The bureau's and the court's events of a case, oldest first. */
function timelineOf(file: BureauFileDoc | null, judicial: JudicialCaseDoc | null) {
  const entries: Array<{ at: Date; track: 'bureau' | 'judicial'; what: string }> = [];
  for (const cycle of [...(file?.previous ?? []), ...(file ? [file] : [])]) for (const entry of cycle.timeline) entries.push({ at: new Date(entry.at), track: 'bureau', what: entry.what });
  if (judicial) {
    entries.push({ at: new Date(judicial.openedAt), track: 'judicial', what: `in court: process ${judicial.processNumber}, ${judicial.court}, law firm ${judicial.lawFirm}, claim R$ ${(judicial.claimAmountCents / 100).toFixed(2)} (amicable contact: ${judicial.amicableContact})` });
    for (const m of judicial.movements) entries.push({ at: new Date(m.recordedAt), track: 'judicial', what: `${m.kind} on ${m.date}${m.sentence ? ` (${m.sentence})` : ''}${m.amountCents ? `, R$ ${(m.amountCents / 100).toFixed(2)}` : ''}${m.description ? `: ${m.description}` : ''} [${m.source}]` });
  }
  return entries.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** The legal API: every route with the tenant's key, and only the tenant's own cases (another's answers 404). */
export function legalRoutes(deps: LegalRoutesDeps) {
  const authenticate = requireApiKey(deps.keys);
  const json = [refuseLargerThan(MAX_JSON_BYTES), authenticate, jsonBody(MAX_JSON_BYTES)];
  return (app: Express) => {
    app.post('/v1/cases/:caseId/bureau-registration', ...json, async (req, res) => {
      const file = await deps.negativacao.request(tenantOf(res), String(req.params.caseId), 'operator');
      res.status(202).json(bureauView(file));
    });

    app.post('/v1/cases/:caseId/judicial', ...json, async (req, res) => {
      const parsed = OpenJudicialCaseSchema.safeParse(req.body);
      if (!parsed.success) throw new ValidationError('invalid judicial case', toFieldIssues(parsed.error.issues));
      const { created, doc } = await deps.judicial.open(tenantOf(res), String(req.params.caseId), parsed.data);
      res.status(created ? 201 : 200).json(judicialView(doc));
    });

    app.post('/v1/cases/:caseId/judicial/movements', ...json, async (req, res) => {
      const parsed = MovementSchema.safeParse(req.body);
      if (!parsed.success) throw new ValidationError('invalid movement', toFieldIssues(parsed.error.issues));
      const outcome = await deps.judicial.recordMovement(tenantOf(res), String(req.params.caseId), parsed.data, 'api');
      res.status(outcome.duplicate ? 200 : 201).json(outcome);
    });

    app.post('/v1/judicial/movements:import', refuseLargerThan(deps.csvMaxBytes, 'movements file'), authenticate, express.text({ type: ['text/csv', 'text/plain'], limit: deps.csvMaxBytes }), async (req, res) => {
      if (typeof req.body !== 'string') throw new ValidationError('send the movements file as text/csv', [{ path: 'body', message: 'Content-Type must be text/csv' }]);
      res.json(await deps.judicial.importMovements(tenantOf(res), req.body));
    });

    app.get('/v1/cases/:caseId/legal', authenticate, async (req, res) => {
      const tenant = tenantOf(res);
      const caseId = String(req.params.caseId);
      const [known, file, judicial] = await Promise.all([deps.projection.case(caseId), deps.negativacao.file(caseId), deps.judicial.get(caseId)]);
      if (!known || known.tenant !== tenant) throw new NotFoundError(`no case ${caseId}`);
      const ownFile = file?.tenant === tenant ? file : null;
      const ownJudicial = judicial?.tenant === tenant ? judicial : null;
      res.json({ caseId, debtorId: known.debtorId, invoiceIds: known.invoiceIds, bureau: ownFile ? bureauView(ownFile) : null, judicial: ownJudicial ? judicialView(ownJudicial) : null, timeline: timelineOf(ownFile, ownJudicial) });
    });

    app.get('/v1/legal/settings', authenticate, async (_req, res) => {
      const tenant = tenantOf(res);
      res.json({ tenant, ...(await deps.settings.get(tenant)) });
    });

    app.put('/v1/legal/settings', ...json, async (req, res) => {
      const parsed = LegalSettingsSchema.safeParse(req.body);
      if (!parsed.success) throw new ValidationError('invalid legal settings', toFieldIssues(parsed.error.issues));
      const tenant = tenantOf(res);
      await deps.settings.put(tenant, parsed.data, deps.clock.now());
      res.json({ tenant, ...(await deps.settings.get(tenant)) });
    });
  };
}
