import { z } from '@regua/config';

const range = z
  .string()
  .regex(/^\d+(-\d+)?$/, 'must be ms or a low-high range of ms, e.g. 50-300')
  .transform((value): [number, number] => {
    const [low, high] = value.split('-').map(Number) as [number, number, ...number[]];
    return [low, high ?? low];
  });

/** The stand-in's environment (main.ts). The token defaults to the demo's published one. */
export const BankStandInEnvSchema = z.object({
  BANK_STANDIN_PORT: z.coerce.number().int().min(0).max(65535).default(8088),
  BANK_STANDIN_HOST: z.union([z.ipv4(), z.ipv6(), z.literal('localhost')]).default('127.0.0.1'),
  BANK_STANDIN_TOKEN: z.string().min(1).default('demo-bank-token-change-me'),
  BANK_STANDIN_BANK_CODE: z.string().regex(/^\d{3}$/).default('001'),
  BANK_STANDIN_LATENCY_MS: range.default([50, 300]),
  BANK_STANDIN_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0),
  BANK_STANDIN_SEED: z.coerce.number().int().default(1),
});
