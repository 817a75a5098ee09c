export * from './helpers.ts';
export { startFreshKafka, startTestInfra, type FreshKafka, type TestInfra } from './infra.ts';
