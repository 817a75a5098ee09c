import { loadConfig } from '@regua/config';
import { runMain } from '@regua/service-kit';
import { PaymentReconciliationEnvSchema } from './config.ts';
import { startPaymentReconciliation } from './service.ts';

await runMain(() => startPaymentReconciliation(loadConfig(PaymentReconciliationEnvSchema, process.env)));
