import express, { type RequestHandler } from 'express';
import { AppError, ValidationError, type FieldIssue } from '@regua/errors';
import type { RequestWithRawBody } from './app.ts';

/** 413: the request is larger than the route accepts. Answered with `Connection: close`, so the rest is not read. */
export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  constructor(message: string, details?: FieldIssue[]) {
    super('validation', message, { details });
  }
}

/** 422: the request is well-formed but refused (a line too long to read, a creditor the caller may not name). */
export class UnprocessableError extends ValidationError {
  readonly status = 422;
}

const JSON_TYPE = 'application/json';

/**
 * Refuses a request whose Content-Length is over `maxBytes` before a byte of it is read. Put it first on a
 * route, before authentication. Requests without a length (chunked) are held to the same limit while read.
 */
export function refuseLargerThan(maxBytes: number, what = 'request body'): RequestHandler {
  return (req, res, next) => {
    const length = Number(req.header('content-length'));
    if (Number.isFinite(length) && length > maxBytes) {
      res.setHeader('connection', 'close');
      next(new PayloadTooLargeError(`${what} is larger than ${maxBytes} bytes`));
      return;
    }
    next();
  };
}

/**
 * Reads a JSON request's bytes (at most `maxBytes`) into `rawBody` without parsing them: a signature over the
 * raw body is checked first, and only a request that passes is parsed (by `jsonBody`).
 */
export function readRawJsonBody(maxBytes: number): RequestHandler {
  const raw = express.raw({ type: JSON_TYPE, limit: maxBytes });
  return (req, res, next) => {
    raw(req, res, (error?: unknown) => {
      if (error) return next(error);
      if (Buffer.isBuffer(req.body)) (req as RequestWithRawBody).rawBody = req.body;
      req.body = undefined;
      next();
    });
  };
}

/**
 * Parses a JSON body of at most `maxBytes`, keeping its exact bytes in `rawBody`. Put it after authentication
 * and rate limiting, so that neither an unknown caller nor one over its budget costs a parse. Bytes already read
 * by `readRawJsonBody` are parsed, not read again. Bodies of another type are left unread (`req.body` undefined).
 */
export function jsonBody(maxBytes: number): RequestHandler {
  const json = express.json({
    type: JSON_TYPE,
    limit: maxBytes,
    verify: (req, _res, buf) => {
      (req as RequestWithRawBody).rawBody = buf;
    },
  });
  return (req, res, next) => {
    const raw = (req as RequestWithRawBody).rawBody;
    if (raw === undefined) return json(req, res, next);
    // Read earlier (for a signature) under another route's limit: this route's own limit still holds.
    if (raw.length > maxBytes) return next(new PayloadTooLargeError(`request body is larger than ${maxBytes} bytes`, [{ path: 'body', message: `over ${maxBytes} bytes` }]));
    try {
      req.body = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      return next(new AppError('validation', `request body is not valid JSON: ${(error as Error).message}`));
    }
    next();
  };
}
