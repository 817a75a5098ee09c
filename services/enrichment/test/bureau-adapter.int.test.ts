// The bureau adapter over real HTTP against the local stand-in: timeouts retried, the circuit opening after N
// failures and half-opening later, 429 honoured, credentials errors not retried.
import { startBureauStandIn, type BureauStandIn } from '@regua/bureau-standin';
import { createLogger } from '@regua/telemetry';
import { BureauUnavailableError, createHttpBureau, type BureauClient, type HttpBureauOptions } from '../src/bureau/http-bureau.ts';

const TOKEN = 'test-token';
const CPF = '52998224725';
const logger = createLogger({ service: 'test', level: 'silent' });

describe('bureau adapter against the stand-in', () => {
  let standIn: BureauStandIn;
  const clients: BureauClient[] = [];

  beforeAll(async () => {
    standIn = await startBureauStandIn({ token: TOKEN, latencyMs: [5, 20] });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await standIn.close();
  });
  beforeEach(() => standIn.reset());

  const client = (overrides: Partial<HttpBureauOptions> = {}) => {
    const created = createHttpBureau({ url: standIn.url, token: TOKEN, timeoutMs: 300, retry: { retries: 2, baseDelayMs: 20, maxDelayMs: 2_000 }, breaker: { failures: 50, resetMs: 60_000, windowMs: 60_000 }, logger, ...overrides });
    clients.push(created);
    return created;
  };

  test('Given the bureau times out once, then the lookup is retried and answers', async () => {
    standIn.fail({ kind: 'hang' }, 1);
    const answer = await client().lookup(CPF);
    expect(answer.found === false || answer.phones.length > 0).toBe(true);
    expect(standIn.requests(CPF)).toBe(2);
  });

  test('Given a 429 with Retry-After, then the lookup waits and tries again', async () => {
    standIn.fail({ kind: 'status', status: 429, retryAfter: '1' }, 1);
    const started = Date.now();
    await client().lookup(CPF);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(standIn.requests(CPF)).toBe(2);
  });

  test('Given wrong credentials, then the lookup fails at once, without retries', async () => {
    await expect(client({ token: 'wrong' }).lookup(CPF)).rejects.toThrow(/HTTP 401/);
  });

  test('Given the bureau keeps timing out, then the circuit opens after N failed attempts, refuses without calling, and half-opens later', async () => {
    const breaker = client({ retry: { retries: 1, baseDelayMs: 10, maxDelayMs: 100 }, breaker: { failures: 4, resetMs: 700, windowMs: 60_000 } });
    standIn.fail({ kind: 'hang' });
    // Two lookups, each an attempt and a retry: four timeouts open the circuit.
    for (let i = 0; i < 2; i++) await expect(breaker.lookup(CPF)).rejects.toThrow(/gave up after 2 attempts \(timeout\)/);
    expect(standIn.requests(CPF)).toBe(4);

    const refused = await breaker.lookup(CPF).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BureauUnavailableError);
    expect((refused as BureauUnavailableError).message).toMatch(/circuit open/);
    expect((refused as BureauUnavailableError).attempted).toBe(false);
    expect(standIn.requests(CPF)).toBe(4);

    // After the reset time one trial goes through; the bureau answers again, so the circuit closes.
    standIn.fail({ kind: 'none' });
    await new Promise((resolve) => setTimeout(resolve, 800));
    await breaker.lookup(CPF);
    expect(standIn.requests(CPF)).toBe(5);
    await breaker.lookup(CPF);
    expect(standIn.requests(CPF)).toBe(6);
  });

  test('Given the half-open trial fails, then the circuit opens again', async () => {
    const breaker = client({ retry: { retries: 0, baseDelayMs: 10, maxDelayMs: 100 }, breaker: { failures: 2, resetMs: 300, windowMs: 60_000 } });
    standIn.fail({ kind: 'status', status: 503 });
    for (let i = 0; i < 2; i++) await expect(breaker.lookup(CPF)).rejects.toThrow(/HTTP 503/);
    await expect(breaker.lookup(CPF)).rejects.toThrow(/circuit open/);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await expect(breaker.lookup(CPF)).rejects.toThrow(/HTTP 503/);
    await expect(breaker.lookup(CPF)).rejects.toThrow(/circuit open/);
    expect(standIn.requests(CPF)).toBe(3);
  });
});
