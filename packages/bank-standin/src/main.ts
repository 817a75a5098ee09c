// `node packages/bank-standin/src/main.ts`: the bank stand-in on its own, configured by BANK_STANDIN_* (config.ts).
import { loadConfig } from '@regua/config';
import { BankStandInEnvSchema } from './config.ts';
import { startBankStandIn } from './index.ts';

// eslint-disable-next-line no-restricted-syntax -- this file is the stand-in's composition root
const env = loadConfig(BankStandInEnvSchema, process.env);
const bank = await startBankStandIn({ port: env.BANK_STANDIN_PORT, host: env.BANK_STANDIN_HOST, token: env.BANK_STANDIN_TOKEN, bankCode: env.BANK_STANDIN_BANK_CODE, latencyMs: env.BANK_STANDIN_LATENCY_MS, failureRate: env.BANK_STANDIN_FAILURE_RATE, seed: env.BANK_STANDIN_SEED });
console.log(`bank stand-in on ${bank.url} (POST /cobrancas/v2/boletos, GET|POST …/:nossoNumero[/baixar], Authorization: Bearer …)`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void bank.close().then(() => process.exit(0)));
