import type { RequestHandler } from 'express';
import pino from 'pino';
import { UnauthorizedError } from '@regua/errors';
import { createHttpApp } from './app.ts';
import { jsonBody, readRawJsonBody, refuseLargerThan, UnprocessableError, type RequestWithRawBody } from './index.ts';
import { listen, type RunningServer } from './server.ts';

/** A route shaped like ingestion's: size, then who is calling (x-caller), then the body. */
function startApp(): Promise<RunningServer & { authenticated: string[] }> {
  const authenticated: string[] = [];
  const authenticate: RequestHandler = (req, _res, next) => {
    if (req.header('x-caller') !== 'known') throw new UnauthorizedError('who are you?');
    authenticated.push(req.path);
    next();
  };
  const app = createHttpApp({
    logger: pino({ level: 'silent' }),
    readiness: [],
    routes: (a) => {
      a.post('/json', refuseLargerThan(64), authenticate, jsonBody(64), (req, res) => {
        res.json({ body: req.body as unknown });
      });
      a.post('/signed', readRawJsonBody(64), (req, res, next) => {
        // A signature check would read rawBody here; the body is still unparsed.
        res.locals.rawLength = (req as unknown as RequestWithRawBody).rawBody?.length;
        res.locals.parsedEarly = req.body !== undefined;
        next();
      }, jsonBody(64), (req, res) => {
        res.json({ rawLength: res.locals.rawLength, parsedEarly: res.locals.parsedEarly, body: req.body as unknown });
      });
      // Read raw under the service-wide limit (as ingestion's signature check does), parsed under the route's smaller one.
      a.post('/signed-small', readRawJsonBody(1024), jsonBody(64), (req, res) => {
        res.json({ body: req.body as unknown });
      });
      a.post('/refused', () => {
        throw new UnprocessableError('not for you', [{ path: 'invoice.creditor.cnpj', message: 'not registered' }]);
      });
    },
  });
  return listen(app, 0, '127.0.0.1').then((server) => ({ ...server, authenticated }));
}

describe('request bodies are read only after the caller is known', () => {
  let server: Awaited<ReturnType<typeof startApp>>;
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${server.port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  beforeAll(async () => {
    server = await startApp();
  });
  afterAll(async () => {
    await server.close();
  });

  test('Given an unknown caller with a body that is not JSON, then the answer is 401, not a parse error', async () => {
    const response = await post('/json', '{"broken":', { 'x-caller': 'stranger' });
    expect(response.status).toBe(401);
  });

  test('Given a Content-Length over the limit, then 413 with a JSON error before authentication runs', async () => {
    const before = server.authenticated.length;
    const response = await post('/json', JSON.stringify({ pad: 'x'.repeat(100) }), { 'x-caller': 'known' });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'validation', message: 'request body is larger than 64 bytes' } });
    expect(server.authenticated.length).toBe(before);
  });

  test('Given a known caller, then the body is parsed; invalid JSON gets 400', async () => {
    expect(await (await post('/json', '{"a":1}', { 'x-caller': 'known' })).json()).toEqual({ body: { a: 1 } });
    expect((await post('/json', '{"a":', { 'x-caller': 'known' })).status).toBe(400);
  });

  test('Given a body read raw for a signature, then it is parsed once afterwards from the same bytes', async () => {
    expect(await (await post('/signed', '{"a": 1}')).json()).toEqual({ rawLength: 8, parsedEarly: false, body: { a: 1 } });
    expect((await post('/signed', '{"a":')).status).toBe(400);
  });

  test('Given an UnprocessableError, then 422 with its details', async () => {
    const response = await post('/refused', '{}');
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ error: { code: 'validation', details: [{ path: 'invoice.creditor.cnpj' }] } });
  });

  test('Given a path with a NUL in it, then 404 before any route runs (the database would fail on it with a 500)', async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/json%00`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-caller': 'known' }, body: '{}' });
    expect(response.status).toBe(404);
    expect(server.authenticated).not.toContain('/json\u0000');
  });

  test('Given a body read raw under a larger limit (a signed request), then the route\'s own smaller limit still refuses it with 413', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(100) });
    const response = await post('/signed-small', body);
    expect(response.status).toBe(413);
    expect((await post('/signed-small', '{"small":true}')).status).toBe(200);
  });
});
