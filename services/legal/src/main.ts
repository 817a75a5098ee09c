import { loadConfig } from '@regua/config';
import { runMain } from '@regua/service-kit';
import { LegalEnvSchema } from './config.ts';
import { startLegal } from './service.ts';

await runMain(() => startLegal(loadConfig(LegalEnvSchema, process.env)));
