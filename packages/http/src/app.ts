import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { context, propagation, trace, type Meter } from '@opentelemetry/api';
import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError, NotFoundError, type ErrorCode } from '@regua/errors';
import { PayloadTooLargeError, UnprocessableError } from './body.ts';

export type RequestWithRawBody = IncomingMessage & { rawBody?: Buffer };

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface HttpAppOptions {
  logger: Logger;
  readiness: ReadinessCheck[];
  /**
   * Routes read their own bodies (see body.ts): a route puts `refuseLargerThan` first, then authentication and
   * rate limiting, then `jsonBody`, so no body is parsed for a caller that is refused anyway.
   */
  routes(app: Express): void;
  /** Records `http.server.request.duration.seconds` by method, route and status, and serves `GET /metrics`. */
  metrics?: { meter: Meter; serve: RequestHandler };
}

/** Routes operators and orchestrators call, not users: left out of the access log and the latency histogram. */
const OPERATIONAL_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** Seconds buckets for request durations: 5 ms to 10 s. */
const REQUEST_DURATION_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** Builds the express app without listening, so tests drive it in-process. */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(requestId());
  app.use(callerTraceContext());
  // No id holds a NUL, and the database refuses one in a query (FerretDB on PostgreSQL: a 500): such a path names nothing.
  app.use((req, _res, next) => next(/%00/i.test(req.path) ? new NotFoundError('no such resource') : undefined));
  app.use(accessLog(options.logger));
  if (options.metrics) app.use(requestDuration(options.metrics.meter));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      options.readiness.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), 2000);
          return { name, ok: true };
        } catch (error) {
          return { name, ok: false, error: (error as Error).message };
        }
      }),
    );
    const ready = results.every((r) => r.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: results });
  });

  if (options.metrics) app.get('/metrics', options.metrics.serve);
  options.routes(app);

  app.use((req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: `no route for ${req.method} ${req.path}` } });
  });
  app.use(errorHandler(options.logger));
  return app;
}

function requestId(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.header('x-request-id');
    const id = incoming && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.setHeader('x-request-id', id);
    next();
  };
}

/**
 * Continues the caller's trace (a W3C `traceparent` header) where the HTTP auto-instrumentation has not already
 * done so (it cannot hook express when it is loaded as an ES module), so a bank's request and everything it causes
 * downstream share one trace.
 */
function callerTraceContext(): RequestHandler {
  return (req, _res, next) => {
    if (!req.header('traceparent') || trace.getSpan(context.active())) return next();
    context.with(propagation.extract(context.active(), req.headers), next);
  };
}

function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      if (OPERATIONAL_PATHS.has(req.path)) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info({ requestId: res.locals.requestId, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms) }, 'http request');
    });
    next();
  };
}

function requestDuration(meter: Meter): RequestHandler {
  const histogram = meter.createHistogram('http.server.request.duration.seconds', { unit: 's', description: 'HTTP requests by method, route and status', advice: { explicitBucketBoundaries: REQUEST_DURATION_BUCKETS_S } });
  return (req, res, next) => {
    if (OPERATIONAL_PATHS.has(req.path)) return next();
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      histogram.record(seconds, { 'http.request.method': req.method, 'http.route': routeOf(req), 'http.response.status_code': res.statusCode });
    });
    next();
  };
}

/** The route's pattern (`/v1/invoices/:id`), never the path itself: paths carry ids and would make a series each. */
function routeOf(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  return route?.path === undefined ? 'unmatched' : `${req.baseUrl}${String(route.path)}`;
}

function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const requestId = res.locals.requestId as string | undefined;
    if (error instanceof AppError) {
      const status = error instanceof PayloadTooLargeError || error instanceof UnprocessableError ? error.status : STATUS_BY_CODE[error.code];
      res.status(status).json({ error: { code: error.code, message: error.message, details: error.details, requestId } });
      return;
    }
    const bodyError = error as { type?: string; status?: number; message?: string };
    if (bodyError.type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'validation', message: `request body is not valid JSON: ${bodyError.message}`, requestId } });
      return;
    }
    if (bodyError.type === 'entity.too.large') {
      res.setHeader('connection', 'close');
      res.status(413).json({ error: { code: 'validation', message: 'request body is too large', requestId } });
      return;
    }
    // Other refusals of the body parser (unsupported charset or encoding, aborted upload) are the caller's.
    if (bodyError.type && typeof bodyError.status === 'number' && bodyError.status >= 400 && bodyError.status < 500) {
      res.status(bodyError.status).json({ error: { code: 'validation', message: bodyError.message ?? 'request body cannot be read', requestId } });
      return;
    }
    logger.error({ err: error, requestId }, 'unhandled error');
    res.status(500).json({ error: { code: 'internal', message: 'internal error', requestId } });
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** What every service serves without credentials (app.ts and each service's `/openapi.json`), for its OpenAPI document. */
export const PUBLIC_ROUTES_OPENAPI = {
  '/openapi.json': { get: { operationId: 'openApi', summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.0 document', content: { 'application/json': { schema: { type: 'object' } } } } } } },
  '/healthz': { get: { operationId: 'health', summary: 'Liveness', security: [], responses: { '200': { description: 'The process answers', content: { 'application/json': { schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } } } } } } } },
  '/readyz': {
    get: {
      operationId: 'ready',
      summary: 'Readiness: Kafka and the database answer',
      security: [],
      responses: {
        '200': { description: 'Ready', content: { 'application/json': { schema: { type: 'object' } } } },
        '503': { description: 'Not ready; `checks` says what fails', content: { 'application/json': { schema: { type: 'object' } } } },
      },
    },
  },
};
