// Resending only when safe, the breaker and the router, against the provider sandbox's faults.
import { createLogger } from '@regua/telemetry';
import { startProviderSandbox, type ProviderSandbox } from '@regua/provider-sandbox';
import { ChannelUnavailableError, OutcomeUnknownError, ProviderError } from './errors.ts';
import { httpSentLookup } from './lookup.ts';
import type { ProviderAdapter, ProviderMessage } from './port.ts';
import { decideRetry, type ProviderClientOptions, type RetryPolicy } from './resilience.ts';
import { providerRouter } from './router.ts';
import { createSmsProvider } from './sms.ts';
import { createVoiceProvider } from './voice.ts';
import { createWhatsAppProvider } from './whatsapp.ts';

const TOKENS = { email: 'sg-key', sms: 'sms-token', whatsapp: 'wa-token', voice: 'voice-key' };
const logger = createLogger({ service: 'test', level: 'silent' });
const message = (channel: ProviderMessage['channel'], reference: string): ProviderMessage => ({ tenant: 'bank-a', caseId: reference.split(':')[0]!, reference, channel, address: '+5511987654321', text: 'Olá' });

describe('resending, breakers and the router against the sandbox', () => {
  let sandbox: ProviderSandbox;
  const adapters: ProviderAdapter[] = [];
  const base = (overrides: Partial<ProviderClientOptions> = {}): Omit<ProviderClientOptions, 'url'> => ({ timeoutMs: 500, logger, retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 }, ...overrides });
  const whatsapp = (overrides: Partial<ProviderClientOptions> = {}) => track(createWhatsAppProvider({ url: `${sandbox.url}/whatsapp`, accessToken: TOKENS.whatsapp, phoneNumberId: '1098765', ...base(overrides) }));
  const sms = (overrides: Partial<ProviderClientOptions> = {}) => track(createSmsProvider({ url: `${sandbox.url}/sms`, apiToken: TOKENS.sms, from: 'REGUA', ...base(overrides) }));
  const track = (adapter: ProviderAdapter) => (adapters.push(adapter), adapter);
  const lookup = () => httpSentLookup({ url: sandbox.url, timeoutMs: 500 });
  const taken = (reference: string) => sandbox.requests({ reference }).filter((r) => r.taken).length;

  beforeAll(async () => {
    sandbox = await startProviderSandbox({ tokens: TOKENS });
  });
  afterAll(async () => {
    for (const adapter of adapters) adapter.close();
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.clear();
    sandbox.setFaults({ channel: 'all', serverError: 0, timeout: 0, takenOnFault: 0 });
  });

  test('Given WhatsApp answers 5xx and nobody can say whether it took the message, then it is not resent, now or on the next send', async () => {
    sandbox.setFaults({ channel: 'whatsapp', serverError: 1, takenOnFault: 1 });
    const adapter = whatsapp();
    await expect(adapter.send(message('whatsapp', 'case-1:0'))).rejects.toBeInstanceOf(OutcomeUnknownError);
    sandbox.setFaults({ channel: 'whatsapp', serverError: 0 });
    await expect(adapter.send(message('whatsapp', 'case-1:0'))).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(sandbox.requests({ reference: 'case-1:0' })).toHaveLength(1);
    expect(taken('case-1:0')).toBe(1);
  });

  test('Given WhatsApp times out after taking the message, then the outcome is unknown and it is not resent', async () => {
    sandbox.setFaults({ channel: 'whatsapp', timeout: 1, takenOnFault: 1 });
    await expect(whatsapp({ timeoutMs: 150 }).send(message('whatsapp', 'case-2:0'))).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(sandbox.requests({ reference: 'case-2:0' })).toHaveLength(1);
  });

  test('Given WhatsApp answers 5xx after taking the message and a lookup says it took it, then the send succeeds without a second request', async () => {
    sandbox.setFaults({ channel: 'whatsapp', serverError: 1, takenOnFault: 1 });
    await whatsapp({ lookup: lookup() }).send(message('whatsapp', 'case-3:0'));
    expect(sandbox.requests({ reference: 'case-3:0' })).toHaveLength(1);
    expect(taken('case-3:0')).toBe(1);
  });

  test('Given WhatsApp answers 5xx without taking the message and a lookup says so, then it is sent again, and taken once', async () => {
    sandbox.setFaults({ channel: 'whatsapp', serverError: 1, takenOnFault: 0 });
    // The provider recovers while the adapter backs off.
    const recover = async () => sandbox.setFaults({ channel: 'whatsapp', serverError: 0 });
    await whatsapp({ lookup: lookup(), sleep: recover }).send(message('whatsapp', 'case-4:0'));
    expect(sandbox.requests({ reference: 'case-4:0' }).map((r) => r.outcome)).toEqual(['server-error', 'accepted']);
    expect(taken('case-4:0')).toBe(1);
  });

  test('Given a voice bot 5xx after it placed the call, then the retry is safe (it is idempotent on the reference): one call', async () => {
    sandbox.setFaults({ channel: 'voice', serverError: 1, takenOnFault: 1 });
    const voice = track(createVoiceProvider({ url: `${sandbox.url}/voice`, apiKey: TOKENS.voice, ...base() }));
    await voice.send(message('voice', 'case-5:0'));
    expect(sandbox.requests({ reference: 'case-5:0' }).map((r) => r.outcome)).toEqual(['server-error', 'duplicate']);
    expect(taken('case-5:0')).toBe(1);
  });

  test('Given the provider cannot be reached at all, then the send is retried (nothing went out) and fails retriable, never as an unknown outcome', async () => {
    const closed = await startProviderSandbox({ tokens: TOKENS });
    const url = closed.url;
    await closed.close();
    const adapter = track(createWhatsAppProvider({ url: `${url}/whatsapp`, accessToken: 'x', phoneNumberId: '1', ...base() }));
    const failed = await adapter.send(message('whatsapp', 'case-6:0')).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(ProviderError);
    expect((failed as ProviderError).message).toMatch(/ECONNREFUSED.*after 3 attempts/);
    expect((failed as ProviderError).retriable).toBe(true);
  });

  test('Given repeated failures, then the breaker opens, the router refuses the channel with ChannelUnavailableError without calling it, and a trial later closes it', async () => {
    sandbox.setFaults({ channel: 'sms', serverError: 1, takenOnFault: 0 });
    const adapter = sms({ retry: { retries: 0 }, breaker: { failures: 3, resetMs: 300, windowMs: 60_000 } });
    const router = providerRouter({ sms: adapter });
    for (let i = 0; i < 3; i++) await expect(router.send(message('sms', `case-7:${i}`))).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(adapter.available()).toBe(false);

    const refused = await router.send(message('sms', 'case-7:9')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ChannelUnavailableError);
    expect(refused).toMatchObject({ channel: 'sms', reason: 'circuit-open', retriable: true });
    // The adapter alone refuses the same way.
    await expect(adapter.send(message('sms', 'case-7:8'))).rejects.toMatchObject({ reason: 'circuit-open' });
    expect(sandbox.requests()).toHaveLength(3);

    sandbox.setFaults({ channel: 'sms', serverError: 0 });
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(adapter.available()).toBe(true);
    await router.send(message('sms', 'case-7:9'));
    expect(taken('case-7:9')).toBe(1);
  });

  test('Given a rate limit of one a second and no wait allowed, then the second send fails retriable without reaching the provider', async () => {
    const adapter = sms({ rateLimit: { perSecond: 1, burst: 1, maxWaitMs: 0 } });
    await adapter.send(message('sms', 'case-8:0'));
    await expect(adapter.send(message('sms', 'case-8:1'))).rejects.toMatchObject({ retriable: true, message: expect.stringMatching(/rate limit/) });
    expect(sandbox.requests()).toHaveLength(1);
  });

  test('Given a rate limit with waiting allowed, then sends queue for their turn instead of failing', async () => {
    const waits: number[] = [];
    const adapter = sms({ rateLimit: { perSecond: 10, burst: 1, maxWaitMs: 1_000 }, sleep: async (ms) => void waits.push(ms), now: () => 0 });
    await Promise.all([0, 1, 2].map((i) => adapter.send(message('sms', `case-9:${i}`))));
    expect(waits).toEqual([100, 200]);
    expect(sandbox.requests()).toHaveLength(3);
  });

  test('Given a channel with no adapter, then the router throws ChannelUnavailableError; a configured one is sent through its adapter', async () => {
    const router = providerRouter({ sms: sms() });
    await expect(router.send(message('voice', 'case-10:0'))).rejects.toMatchObject({ name: 'ChannelUnavailableError', channel: 'voice', reason: 'no-adapter' });
    await router.send(message('sms', 'case-10:1'));
    expect(sandbox.requests().map((r) => r.channel)).toEqual(['sms']);
  });

  test('Given a plain MessageChannel (no breaker) as a channel\'s adapter, then the router sends through it', async () => {
    const sent: string[] = [];
    const router = providerRouter({ email: { send: async (m) => void sent.push(m.reference) } });
    await router.send(message('email', 'case-12:0'));
    expect(sent).toEqual(['case-12:0']);
    router.close();
  });

  test('The router\'s wasSent asks the adapters that can say: true when one took it, false when all say not, undefined when none can', async () => {
    await sms().send(message('sms', 'case-11:0'));
    const router = providerRouter({ sms: sms({ lookup: lookup() }), whatsapp: whatsapp({ lookup: lookup() }) });
    expect(await router.wasSent!('case-11:0')).toBe(true);
    expect(await router.wasSent!('case-11:1')).toBe(false);
    expect(providerRouter({ sms: sms() }).wasSent).toBeUndefined();
    expect(await providerRouter({ sms: sms({ lookup: async () => undefined }) }).wasSent!('case-11:0')).toBeUndefined();
  });
});

describe('decideRetry', () => {
  const policy: RetryPolicy = { retries: 2, baseDelayMs: 100, maxDelayMs: 1_000 };
  const half = () => 0.5;

  test('What surely was not taken is retried with exponential backoff and jitter, until the retries run out', () => {
    expect(decideRetry({ kind: 'not-reached', code: 'ECONNREFUSED' }, 0, policy, false, half)).toEqual({ retry: true, delayMs: 50 });
    expect(decideRetry({ kind: 'not-reached', code: 'ECONNREFUSED' }, 1, policy, false, half)).toEqual({ retry: true, delayMs: 100 });
    expect(decideRetry({ kind: 'not-reached', code: 'ECONNREFUSED' }, 2, policy, false, half)).toEqual({ retry: false });
  });

  test('An unknown outcome is retried only when it can be resent safely', () => {
    expect(decideRetry({ kind: 'unknown', detail: 'HTTP 500' }, 0, policy, false, half)).toEqual({ retry: false });
    expect(decideRetry({ kind: 'unknown', detail: 'HTTP 500' }, 0, policy, true, half)).toEqual({ retry: true, delayMs: 50 });
  });

  test('A 429 waits as told within the cap; refusals and an open circuit are final', () => {
    expect(decideRetry({ kind: 'throttled', retryAfterMs: 800 }, 0, policy, false, half)).toEqual({ retry: true, delayMs: 800 });
    expect(decideRetry({ kind: 'throttled', retryAfterMs: 5_000 }, 0, policy, false, half)).toEqual({ retry: false });
    expect(decideRetry({ kind: 'throttled' }, 1, policy, false, half)).toEqual({ retry: true, delayMs: 100 });
    expect(decideRetry({ kind: 'refused', status: 400 }, 0, policy, true, half)).toEqual({ retry: false });
    expect(decideRetry({ kind: 'circuit-open' }, 0, policy, true, half)).toEqual({ retry: false });
  });
});
