import { loadConfig } from '@regua/config';
import { runMain } from '@regua/service-kit';
import { EnrichmentEnvSchema } from './config.ts';
import { startEnrichment } from './service.ts';

await runMain(() => startEnrichment(loadConfig(EnrichmentEnvSchema, process.env)));
