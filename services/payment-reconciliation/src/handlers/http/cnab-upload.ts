import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Express, Request } from 'express';
import { requireApiKey, tenantOf } from '@regua/auth';
import { ValidationError } from '@regua/errors';
import { PayloadTooLargeError, refuseLargerThan, UnprocessableError } from '@regua/http';
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
function encodingOf(req: Request): BufferEncoding {
  return /charset="?utf-?8"?/i.test(req.header('content-type') ?? '') ? 'utf8' : 'latin1';
}

/** The request body to a file, refusing it past `maxBytes` (a body sent without its length is counted as it comes). */
async function saveBody(req: Request, path: string, maxBytes: number): Promise<void> {
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(bytes > maxBytes ? new PayloadTooLargeError(`CNAB 240 file is larger than ${maxBytes} bytes`) : null, chunk);
    },
  });
  await pipeline(req, limit, createWriteStream(path));
}

/**
 * `POST /v1/cnab240`: a CNAB 240 return file, as the bank sent it (`text/plain` or `application/octet-stream`), with
 * the tenant's API key. The body goes to a temporary file, read from there twice (checked whole, then applied in
 * batches), so a file of 100,000 lines takes no more memory than a small one. 200 with what the first settlements
 * became and the counts, or `duplicate: true` (nothing applied) for a file processed before; 409 for another file
 * with the sequence number (NSA) of one processed; 422 with the problems' lines and columns for a file that cannot
 * be read whole (nothing applied).
 */
export function cnabUploadRoutes(deps: { importer: CnabImport; apiKeys: Map<string, Buffer>; maxBytes: number }) {
  return (app: Express) => {
    app.post('/v1/cnab240', refuseLargerThan(deps.maxBytes, 'CNAB 240 file'), requireApiKey(deps.apiKeys), async (req, res) => {
      if (!req.is(CNAB_CONTENT_TYPES)) throw new ValidationError(`send the return file as ${CNAB_CONTENT_TYPES.join(' or ')}`, [{ path: 'content-type', message: `must be ${CNAB_CONTENT_TYPES.join(' or ')}` }]);
      const dir = await mkdtemp(join(tmpdir(), 'regua-cnab-upload-'));
      try {
        const path = join(dir, 'upload.ret');
        await saveBody(req, path, deps.maxBytes);
        const encoding = encodingOf(req);
        res.status(200).json(await deps.importer.importText(tenantOf(res), () => createReadStream(path, { encoding }), { origin: 'upload' }));
      } catch (error) {
        if (error instanceof Cnab240Error) throw new CnabFileRejected(error);
        throw error;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  };
}
