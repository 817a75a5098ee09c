import { loadConfig } from '@regua/config';
import { runMain } from '@regua/service-kit';
import { ScoringEnvSchema } from './config.ts';
import { startScoring } from './service.ts';

await runMain(() => startScoring(loadConfig(ScoringEnvSchema, process.env)));
