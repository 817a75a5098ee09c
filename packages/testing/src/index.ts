export * from './helpers.ts';
export { startFreshKafka, startTestInfra, type FreshKafka, type TestInfra } from './infra.ts';
export { runSchemathesis, type SchemathesisCall, type SchemathesisOptions, type SchemathesisResult } from './schemathesis.ts';
