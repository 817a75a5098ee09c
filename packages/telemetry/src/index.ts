export * from './sdk.ts';
export * from './logger.ts';
