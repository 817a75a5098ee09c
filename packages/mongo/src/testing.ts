import { createLogger } from '@regua/telemetry';
import { testEndpoints, uniqueName } from '@regua/testing';
import { connectMongo, type Connection } from './index.ts';

/**
 * For a store's integration tests: a database of its own for each test, on the test store (FerretDB or MongoDB),
 * dropped after it. Call inside a `describe`; the returned function gives the current test's connection.
 */
export function useScratchDatabase(prefix: string): () => Connection {
  let db: Connection | undefined;
  beforeEach(async () => {
    db = await connectMongo({ url: testEndpoints().mongoUrl, dbName: uniqueName(prefix), logger: createLogger({ service: 'test', level: 'silent' }) });
  });
  afterEach(async () => {
    await db?.dropDatabase();
    await db?.close();
    db = undefined;
  });
  return () => {
    if (!db) throw new Error('the scratch database exists only while a test runs');
    return db;
  };
}
