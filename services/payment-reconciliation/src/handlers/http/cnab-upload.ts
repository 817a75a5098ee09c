import express, { type Express, type Request } from 'express';
import { requireApiKey, tenantOf } from '@regua/auth';
import { ValidationError } from '@regua/errors';
import { refuseLargerThan, UnprocessableError } from '@regua/http';
import type { CnabImport } from '../../cnab-import.ts';
import { Cnab240Error } from '../../domain/cnab240.ts';

export const CNAB_CONTENT_TYPES = ['text/plain', 'application/octet-stream'];

/** Every problem of a refused file, with its line and column (1-based, as in FEBRABAN's manual). */
export class CnabFileRejected extends UnprocessableError {
  constructor(error: Cnab240Error) {
    super(error.message, error.errors.map((e) => ({ path: `line ${e.line}, column ${e.column}`, line: e.line, column: e.column, message: e.message })));
  }
}

/**
 * Return files are ASCII or Latin-1, as banks write them; a body declared UTF-8 is read as UTF-8 (an accented
 * name in it would otherwise take two columns).
 */
function textOf(req: Request, body: Buffer): string {
  return /charset="?utf-?8"?/i.test(req.header('content-type') ?? '') ? body.toString('utf8') : body.toString('latin1');
}

/**
 * `POST /v1/cnab240`: a CNAB 240 return file, as the bank sent it (`text/plain` or `application/octet-stream`), with
 * the tenant's API key. 200 with what each settlement became, or `duplicate: true` (nothing applied) for a file
 * processed before; 409 for another file with the sequence number (NSA) of one processed; 422 with every problem's
 * line and column for a file that cannot be read whole (nothing applied).
 */
export function cnabUploadRoutes(deps: { importer: CnabImport; apiKeys: Map<string, Buffer>; maxBytes: number }) {
  const raw = express.raw({ type: CNAB_CONTENT_TYPES, limit: deps.maxBytes });
  return (app: Express) => {
    app.post('/v1/cnab240', refuseLargerThan(deps.maxBytes, 'CNAB 240 file'), requireApiKey(deps.apiKeys), raw, async (req, res) => {
      if (!Buffer.isBuffer(req.body)) throw new ValidationError(`send the return file as ${CNAB_CONTENT_TYPES.join(' or ')}`, [{ path: 'content-type', message: `must be ${CNAB_CONTENT_TYPES.join(' or ')}` }]);
      try {
        res.status(200).json(await deps.importer.importFile(tenantOf(res), textOf(req, req.body), { origin: 'upload' }));
      } catch (error) {
        if (error instanceof Cnab240Error) throw new CnabFileRejected(error);
        throw error;
      }
    });
  };
}
