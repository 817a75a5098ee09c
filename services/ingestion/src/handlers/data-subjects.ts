import type { Express, RequestHandler } from 'express';
import { DataSubjectRequestV1Schema } from '@regua/contracts';
import { toFieldIssues, ValidationError } from '@regua/errors';
import { jsonBody, refuseLargerThan } from '@regua/http';
import type { DataSubjectService } from '../data-subject-service.ts';
import { credentialOf, tenantOf } from './auth.ts';

/** A tax id and a reason: a few hundred bytes. */
export const DATA_SUBJECT_MAX_BODY_BYTES = 4096;

/**
 * Data-subject requests of the authenticated creditor: export (200 with the data), erase (202: ingestion's copy is
 * anonymised before the answer, the other services follow from the event), and a request's status.
 */
export function dataSubjectRoutes(deps: { service: DataSubjectService; guard: RequestHandler[] }) {
  const withBody = [refuseLargerThan(DATA_SUBJECT_MAX_BODY_BYTES), ...deps.guard, jsonBody(DATA_SUBJECT_MAX_BODY_BYTES)];
  const parse = (body: unknown) => {
    const parsed = DataSubjectRequestV1Schema.safeParse(body);
    if (!parsed.success) throw new ValidationError('data-subject request is invalid', toFieldIssues(parsed.error.issues));
    return parsed.data;
  };
  return (app: Express) => {
    app.post('/v1/data-subjects\\:export', ...withBody, async (req, res) => {
      const request = parse(req.body);
      res.json(await deps.service.exportData({ tenant: tenantOf(res), credential: credentialOf(res) }, request));
    });
    app.post('/v1/data-subjects\\:erase', ...withBody, async (req, res) => {
      const request = parse(req.body);
      res.status(202).json(await deps.service.erase({ tenant: tenantOf(res), credential: credentialOf(res) }, request));
    });
    app.get('/v1/data-subjects/requests/:requestId', ...deps.guard, async (req, res) => {
      res.json(await deps.service.status(tenantOf(res), req.params.requestId as string));
    });
  };
}
