export * from './app.ts';
export * from './body.ts';
export * from './server.ts';
