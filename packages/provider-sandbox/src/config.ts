import { z } from '@regua/config';

const range = z
  .string()
  .regex(/^\d+(-\d+)?$/, 'must be ms or a low-high range of ms, e.g. 300-3000')
  .transform((value): [number, number] => {
    const [low, high] = value.split('-').map(Number) as [number, number, ...number[]];
    return [low, high ?? low];
  });
const share = z.coerce.number().min(0).max(1);

/** The stand-in's environment (main.ts). Credentials default to the demo's published ones. */
export const ProviderSandboxEnvSchema = z.object({
  PROVIDER_SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(8087),
  PROVIDER_SANDBOX_HOST: z.union([z.ipv4(), z.ipv6(), z.literal('localhost')]).default('127.0.0.1'),
  PROVIDER_SANDBOX_EMAIL_API_KEY: z.string().min(1).default('demo-sendgrid-key-change-me'),
  PROVIDER_SANDBOX_SMS_API_TOKEN: z.string().min(1).default('demo-sms-token-change-me'),
  PROVIDER_SANDBOX_WHATSAPP_TOKEN: z.string().min(1).default('demo-whatsapp-token-change-me'),
  PROVIDER_SANDBOX_VOICE_API_KEY: z.string().min(1).default('demo-voice-key-change-me'),
  /** Where receipts go (notification's receipt endpoint); unset, none are posted. */
  PROVIDER_SANDBOX_WEBHOOK_URL: z.url().optional(),
  PROVIDER_SANDBOX_WEBHOOK_SECRET: z.string().min(16).default('demo-receipts-secret-change-me'),
  PROVIDER_SANDBOX_SEED: z.coerce.number().int().default(1),
  PROVIDER_SANDBOX_DELIVERED_MS: range.default([300, 3_000]),
  PROVIDER_SANDBOX_READ_MS: range.default([2_000, 30_000]),
  PROVIDER_SANDBOX_REPLY_MS: range.default([5_000, 60_000]),
  PROVIDER_SANDBOX_FAILED_RATE: share.default(0.05),
  PROVIDER_SANDBOX_READ_RATE: share.default(0.6),
  PROVIDER_SANDBOX_REPLY_RATE: share.default(0.08),
  /** For every channel at start; `POST /_sandbox/faults` changes them at run time. */
  PROVIDER_SANDBOX_SERVER_ERROR_RATE: share.default(0),
  PROVIDER_SANDBOX_TIMEOUT_RATE: share.default(0),
  PROVIDER_SANDBOX_TAKEN_ON_FAULT_RATE: share.default(0.5),
});

export type ProviderSandboxEnv = z.output<typeof ProviderSandboxEnvSchema>;
