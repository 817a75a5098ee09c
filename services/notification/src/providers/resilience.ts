import axios, { isAxiosError } from 'axios';
import CircuitBreaker from 'opossum';
import type { Logger } from '@regua/telemetry';
import { ChannelUnavailableError, OutcomeUnknownError, ProviderError } from './errors.ts';
import type { ProviderAdapter, ProviderChannel, ProviderMessage, SentLookup } from './port.ts';
import { fullBucket, reserve, type TokenBucketSettings } from './token-bucket.ts';

export interface RetryPolicy {
  /** Attempts after the first, within one send. */
  retries: number;
  /** First backoff; doubles with each attempt, with full jitter. */
  baseDelayMs: number;
  /** No wait is longer: a longer Retry-After gives up instead. */
  maxDelayMs: number;
}

export interface BreakerSettings {
  /** Failed attempts in the window that open the circuit (when they are at least half of the attempts). */
  failures: number;
  /** How long it stays open before one trial request (half-open). */
  resetMs: number;
  windowMs: number;
}

export interface RateLimitSettings extends TokenBucketSettings {
  /** A send waits this long at most for its turn; beyond, it fails without calling the provider. */
  maxWaitMs: number;
}

/** What every adapter takes besides its provider's own settings and credentials. */
export interface ProviderClientOptions {
  /** The provider's base URL (the sandbox's: `<sandbox>/email`, `/sms`, `/whatsapp`, `/voice`). */
  url: string;
  /** Per request; well under the dispatcher's claim lease. */
  timeoutMs: number;
  retry?: Partial<RetryPolicy>;
  breaker?: Partial<BreakerSettings>;
  rateLimit?: Partial<RateLimitSettings>;
  /** How to learn whether the provider took a reference after an unknown outcome (see `SentLookup`). */
  lookup?: SentLookup;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** ms since the epoch. */
  now?: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 2, baseDelayMs: 250, maxDelayMs: 5_000 };
export const DEFAULT_BREAKER: BreakerSettings = { failures: 5, resetMs: 30_000, windowMs: 60_000 };
export const DEFAULT_RATE_LIMIT: RateLimitSettings = { perSecond: 20, burst: 20, maxWaitMs: 5_000 };

/** What one attempt ended with, as far as resending cares. */
export type AttemptFailure =
  /** Refused before anything went out (connection refused, no such host): surely not taken. */
  | { kind: 'not-reached'; code: string }
  /** 429: not taken, try later. */
  | { kind: 'throttled'; retryAfterMs?: number }
  /** Another 4xx: the provider refused this message or our credentials. */
  | { kind: 'refused'; status: number }
  /** A 5xx, a timeout, a connection lost after the request went out: maybe taken. */
  | { kind: 'unknown'; detail: string }
  | { kind: 'circuit-open' };

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/**
 * After failed attempt number `attempt` (0 for the first): retry what surely was not taken, and an unknown outcome
 * only when `unknownResendable` (the provider is idempotent on our reference, or a lookup will settle it first).
 * Never a refusal or an open circuit.
 */
export function decideRetry(failure: AttemptFailure, attempt: number, policy: RetryPolicy, unknownResendable: boolean, random: () => number): RetryDecision {
  if (failure.kind === 'refused' || failure.kind === 'circuit-open') return { retry: false };
  if (failure.kind === 'unknown' && !unknownResendable) return { retry: false };
  if (attempt >= policy.retries) return { retry: false };
  if (failure.kind === 'throttled' && failure.retryAfterMs !== undefined) {
    return failure.retryAfterMs <= policy.maxDelayMs ? { retry: true, delayMs: failure.retryAfterMs } : { retry: false };
  }
  return { retry: true, delayMs: Math.round(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt)) };
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL']);

export function classifyFailure(error: unknown, now: number): AttemptFailure {
  if (isAxiosError(error)) {
    const status = error.response?.status;
    if (status === 429) {
      const retryAfterMs = retryAfter(error.response?.headers['retry-after'], now);
      return retryAfterMs === undefined ? { kind: 'throttled' } : { kind: 'throttled', retryAfterMs };
    }
    if (status !== undefined) return status >= 500 ? { kind: 'unknown', detail: `HTTP ${status}` } : { kind: 'refused', status };
    if (error.code && NOT_SENT_CODES.has(error.code)) return { kind: 'not-reached', code: error.code };
    return { kind: 'unknown', detail: error.code ?? error.message };
  }
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  if (code === 'EOPENBREAKER' || code === 'ESHUTDOWN') return { kind: 'circuit-open' };
  return { kind: 'unknown', detail: (error as Error)?.message ?? String(error) };
}

/** Retry-After as delta-seconds or an HTTP date. */
function retryAfter(header: unknown, now: number): number | undefined {
  if (typeof header !== 'string') return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function describe(failure: AttemptFailure): string {
  switch (failure.kind) {
    case 'not-reached':
      return `not reached (${failure.code})`;
    case 'throttled':
      return 'HTTP 429';
    case 'refused':
      return `HTTP ${failure.status}`;
    case 'unknown':
      return failure.detail;
    case 'circuit-open':
      return 'circuit open';
  }
}

export interface ProviderClientSpec {
  channel: ProviderChannel;
  /** For logs and the breaker's name. */
  provider: string;
  /** Credentials and the like, on every request. */
  headers: Record<string, string>;
  /** Whether the provider answers a second request with a reference it took with the first one's result, sending nothing. */
  idempotent: boolean;
}

/** One provider's HTTP side: every request through its rate limit and its circuit breaker, resent only when safe. */
export interface ProviderClient {
  /** POSTs `body` to `path` for the message `reference`; resolves once the provider took it (now or before). */
  post(reference: string, path: string, body: unknown): Promise<void>;
  wasSent?: SentLookup;
  available(): boolean;
  close(): void;
}

/**
 * Wraps one provider: a token bucket paces requests, an opossum breaker per provider counts failed attempts (a
 * refusal of one message does not count; bad credentials and throttling do), and failed attempts are retried as
 * `decideRetry` says. A send whose outcome is unknown is remembered (as `httpProviderChannel` does, channels.ts):
 * before that reference is sent again, in this call or a later one, the provider is asked whether it took it, unless
 * it is idempotent on our reference; when nobody can say, `OutcomeUnknownError` and nothing is sent.
 */
export function createProviderClient(spec: ProviderClientSpec, options: ProviderClientOptions): ProviderClient {
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const breakerSettings = { ...DEFAULT_BREAKER, ...options.breaker };
  const rateLimit = { ...DEFAULT_RATE_LIMIT, ...options.rateLimit };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const log = options.logger.child({ component: 'provider', provider: spec.provider, channel: spec.channel });
  const http = axios.create({
    baseURL: options.url.replace(/\/+$/, ''),
    timeout: options.timeoutMs,
    headers: { ...spec.headers, 'content-type': 'application/json', accept: 'application/json' },
    maxRedirects: 0,
    transitional: { clarifyTimeoutError: true },
  });
  /** References whose last send may or may not have been taken. */
  const unsure = new Set<string>();
  let bucket = fullBucket(rateLimit, now());

  const breaker = new CircuitBreaker((path: string, body: unknown) => http.post(path, body), {
    name: spec.provider,
    timeout: false,
    volumeThreshold: breakerSettings.failures,
    errorThresholdPercentage: 50,
    resetTimeout: breakerSettings.resetMs,
    rollingCountTimeout: breakerSettings.windowMs,
    rollingCountBuckets: 10,
    // One message refused (a bad address, a bad body) says nothing of the provider's health.
    errorFilter: (error: unknown) => {
      const failure = classifyFailure(error, now());
      return failure.kind === 'refused' && failure.status !== 401 && failure.status !== 403;
    },
  });
  breaker.on('open', () => log.warn({ resetMs: breakerSettings.resetMs }, 'provider circuit opened: the channel is unavailable until a trial succeeds'));
  breaker.on('halfOpen', () => log.info('provider circuit half-open: the next send is a trial'));
  breaker.on('close', () => log.info('provider circuit closed: sends resumed'));

  async function takeTurn(): Promise<void> {
    const turn = reserve(bucket, rateLimit, now(), rateLimit.maxWaitMs);
    bucket = turn.bucket;
    if (!turn.granted) throw new ProviderError(spec.channel, `rate limit: the next turn is ${turn.waitMs} ms away`, { retriable: true });
    if (turn.waitMs > 0) await sleep(turn.waitMs);
  }

  /** For a reference whose send may have been taken: whether it was (true: done; false: send it), or OutcomeUnknownError. */
  async function settle(reference: string, cause?: unknown): Promise<boolean> {
    let took: boolean | undefined;
    try {
      took = await options.lookup?.(reference);
    } catch (error) {
      log.warn({ reference, err: (error as Error).message }, 'provider could not say whether it took a message');
    }
    if (took === undefined) throw new OutcomeUnknownError(spec.channel, reference, cause);
    unsure.delete(reference);
    return took;
  }

  return {
    async post(reference, path, body) {
      if (unsure.has(reference) && (await settle(reference))) return;
      for (let attempt = 0; ; attempt++) {
        let failure: AttemptFailure;
        let error: unknown;
        await takeTurn();
        try {
          await breaker.fire(path, body);
          return;
        } catch (thrown) {
          error = thrown;
          failure = classifyFailure(thrown, now());
        }
        if (failure.kind === 'unknown' && !spec.idempotent) {
          unsure.add(reference);
          log.warn({ reference, attempt, failure: failure.detail }, 'provider may have taken the message: it is not resent before the provider says it did not');
        }
        if (failure.kind === 'circuit-open') {
          // Asked first: a provider that says it did not take the message lets the dispatcher fall back at once.
          if (unsure.has(reference) && (await settle(reference, error))) return;
          throw new ChannelUnavailableError(spec.channel, 'circuit-open', error);
        }
        const decision = decideRetry(failure, attempt, retry, spec.idempotent || options.lookup !== undefined, random);
        if (!decision.retry) {
          // The last attempt's outcome is unknown: the provider says whether it took it (done) or not (a plain
          // failure, so the step falls back); a provider that cannot say leaves it unknown.
          if (unsure.has(reference) && (await settle(reference, error))) return;
          const status = failure.kind === 'refused' ? failure.status : undefined;
          throw new ProviderError(spec.channel, `${describe(failure)}${attempt > 0 ? ` after ${attempt + 1} attempts` : ''}`, { retriable: status === undefined, ...(status !== undefined ? { status } : {}), cause: error });
        }
        await sleep(decision.delayMs);
        if (unsure.has(reference) && (await settle(reference, error))) return;
      }
    },
    ...(options.lookup ? { wasSent: options.lookup } : {}),
    available: () => !breaker.opened,
    close() {
      breaker.shutdown();
    },
  };
}

/** An adapter for `channel` that sends each message through `client` as `request` builds it. */
export function providerAdapter(channel: ProviderChannel, client: ProviderClient, request: (message: ProviderMessage) => { path: string; body: unknown }): ProviderAdapter {
  return {
    channel,
    async send(message) {
      const { path, body } = request(message);
      await client.post(message.reference, path, body);
    },
    ...(client.wasSent ? { wasSent: client.wasSent } : {}),
    available: client.available,
    close: client.close,
  };
}
