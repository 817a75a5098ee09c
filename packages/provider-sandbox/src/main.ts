// `node packages/provider-sandbox/src/main.ts`: the stand-in on its own, configured by PROVIDER_SANDBOX_* (config.ts).
import { loadConfig } from '@regua/config';
import { ProviderSandboxEnvSchema } from './config.ts';
import { startProviderSandbox } from './index.ts';

// eslint-disable-next-line no-restricted-syntax -- this file is the stand-in's composition root
const env = loadConfig(ProviderSandboxEnvSchema, process.env);
const faults = { serverError: env.PROVIDER_SANDBOX_SERVER_ERROR_RATE, timeout: env.PROVIDER_SANDBOX_TIMEOUT_RATE, takenOnFault: env.PROVIDER_SANDBOX_TAKEN_ON_FAULT_RATE };
const sandbox = await startProviderSandbox({
  port: env.PROVIDER_SANDBOX_PORT,
  host: env.PROVIDER_SANDBOX_HOST,
  tokens: { email: env.PROVIDER_SANDBOX_EMAIL_API_KEY, sms: env.PROVIDER_SANDBOX_SMS_API_TOKEN, whatsapp: env.PROVIDER_SANDBOX_WHATSAPP_TOKEN, voice: env.PROVIDER_SANDBOX_VOICE_API_KEY },
  ...(env.PROVIDER_SANDBOX_WEBHOOK_URL ? { webhookUrl: env.PROVIDER_SANDBOX_WEBHOOK_URL, webhookSecret: env.PROVIDER_SANDBOX_WEBHOOK_SECRET } : {}),
  delays: { deliveredMs: env.PROVIDER_SANDBOX_DELIVERED_MS, readMs: env.PROVIDER_SANDBOX_READ_MS, replyMs: env.PROVIDER_SANDBOX_REPLY_MS },
  rates: { failed: env.PROVIDER_SANDBOX_FAILED_RATE, read: env.PROVIDER_SANDBOX_READ_RATE, reply: env.PROVIDER_SANDBOX_REPLY_RATE },
  faults: { email: faults, sms: faults, whatsapp: faults, voice: faults },
  seed: env.PROVIDER_SANDBOX_SEED,
});
console.log(`provider sandbox on ${sandbox.url} (receipts ${env.PROVIDER_SANDBOX_WEBHOOK_URL ? `to ${env.PROVIDER_SANDBOX_WEBHOOK_URL}` : 'off: no PROVIDER_SANDBOX_WEBHOOK_URL'})`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void sandbox.close().then(() => process.exit(0)));
