export * from './clock.ts';
export * from './runtime.ts';
export * from './periodic.ts';
