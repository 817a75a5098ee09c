import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startProviderSandbox, type ProviderSandbox, type ProviderSandboxOptions, type ReceiptBody } from './index.ts';

const TOKENS = { email: 'sg-key', sms: 'sms-token', whatsapp: 'wa-token', voice: 'voice-key' };
const SECRET = 'receipts-secret-for-tests';
const NOW = { deliveredMs: [0, 0] as [number, number], readMs: [0, 0] as [number, number], replyMs: [0, 0] as [number, number] };

const requests = {
  email: { path: '/email/v3/mail/send', headers: { authorization: `Bearer ${TOKENS.email}` }, body: (reference: string) => ({ personalizations: [{ to: [{ email: 'ana@example.com' }], custom_args: { reference } }], from: { email: 'cobranca@banco.example' }, subject: 'Aviso', content: [{ type: 'text/plain', value: 'Olá' }] }) },
  sms: { path: '/sms/v1/messages', headers: { 'x-api-token': TOKENS.sms }, body: (reference: string) => ({ from: 'REGUA', to: '5511987654321', contents: [{ type: 'text', text: 'Olá' }], externalId: reference }) },
  whatsapp: { path: '/whatsapp/v21.0/1234567890/messages', headers: { authorization: `Bearer ${TOKENS.whatsapp}` }, body: (reference: string) => ({ messaging_product: 'whatsapp', to: '5511987654321', type: 'text', text: { body: 'Olá' }, biz_opaque_callback_data: reference }) },
  voice: { path: '/voice/v1/calls', headers: { authorization: `Bearer ${TOKENS.voice}` }, body: (reference: string) => ({ to: '+5511987654321', script: 'Olá', reference }) },
};
type Channel = keyof typeof requests;

async function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<{ status: number; headers: Headers; body: unknown }> {
  const answer = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), ...(signal ? { signal } : {}) });
  const text = await answer.text();
  return { status: answer.status, headers: answer.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/** Polls `condition` every 5 ms, up to 5 s. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in 5 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const send = (sandbox: ProviderSandbox, channel: Channel, reference: string, headers = requests[channel].headers) => post(sandbox.url, requests[channel].path, requests[channel].body(reference), headers);

/** A receipt webhook that records what it gets and answers the statuses given first (200 after them). */
async function startReceiver(failFirst: number[] = []): Promise<{ url: string; got: Array<{ headers: IncomingHttpHeaders; raw: string }>; waitFor(count: number): Promise<void>; close(): Promise<void> }> {
  const got: Array<{ headers: IncomingHttpHeaders; raw: string }> = [];
  const waiting: Array<{ count: number; resolve: () => void }> = [];
  const statuses = [...failFirst];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const status = statuses.shift() ?? 200;
      if (status === 200) got.push({ headers: request.headers, raw: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(status).end();
      for (const w of waiting.filter((w) => got.length >= w.count)) w.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/receipts`,
    got,
    waitFor: (count) => (got.length >= count ? Promise.resolve() : new Promise((resolve) => waiting.push({ count, resolve }))),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('provider sandbox: the providers\' request shapes', () => {
  let sandbox: ProviderSandbox;
  beforeAll(async () => {
    sandbox = await startProviderSandbox({ tokens: TOKENS });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.clear());

  test('Given a SendGrid v3 mail with the key, then 202 with X-Message-Id, and the request is recorded without the key', async () => {
    const answer = await send(sandbox, 'email', 'case-1:0');
    expect(answer.status).toBe(202);
    expect(answer.headers.get('x-message-id')).toMatch(/^\w{22}$/);
    const [recorded, ...more] = sandbox.requests({ reference: 'case-1:0' });
    expect(more).toHaveLength(0);
    expect(recorded).toMatchObject({ provider: 'sendgrid', channel: 'email', method: 'POST', path: '/email/v3/mail/send', outcome: 'accepted', taken: true, providerMessageId: answer.headers.get('x-message-id') });
    expect(recorded!.headers.authorization).toBeUndefined();
    expect(recorded!.headers['content-type']).toBe('application/json');
    expect(recorded!.body).toEqual(requests.email.body('case-1:0'));
  });

  test('Given an SMS, a WhatsApp text and a call, then each is answered in its provider\'s shape', async () => {
    const sms = await send(sandbox, 'sms', 'case-2:0');
    expect(sms).toMatchObject({ status: 200, body: { id: expect.any(String), externalId: 'case-2:0' } });
    const whatsapp = await send(sandbox, 'whatsapp', 'case-2:1');
    expect(whatsapp).toMatchObject({ status: 200, body: { messaging_product: 'whatsapp', contacts: [{ input: '5511987654321', wa_id: '5511987654321' }], messages: [{ id: expect.stringMatching(/^wamid\./) }] } });
    const voice = await send(sandbox, 'voice', 'case-2:2');
    expect(voice).toMatchObject({ status: 201, body: { callId: expect.stringMatching(/^call_/), status: 'queued' } });
    expect(sandbox.requests().map((r) => [r.channel, r.reference, r.outcome])).toEqual([
      ['sms', 'case-2:0', 'accepted'],
      ['whatsapp', 'case-2:1', 'accepted'],
      ['voice', 'case-2:2', 'accepted'],
    ]);
  });

  test('Given a WhatsApp template message, then it is accepted; given a text type without text, then 400 in the Cloud API\'s shape', async () => {
    const template = { messaging_product: 'whatsapp', to: '5511987654321', type: 'template', template: { name: 'lembrete', language: { code: 'pt_BR' } }, biz_opaque_callback_data: 'case-3:0' };
    expect((await post(sandbox.url, requests.whatsapp.path, template, requests.whatsapp.headers)).status).toBe(200);
    const refused = await post(sandbox.url, requests.whatsapp.path, { messaging_product: 'whatsapp', to: '5511987654321', type: 'text' }, requests.whatsapp.headers);
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 100, type: 'OAuthException' } } });
    expect(sandbox.requests({ channel: 'whatsapp' }).map((r) => r.outcome)).toEqual(['accepted', 'invalid']);
  });

  test('Given a wrong or missing credential, then 401, recorded as unauthorized and not taken', async () => {
    for (const channel of Object.keys(requests) as Channel[]) {
      const answer = await send(sandbox, channel, `bad-${channel}`, { authorization: 'Bearer wrong', 'x-api-token': 'wrong' });
      expect(answer.status).toBe(401);
    }
    expect(sandbox.requests().every((r) => r.outcome === 'unauthorized' && !r.taken)).toBe(true);
    expect(sandbox.requests().some((r) => 'authorization' in r.headers || 'x-api-token' in r.headers)).toBe(false);
  });

  test('The lookup and the record answer over HTTP too, and DELETE forgets them', async () => {
    await send(sandbox, 'sms', 'case-4:0');
    const lookup = async (reference: string) => (await (await fetch(`${sandbox.url}/messages?reference=${reference}`)).json()) as unknown;
    expect(await lookup('case-4:0')).toEqual({ sent: true });
    expect(await lookup('case-4:9')).toEqual({ sent: false });
    const listed = (await (await fetch(`${sandbox.url}/_sandbox/requests?channel=sms&reference=case-4:0`)).json()) as { requests: unknown[] };
    expect(listed.requests).toHaveLength(1);
    expect((await fetch(`${sandbox.url}/_sandbox/requests`, { method: 'DELETE' })).status).toBe(204);
    expect(sandbox.requests()).toHaveLength(0);
    expect(await lookup('case-4:0')).toEqual({ sent: false });
  });

  test('Given the generic message httpProviderChannel posts to the base URL, then it is taken and the lookup finds it', async () => {
    const answer = await post(sandbox.url, '/', { reference: 'case-5:0', tenant: 't', caseId: 'case-5', channel: 'sms', to: '+5511987654321', text: 'Olá' });
    expect(answer.status).toBe(202);
    expect(sandbox.requests({ reference: 'case-5:0' })).toMatchObject([{ provider: 'generic', channel: 'sms', taken: true }]);
  });

  test('Given a call with a reference already placed, then the same call id comes back and no second call is placed', async () => {
    const first = await send(sandbox, 'voice', 'case-6:0');
    const second = await send(sandbox, 'voice', 'case-6:0');
    expect(second.status).toBe(200);
    expect((second.body as { callId: string }).callId).toBe((first.body as { callId: string }).callId);
    expect(sandbox.requests({ reference: 'case-6:0' }).map((r) => [r.outcome, r.taken])).toEqual([
      ['accepted', true],
      ['duplicate', false],
    ]);
  });
});

describe('provider sandbox: faults', () => {
  let sandbox: ProviderSandbox;
  beforeAll(async () => {
    sandbox = await startProviderSandbox({ tokens: TOKENS });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => {
    sandbox.clear();
    sandbox.setFaults({ channel: 'all', serverError: 0, timeout: 0, takenOnFault: 0 });
  });

  test('Given POST /_sandbox/faults with server errors for SMS that take the message, then SMS answers 500 yet the message is sent; other channels are untouched', async () => {
    const set = await post(sandbox.url, '/_sandbox/faults', { channel: 'sms', serverError: 1, takenOnFault: 1 });
    expect(set).toMatchObject({ status: 200, body: { sms: { serverError: 1, timeout: 0, takenOnFault: 1 }, email: { serverError: 0 } } });
    expect((await send(sandbox, 'sms', 'case-7:0')).status).toBe(500);
    expect(sandbox.requests({ reference: 'case-7:0' })).toMatchObject([{ outcome: 'server-error', taken: true }]);
    expect(await (await fetch(`${sandbox.url}/messages?reference=case-7:0`)).json()).toEqual({ sent: true });
    expect((await send(sandbox, 'email', 'case-7:1')).status).toBe(202);
  });

  test('Given server errors that do not take the message, then it is not sent', async () => {
    sandbox.setFaults({ channel: 'whatsapp', serverError: 1, takenOnFault: 0 });
    expect((await send(sandbox, 'whatsapp', 'case-8:0')).status).toBe(500);
    expect(sandbox.requests({ reference: 'case-8:0' })).toMatchObject([{ outcome: 'server-error', taken: false }]);
  });

  test('Given timeouts, then the request is never answered (the client gives up) and close does not wait for it', async () => {
    sandbox.setFaults({ channel: 'email', timeout: 1 });
    const gaveUp = await post(sandbox.url, requests.email.path, requests.email.body('case-9:0'), requests.email.headers, AbortSignal.timeout(200)).catch((error: unknown) => error);
    expect((gaveUp as Error).name).toBe('TimeoutError');
    expect(sandbox.requests({ reference: 'case-9:0' })).toMatchObject([{ outcome: 'timeout' }]);
  });

  test('Given a fault setting out of range, then 400', async () => {
    expect((await post(sandbox.url, '/_sandbox/faults', { channel: 'sms', serverError: 2 })).status).toBe(400);
    expect((await post(sandbox.url, '/_sandbox/faults', { channel: 'fax' })).status).toBe(400);
  });

  test('Given the same seed and the same requests, then the same faults and ids', async () => {
    const run = async () => {
      const own = await startProviderSandbox({ tokens: TOKENS, seed: 42, faults: { sms: { serverError: 0.5 } } });
      try {
        for (let i = 0; i < 8; i++) await send(own, 'sms', `case-10:${i}`);
        return own.requests().map((r) => [r.outcome, r.providerMessageId]);
      } finally {
        await own.close();
      }
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(new Set(first.map(([outcome]) => outcome))).toEqual(new Set(['accepted', 'server-error']));
  });
});

describe('provider sandbox: receipts', () => {
  const started: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const s of started.splice(0)) await s.close();
  });

  async function setUp(options: Partial<ProviderSandboxOptions>, failFirst: number[] = []) {
    const receiver = await startReceiver(failFirst);
    const sandbox = await startProviderSandbox({ tokens: TOKENS, webhookUrl: receiver.url, webhookSecret: SECRET, delays: NOW, webhook: { retryDelayMs: 5 }, ...options });
    started.push(sandbox, receiver);
    return { receiver, sandbox };
  }
  const bodies = (got: Array<{ raw: string }>) => got.map((g) => JSON.parse(g.raw) as ReceiptBody);

  test('Given a WhatsApp message read and answered, then delivered, read and replied are posted, each signed over its raw body', async () => {
    const { receiver, sandbox } = await setUp({ rates: { failed: 0, read: 1, reply: 1 }, replies: ['PARAR'] });
    const answer = await send(sandbox, 'whatsapp', 'case-11:0');
    await receiver.waitFor(3);
    const wamid = (answer.body as { messages: Array<{ id: string }> }).messages[0]!.id;
    expect(bodies(receiver.got).map((b) => b.status).sort()).toEqual(['delivered', 'read', 'replied']);
    for (const body of bodies(receiver.got)) expect(body).toMatchObject({ provider: 'whatsapp-cloud', channel: 'whatsapp', reference: 'case-11:0', providerMessageId: wamid, at: expect.any(String) });
    expect(bodies(receiver.got).find((b) => b.status === 'replied')!.replyText).toBe('PARAR');
    for (const { headers, raw } of receiver.got) {
      expect(headers['x-regua-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`);
      expect(headers['content-type']).toBe('application/json');
    }
  });

  test('Given every message fails, then a failed receipt with the provider\'s error', async () => {
    const { receiver, sandbox } = await setUp({ rates: { failed: 1, read: 1, reply: 1 } });
    await send(sandbox, 'email', 'case-12:0');
    await receiver.waitFor(1);
    expect(bodies(receiver.got)).toEqual([expect.objectContaining({ status: 'failed', providerStatus: 'bounce', error: expect.stringContaining('550') })]);
  });

  test('Given a call heard to the end, then answered arrives as delivered and completed as read; SMS has no read receipt', async () => {
    const { receiver, sandbox } = await setUp({ rates: { failed: 0, read: 1, reply: 0 } });
    await send(sandbox, 'voice', 'case-13:0');
    await send(sandbox, 'sms', 'case-13:1');
    await receiver.waitFor(3);
    const seen = bodies(receiver.got).map((b) => `${b.reference} ${b.status} ${b.providerStatus}`).sort();
    expect(seen).toEqual(['case-13:0 delivered answered', 'case-13:0 read completed', 'case-13:1 delivered DELIVERED']);
  });

  test('Given the webhook answers 500 twice, then the receipt is posted again until it is taken', async () => {
    const { receiver, sandbox } = await setUp({ rates: { failed: 0, read: 0, reply: 0 } }, [500, 503]);
    await send(sandbox, 'sms', 'case-14:0');
    await until(() => sandbox.receipts()[0]?.state === 'delivered');
    expect(receiver.got).toHaveLength(1);
    expect(sandbox.receipts({ reference: 'case-14:0' })).toMatchObject([{ state: 'delivered', attempts: 3, body: { status: 'delivered' } }]);
  });

  test('Given the webhook keeps failing, then the sandbox gives up after its retries', async () => {
    const { sandbox } = await setUp({ rates: { failed: 0, read: 0, reply: 0 }, webhook: { retries: 2, retryDelayMs: 1 } }, [500, 500, 500, 500]);
    await send(sandbox, 'sms', 'case-15:0');
    await until(() => sandbox.receipts()[0]?.state === 'gave-up');
    expect(sandbox.receipts()).toMatchObject([{ state: 'gave-up', attempts: 3, lastError: 'HTTP 500' }]);
  });

  test('Given a webhook URL without a secret, then the sandbox refuses to start', async () => {
    await expect(startProviderSandbox({ tokens: TOKENS, webhookUrl: 'http://127.0.0.1:1/receipts' })).rejects.toThrow(/secret/);
  });
});
