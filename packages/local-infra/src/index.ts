export * from './kafka.ts';
export * from './ferretdb.ts';
export * from './postgresql.ts';
export * from './process.ts';
export * from './install.ts';
export * from './stack.ts';
export { repoRoot, cacheDir, KAFKA_VERSION, FERRETDB_VERSION } from './paths.ts';
export * from './services.ts';
export * from './bank-door.ts';
