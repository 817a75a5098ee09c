import { startTestInfra, type TestInfra } from './infra.ts';

declare global {
  var __reguaTestInfra: TestInfra | undefined;
}

/** Jest globalSetup: one broker and one database server per test run; tests isolate by topic and db name. */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const infra = await startTestInfra();
  globalThis.__reguaTestInfra = infra;
  // Workers are forked after this, so they inherit these variables.
  process.env.REGUA_TEST_KAFKA_BROKERS = infra.kafkaBrokers.join(',');
  process.env.REGUA_TEST_MONGO_URL = infra.mongoUrl;
  process.env.REGUA_TEST_INFRA_KIND = infra.kind;
  console.log(`\n[regua] test infrastructure (${infra.kind}) ready in ${((Date.now() - started) / 1000).toFixed(1)}s: kafka ${infra.kafkaBrokers.join(',')}, mongo ${infra.mongoUrl}`);
}
