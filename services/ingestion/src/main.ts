import { loadConfig } from '@regua/config';
import { runMain } from '@regua/service-kit';
import { IngestionEnvSchema } from './config.ts';
import { startIngestion } from './service.ts';

await runMain(() => startIngestion(loadConfig(IngestionEnvSchema, process.env)));
