import axios, { isAxiosError } from 'axios';
import CircuitBreaker from 'opossum';
import type { Logger } from '@regua/telemetry';
import { BureauAnswerSchema, LOOKUP_PATH, type BureauAnswer } from './contract.ts';
import { decideRetry, type AttemptFailure, type RetryPolicy } from './policy.ts';

/** The port enrichment looks people up through. */
export interface BureauClient {
  /** The bureau's answer for a CPF (11 digits); a `BureauUnavailableError` when none could be had. */
  lookup(cpf: string): Promise<BureauAnswer>;
  /** Stops the breaker's timers. */
  close(): void;
}

/** No answer from the bureau this time: the debtor is enriched from the creditor's data alone. */
export class BureauUnavailableError extends Error {
  /** False when no request reached the bureau (circuit open): nothing to pay for. */
  readonly attempted: boolean;
  constructor(message: string, attempted: boolean, cause?: unknown) {
    super(message, { cause });
    this.name = 'BureauUnavailableError';
    this.attempted = attempted;
  }
}

export interface HttpBureauOptions {
  url: string;
  token: string;
  /** Per attempt, connection to last byte. */
  timeoutMs: number;
  retry: RetryPolicy;
  breaker: {
    /** Failed attempts in the window that open the circuit (when they are at least half of the attempts). */
    failures: number;
    /** How long it stays open before one trial request (half-open). */
    resetMs: number;
    /** The rolling window failures are counted in. */
    windowMs: number;
  };
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => Date;
}

class AttemptError extends Error {
  readonly failure: AttemptFailure;
  constructor(failure: AttemptFailure, cause?: unknown) {
    super(`bureau attempt failed: ${failure.kind === 'status' ? `HTTP ${failure.status}` : failure.kind}`, { cause });
    this.failure = failure;
  }
}

/**
 * A data bureau over HTTP (contract.ts): every attempt goes through one circuit breaker (opossum), failed attempts
 * are retried as policy.ts decides. The adapter knows only the contract, never who answers it.
 */
export function createHttpBureau(options: HttpBureauOptions): BureauClient {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => new Date());
  const http = axios.create({
    baseURL: options.url.replace(/\/+$/, ''),
    timeout: options.timeoutMs,
    headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json', accept: 'application/json' },
    // Every status is an answer here; attempt() sorts them.
    validateStatus: () => true,
    transitional: { clarifyTimeoutError: true },
  });

  /** One request; `call.attempted` records that it reached the wire (the breaker did not refuse it). */
  async function attempt(cpf: string, call: { attempted: boolean }): Promise<BureauAnswer> {
    call.attempted = true;
    let response;
    try {
      response = await http.post(LOOKUP_PATH, { cpf });
    } catch (error) {
      const code = isAxiosError(error) ? error.code : undefined;
      throw new AttemptError(code === 'ETIMEDOUT' || code === 'ECONNABORTED' ? { kind: 'timeout' } : { kind: 'network', ...(code ? { code } : {}) }, error);
    }
    if (response.status !== 200) {
      const retryAfter = response.headers['retry-after'] as unknown;
      throw new AttemptError({ kind: 'status', status: response.status, ...(typeof retryAfter === 'string' ? { retryAfter } : {}) });
    }
    const parsed = BureauAnswerSchema.safeParse(response.data);
    if (!parsed.success) throw new AttemptError({ kind: 'invalid-answer' }, parsed.error);
    return parsed.data;
  }

  const breaker = new CircuitBreaker(attempt, {
    name: 'bureau',
    timeout: false,
    volumeThreshold: options.breaker.failures,
    errorThresholdPercentage: 50,
    resetTimeout: options.breaker.resetMs,
    rollingCountTimeout: options.breaker.windowMs,
    rollingCountBuckets: 10,
  });
  const log = options.logger.child({ component: 'bureau' });
  breaker.on('open', () => log.warn({ resetMs: options.breaker.resetMs }, 'bureau circuit opened: lookups skipped until a trial succeeds'));
  breaker.on('halfOpen', () => log.info('bureau circuit half-open: the next lookup is a trial'));
  breaker.on('close', () => log.info('bureau circuit closed: lookups resumed'));

  return {
    async lookup(cpf) {
      const call = { attempted: false };
      for (let n = 0; ; n++) {
        try {
          return await breaker.fire(cpf, call);
        } catch (error) {
          const failure: AttemptFailure = error instanceof AttemptError ? error.failure : isOpenCircuit(error) ? { kind: 'breaker-open' } : { kind: 'network' };
          const decision = decideRetry(failure, n, options.retry, now(), random);
          if (!decision.retry) throw new BureauUnavailableError(`bureau lookup failed: ${decision.reason}`, call.attempted, error);
          await sleep(decision.delayMs);
        }
      }
    },
    close() {
      breaker.shutdown();
    },
  };
}

function isOpenCircuit(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error.code === 'EOPENBREAKER' || error.code === 'ESHUTDOWN');
}
