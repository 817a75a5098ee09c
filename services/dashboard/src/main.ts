import { loadConfig } from '@regua/config';
import { runMain } from '@regua/service-kit';
import { DashboardEnvSchema } from './config.ts';
import { startDashboard } from './service.ts';

await runMain(() => startDashboard(loadConfig(DashboardEnvSchema, process.env)));
