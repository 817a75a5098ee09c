export * from './sdk.ts';
export * from './logger.ts';
export * from './spans.ts';
export * from './redact.ts';
export * from './metrics.ts';
