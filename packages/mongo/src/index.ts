import mongoose, { type Connection } from 'mongoose';
import type { Logger } from 'pino';

export interface MongoOptions {
  url: string;
  /** Each service owns one database and never reads another's. */
  dbName: string;
  logger: Logger;
  /** Commands slower than this are logged at warn, with their collection and duration (0: off). */
  slowCommandMs?: number;
  /** How `findByIds` reads many documents: `by-id` (default) or one `$in` (for FerretDB on SQLite). */
  bulkReads?: BulkReads;
  /**
   * Connections, and so operations in flight at once (the driver's default is 100). FerretDB on PostgreSQL hangs
   * when more updates or deletes run at once than its own pool has connections (packages/local-infra, postgresql.ts).
   */
  maxPoolSize?: number;
}

/**
 * `by-id`: single-document reads by `_id`, concurrently; their cost follows the number of ids wherever `_id` is
 * indexed (MongoDB, FerretDB on PostgreSQL with the local infrastructure's index). `in`: one `$in` query, one
 * scan of the collection on FerretDB; better only where every read is a scan anyway (FerretDB on SQLite).
 */
export type BulkReads = 'by-id' | 'in';
const bulkReadsOf = new WeakMap<object, BulkReads>();

// Mongoose records a stack trace for every query it runs, to report a query run twice; on a hot path of point
// reads that was 4% of a service's CPU (payment-reconciliation's CNAB apply, profiled).
mongoose.set('skipOriginalStackTraces', true);

/**
 * Opens a connection to one service database. Works on MongoDB and on FerretDB, so callers keep to the
 * portable subset: no transactions, change streams, $lookup/$facet, TTL or partial indexes, or field
 * names with dots; idempotency comes from unique indexes instead.
 */
export async function connectMongo(options: MongoOptions): Promise<Connection> {
  const connection = mongoose.createConnection(options.url, {
    dbName: options.dbName,
    serverSelectionTimeoutMS: 10_000,
    maxPoolSize: options.maxPoolSize ?? 32,
    autoIndex: false,
    autoCreate: true,
    monitorCommands: (options.slowCommandMs ?? 0) > 0,
  });
  if (options.slowCommandMs) logSlowCommands(connection, options.slowCommandMs, options.logger.child({ db: options.dbName }));
  let closing = false;
  const close = connection.close.bind(connection);
  // Only an unplanned disconnect is worth a warning.
  connection.close = (force?: boolean) => {
    closing = true;
    return close(force);
  };
  connection.on('disconnected', () => {
    if (!closing) options.logger.warn({ db: options.dbName }, 'mongo disconnected');
  });
  connection.on('reconnected', () => options.logger.info({ db: options.dbName }, 'mongo reconnected'));
  await connection.asPromise();
  bulkReadsOf.set(connection, options.bulkReads ?? 'by-id');
  return connection;
}

/** The store is where a pipeline on FerretDB spends its time: say which commands are slow, on which collection. */
function logSlowCommands(connection: Connection, slowMs: number, logger: Logger): void {
  const started = new Map<number, { command: string; collection: unknown }>();
  const client = connection.getClient();
  client.on('commandStarted', (event) => started.set(event.requestId, { command: event.commandName, collection: event.command[event.commandName] }));
  client.on('commandSucceeded', (event) => {
    const info = started.get(event.requestId);
    started.delete(event.requestId);
    if (event.duration >= slowMs) logger.warn({ command: event.commandName, collection: info?.collection, durationMs: Math.round(event.duration) }, 'slow database command');
  });
  client.on('commandFailed', (event) => started.delete(event.requestId));
}

/** Creates the indexes declared on each model; run at start-up, before serving. */
export async function ensureIndexes(connection: Connection): Promise<void> {
  for (const model of Object.values(connection.models)) {
    await model.createCollection().catch(ignoreAlreadyExists);
    await model.createIndexes();
  }
}

export async function pingMongo(connection: Connection): Promise<void> {
  const db = connection.db;
  if (!db) throw new Error('mongo is not connected');
  await db.admin().command({ ping: 1 });
}

/** True for a unique-index violation: the write was a duplicate. */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error as { code: unknown }).code === 11000;
}

/** Inserts unless a document with the same unique key exists; false means it was a duplicate. */
export async function insertIfAbsent<T>(model: { create(doc: T): Promise<unknown> }, doc: T): Promise<boolean> {
  try {
    await model.create(doc);
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

/**
 * `insertIfAbsent` through the driver's collection: no mongoose document is built, cast or validated, so the
 * document must already be as stored. For hot paths: a mongoose `create` (document, validation, save hooks) was the
 * largest library cost in payment-reconciliation's CPU profile under the bench, above the insert it sends.
 */
export async function insertOneIfAbsent<T extends { _id: string }>(target: { collection: { insertOne(doc: never): Promise<unknown> } }, doc: T): Promise<boolean> {
  try {
    await target.collection.insertOne(doc as never);
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

/**
 * Inserts many documents with unique `_id`s in one call and reports which were new: the cheap idempotent write
 * on MongoDB and on FerretDB alike (unordered, so one duplicate does not stop the rest). Any error other than
 * a duplicate key is thrown.
 */
/** A mongoose model, or `{ collection }` for a collection without a model (e.g. a time bucket). */
interface InsertTarget {
  collection: { insertMany(docs: never, options: { ordered: boolean }): Promise<unknown> };
}

export async function insertManyIfAbsent<T extends { _id: string }>(model: InsertTarget, all: T[]): Promise<Set<string>> {
  // The same id twice in one call: the first one counts.
  const inserted = new Set<string>();
  const docs = all.filter((d) => !inserted.has(d._id) && inserted.add(d._id));
  if (docs.length === 0) return inserted;
  try {
    // The driver's collection, not mongoose's model: no casting or validation pass over thousands of documents.
    await model.collection.insertMany(docs as never, { ordered: false });
  } catch (error) {
    const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
    const failures = ((Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : []) as Array<{ index?: number; code?: number; err?: { code?: number; index?: number } }>).map((f) => ({ code: f.code ?? f.err?.code, index: f.index ?? f.err?.index }));
    if (failures.length === 0 || failures.some((f) => f.code !== 11000 || f.index === undefined)) throw error;
    for (const failure of failures) inserted.delete(docs[failure.index!]!._id);
  }
  return inserted;
}

/**
 * Reads many documents by `_id`, the way the connection was told to (`BulkReads`): by default as single-document
 * reads, `concurrency` at a time, because on FerretDB an `$in` scans the whole collection while a read by `_id`
 * uses the `_id` index (README, "Store backends"). In the order of `ids`; missing ids are absent from the result.
 */
export async function findByIds<T>(
  model: { db: object; find(filter: object, projection?: Record<string, 0 | 1>): { lean<R>(): { exec(): Promise<R> } }; findById(id: string, projection?: Record<string, 0 | 1>): { lean<R>(): { exec(): Promise<R | null> } } },
  ids: readonly string[],
  options: { projection?: Record<string, 0 | 1>; concurrency?: number } = {},
): Promise<T[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const found = new Map<string, T>();
  if (bulkReadsOf.get(model.db) === 'in') {
    for (const doc of await model.find({ _id: { $in: unique } }, options.projection).lean<Array<T & { _id: string }>>().exec()) found.set(doc._id, doc);
  } else {
    await forEachConcurrently(unique, options.concurrency ?? 16, async (id) => {
      const doc = await readById<T>(model as unknown as ReadTarget, id, options.projection);
      if (doc) found.set(id, doc);
    });
  }
  // In the order asked, whichever read answered first: callers list them (event payloads) as the ids came.
  return unique.flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
}

/** A mongoose model, or anything with the driver's collection. */
interface ReadTarget {
  collection: { findOne(filter: object, options?: object): Promise<unknown> };
}

/**
 * One document by `_id`, as stored (like a lean query), through the driver's collection: a hot path's point read
 * without mongoose's query building, casting and hooks, which cost more CPU than the driver itself (profiled on
 * the CNAB apply). For string `_id`s and documents read as they were written.
 */
export async function readById<T>(model: ReadTarget, id: string, projection?: Record<string, 0 | 1>): Promise<T | null> {
  return (await model.collection.findOne({ _id: id }, projection ? { projection } : undefined)) as T | null;
}

/**
 * Applies an update to one document by `_id` through the driver's collection and returns it as it is after (null
 * when absent, or when it does not meet `condition`): `readById`'s write counterpart. The update is passed as
 * written: no casting.
 */
export async function updateById<T>(model: { collection: { findOneAndUpdate(filter: object, update: object, options: object): Promise<unknown> } }, id: string, update: object, condition: object = {}): Promise<T | null> {
  return (await model.collection.findOneAndUpdate({ ...condition, _id: id }, update, { returnDocument: 'after' })) as T | null;
}

/** Runs `work` over `items` with at most `limit` at a time: single-document writes by `_id`, in parallel over the pool. */
export async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export interface Lease {
  /** True if this holder has the lease until `now + ttl` (taken if free or expired, renewed if already held). */
  tryAcquire(now: Date): Promise<boolean>;
  /** Gives the lease up at once (a clean stop), so another holder need not wait for it to expire. */
  release(): Promise<void>;
}

/**
 * A lease in one document: which replica does a job that must not run twice at once (an outbox relay). Point
 * operations on a collection of a few documents only; a holder that stalls past the ttl loses it, so the job
 * must stay safe to repeat (at-least-once), the lease only keeps repeats rare.
 */
export function createLease(db: Connection, name: string, holder: string, ttlMs: number): Lease {
  const leases = db.collection<{ _id: string; holder: string; until: Date }>('leases');
  return {
    async tryAcquire(now) {
      const until = new Date(now.getTime() + ttlMs);
      const taken = await leases.updateOne({ _id: name, $or: [{ holder }, { until: { $lt: now } }] }, { $set: { holder, until } });
      if (taken.matchedCount === 1) return true;
      try {
        await leases.insertOne({ _id: name, holder, until });
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false; // held by another replica
        throw error;
      }
    },
    async release() {
      await leases.deleteOne({ _id: name, holder });
    },
  };
}

function ignoreAlreadyExists(error: unknown): void {
  if (typeof error === 'object' && error !== null && 'codeName' in error && (error as { codeName: string }).codeName === 'NamespaceExists') return;
  throw error;
}

export { mongoose };
export type { Connection };
export { oneAtATime } from './one-at-a-time.ts';
export { createDataSubjectRequestLog, type DataSubjectRequestLog, type DataSubjectRequestRecord } from './data-subject-requests.ts';
