export * from './helpers.ts';
export { startTestInfra, type TestInfra } from './infra.ts';
