// Each adapter against the provider sandbox, over real HTTP: one message, one request in the provider's shape.
import { createLogger } from '@regua/telemetry';
import { startProviderSandbox, type ProviderSandbox } from '@regua/provider-sandbox';
import { createEmailProvider } from './email.ts';
import { ProviderError } from './errors.ts';
import type { ProviderAdapter, ProviderMessage } from './port.ts';
import type { ProviderClientOptions } from './resilience.ts';
import { createSmsProvider } from './sms.ts';
import { createVoiceProvider } from './voice.ts';
import { createWhatsAppProvider } from './whatsapp.ts';

const TOKENS = { email: 'sg-key', sms: 'sms-token', whatsapp: 'wa-token', voice: 'voice-key' };
const logger = createLogger({ service: 'test', level: 'silent' });

const message = (overrides: Partial<ProviderMessage>): ProviderMessage => ({ tenant: 'bank-a', caseId: 'case-1', reference: 'case-1:0', channel: 'sms', address: '+55 11 98765-4321', text: 'Olá, Ana: sua fatura venceu.', ...overrides });

describe('provider adapters against the sandbox', () => {
  let sandbox: ProviderSandbox;
  const adapters: ProviderAdapter[] = [];
  const common = (path: string): ProviderClientOptions => ({ url: `${sandbox.url}${path}`, timeoutMs: 2_000, logger, retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 } });
  const track = <T extends ProviderAdapter>(adapter: T): T => (adapters.push(adapter), adapter);

  beforeAll(async () => {
    sandbox = await startProviderSandbox({ tokens: TOKENS });
  });
  afterAll(async () => {
    for (const adapter of adapters) adapter.close();
    await sandbox.close();
  });
  beforeEach(() => sandbox.clear());

  test('Given an e-mail, then one SendGrid v3 request with the subject, plain text and the reference in custom_args', async () => {
    const email = track(createEmailProvider({ ...common('/email'), apiKey: TOKENS.email, from: { email: 'cobranca@banco.example', name: 'Banco Exemplo' }, defaultSubject: 'Aviso de cobrança' }));
    await email.send(message({ channel: 'email', reference: 'case-1:0', address: 'ana@example.com', subject: 'Aviso de cobrança — Banco Exemplo' }));
    await email.send(message({ channel: 'email', reference: 'case-1:1', address: 'ana@example.com' }));

    const [first, ...others] = sandbox.requests({ reference: 'case-1:0' });
    expect(others).toHaveLength(0);
    expect(first).toMatchObject({ channel: 'email', path: '/email/v3/mail/send', outcome: 'accepted', taken: true });
    expect(first!.body).toEqual({
      personalizations: [{ to: [{ email: 'ana@example.com' }], custom_args: { reference: 'case-1:0' } }],
      from: { email: 'cobranca@banco.example', name: 'Banco Exemplo' },
      subject: 'Aviso de cobrança — Banco Exemplo',
      content: [{ type: 'text/plain', value: 'Olá, Ana: sua fatura venceu.' }],
    });
    expect(sandbox.requests({ reference: 'case-1:1' })).toMatchObject([{ body: { subject: 'Aviso de cobrança' } }]);
  });

  test('Given an SMS, then one request with the number in digits, one text content and the reference as externalId', async () => {
    const sms = track(createSmsProvider({ ...common('/sms'), apiToken: TOKENS.sms, from: 'REGUA' }));
    await sms.send(message({ channel: 'sms', reference: 'case-2:0' }));
    expect(sandbox.requests()).toMatchObject([
      { channel: 'sms', reference: 'case-2:0', path: '/sms/v1/messages', outcome: 'accepted', body: { from: 'REGUA', to: '5511987654321', contents: [{ type: 'text', text: 'Olá, Ana: sua fatura venceu.' }], externalId: 'case-2:0' } },
    ]);
  });

  test('Given a WhatsApp text and a template, then one Cloud API request each, the reference in biz_opaque_callback_data', async () => {
    const whatsapp = track(createWhatsAppProvider({ ...common('/whatsapp'), accessToken: TOKENS.whatsapp, phoneNumberId: '1098765' }));
    await whatsapp.send(message({ channel: 'whatsapp', reference: 'case-3:0' }));
    await whatsapp.send(message({ channel: 'whatsapp', reference: 'case-3:1', template: { name: 'lembrete_fatura', language: 'pt_BR', parameters: ['Ana', 'R$ 120,00'] } }));

    expect(sandbox.requests()).toMatchObject([
      { reference: 'case-3:0', path: '/whatsapp/v21.0/1098765/messages', outcome: 'accepted', body: { messaging_product: 'whatsapp', recipient_type: 'individual', to: '5511987654321', type: 'text', text: { body: 'Olá, Ana: sua fatura venceu.', preview_url: false }, biz_opaque_callback_data: 'case-3:0' } },
      {
        reference: 'case-3:1',
        outcome: 'accepted',
        body: { type: 'template', template: { name: 'lembrete_fatura', language: { code: 'pt_BR' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: 'R$ 120,00' }] }] }, biz_opaque_callback_data: 'case-3:1' },
      },
    ]);
  });

  test('Given a call, then one request with the number in E.164, the text as script and the reference', async () => {
    const voice = track(createVoiceProvider({ ...common('/voice'), apiKey: TOKENS.voice }));
    await voice.send(message({ channel: 'voice', reference: 'case-4:0' }));
    expect(sandbox.requests()).toMatchObject([{ channel: 'voice', path: '/voice/v1/calls', outcome: 'accepted', body: { to: '+5511987654321', script: 'Olá, Ana: sua fatura venceu.', reference: 'case-4:0' } }]);
  });

  test('Given wrong credentials, then the send fails at once with a non-retriable ProviderError (401), after one request', async () => {
    const sms = track(createSmsProvider({ ...common('/sms'), apiToken: 'wrong', from: 'REGUA' }));
    const failed = await sms.send(message({ reference: 'case-5:0' })).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(ProviderError);
    expect(failed).toMatchObject({ status: 401, retriable: false, channel: 'sms' });
    expect(sandbox.requests()).toMatchObject([{ outcome: 'unauthorized' }]);
  });

  test('Given a message the provider finds invalid, then a non-retriable ProviderError (400), not resent', async () => {
    const sms = track(createSmsProvider({ ...common('/sms'), apiToken: TOKENS.sms, from: 'REGUA' }));
    await expect(sms.send(message({ reference: 'case-6:0', address: 'not a number' }))).rejects.toMatchObject({ status: 400, retriable: false });
    expect(sandbox.requests()).toHaveLength(1);
  });
});
