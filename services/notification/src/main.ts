import { loadConfig } from '@regua/config';
import { runMain } from '@regua/service-kit';
import { NotificationEnvSchema } from './config.ts';
import { startNotification } from './service.ts';

await runMain(() => startNotification(loadConfig(NotificationEnvSchema, process.env)));
