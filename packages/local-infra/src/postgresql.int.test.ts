// FerretDB on the local PostgreSQL: INFRA.md's two settings are applied by themselves, and FerretDB's own `_id`
// lookups (`_jsonb->$1 @> $2`, prepared) are served by the GIN index, seen by PostgreSQL's EXPLAIN and its counters.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { Client } from 'pg';
import { ServiceEnvSchema } from '@regua/config';
import { startLocalFerretDb, type LocalFerretDb } from './ferretdb.ts';
import { collectionStatistics, postgresUnavailableReason } from './postgresql.ts';
import { freePort, isAlive } from './process.ts';

const DOCUMENTS = 20_000;
const LOOKUPS = 200;
/** PGSTAT_IDLE_INTERVAL: an idle session flushes its statistics at most this long after its last statement. */
const STATS_IDLE_INTERVAL_MS = 10_000;
const DB = 'regua_pg_index_test';
const COLLECTION = 'invoices';

const unavailable = postgresUnavailableReason();
if (unavailable) console.warn(`[regua] skipping the PostgreSQL store backend test: PostgreSQL cannot run on this machine: ${unavailable}`);
const describeIfPostgres = unavailable ? describe.skip : describe;

describeIfPostgres('FerretDB on the local PostgreSQL', () => {
  let baseDir: string;
  let ferret: LocalFerretDb;
  let mongo: Connection;
  let pg: Client;
  let table: string;

  beforeAll(async () => {
    baseDir = mkdtempSync(join(tmpdir(), 'regua-pg-backend-'));
    ferret = await startLocalFerretDb({ dataDir: baseDir, port: await freePort(), storeBackend: 'postgresql' });
    mongo = await mongoose.createConnection(`${ferret.url}${DB}`).asPromise();
    pg = new Client({ connectionString: ferret.postgresql!.url });
    await pg.connect();
  }, 180_000);

  afterAll(async () => {
    await mongo?.close();
    await pg?.end();
    const pids = [ferret?.pid, ferret?.postgresql?.pid].filter((pid): pid is number => pid !== undefined);
    await ferret?.stop();
    // Stopping FerretDB stops its PostgreSQL too: nothing is left running.
    expect(pids.filter(isAlive)).toEqual([]);
    if (baseDir) rmSync(baseDir, { recursive: true, force: true });
  }, 60_000);

  test("collectionStatistics names a collection as MongoDB clients do and counts what was done to it (the bench's store operations)", async () => {
    const probe = mongo.collection<{ _id: string; n: number }>('stats_probe');
    await probe.insertMany([{ _id: 'a', n: 1 }, { _id: 'b', n: 2 }, { _id: 'c', n: 3 }]);
    await probe.findOne({ _id: 'a' });
    await probe.updateOne({ _id: 'b' }, { $set: { n: 20 } });
    // Each backend flushes its counters a second or more after its last statement (ten when idle).
    const deadline = Date.now() + STATS_IDLE_INTERVAL_MS + 5_000;
    let stats = (await collectionStatistics(ferret.postgresql!.url)).find((s) => s.collection === `${DB}.stats_probe`);
    while (!(stats && stats.inserted >= 3 && stats.updated >= 1 && stats.indexScans >= 2) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      stats = (await collectionStatistics(ferret.postgresql!.url)).find((s) => s.collection === `${DB}.stats_probe`);
    }
    expect(stats).toMatchObject({ inserted: 3, updated: 1 });
    // The read and the update each found their document through an index.
    expect(stats!.indexScans).toBeGreaterThanOrEqual(2);
  }, 30_000);

  test('FerretDB database has plan_cache_mode = force_custom_plan for every session', async () => {
    const { rows } = await pg.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode');
    expect(rows[0]!.plan_cache_mode).toBe('force_custom_plan');
  });

  test('commits do not wait for the disk (synchronous_commit off), and the disk is still written (fsync on)', async () => {
    const { rows } = await pg.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
    expect(rows[0]!.synchronous_commit).toBe('off');
    const fsync = await pg.query<{ fsync: string }>('SHOW fsync');
    expect(fsync.rows[0]!.fsync).toBe('on');
  });

  test('FerretDB\'s PostgreSQL pool is larger than what the services can have in flight, and PostgreSQL accepts it', async () => {
    // FerretDB 1.x hangs when as many updates run at once as its pool has connections (postgresql.ts). Five
    // services, twice (the two-replica test), each capped at MONGO_POOL_SIZE connections by default.
    const servicesInFlight = 2 * 5 * Number(ServiceEnvSchema.shape.MONGO_POOL_SIZE.parse(undefined));
    const cmdline = readFileSync(`/proc/${ferret.pid}/cmdline`, 'utf8').split('\0');
    const poolMaxConns = Number(/pool_max_conns=(\d+)/.exec(cmdline.find((arg) => arg.startsWith('postgres://')) ?? '')?.[1]);
    expect(poolMaxConns).toBeGreaterThan(servicesInFlight);
    const { rows } = await pg.query<{ max_connections: string }>('SHOW max_connections');
    expect(Number(rows[0]!.max_connections)).toBeGreaterThan(poolMaxConns);
  });

  test('a collection created through the MongoDB driver gets a GIN index on _id, used by FerretDB for findOne and updateOne by _id', async () => {
    await mongo.createCollection(COLLECTION);
    const documents = Array.from({ length: DOCUMENTS }, (_, i) => ({ _id: `demo-bank:INV-${i}`, tenant: 'demo-bank', amountCents: 1000 + i, status: 'open', note: 'x'.repeat(120) }));
    const collection = mongo.db!.collection<{ _id: string; amountCents: number; status: string }>(COLLECTION);
    const inserted = await collection.insertMany(documents, { ordered: false });
    expect(inserted.insertedCount).toBe(DOCUMENTS);

    // FerretDB's layout: a schema per MongoDB database, the table named in its _ferretdb_database_metadata.
    const meta = await pg.query<{ table: string }>(`SELECT _jsonb->>'table' AS table FROM "${DB}"._ferretdb_database_metadata WHERE _jsonb->>'_id' = $1`, [COLLECTION]);
    table = meta.rows[0]!.table;
    const indexes = await pg.query<{ indexname: string; indexdef: string }>('SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2', [DB, table]);
    const gin = indexes.rows.find((i) => /USING gin \(\(\(_jsonb -> '_id'::text\)\)\)/.test(i.indexdef));
    expect(gin).toBeDefined();
    const ginIndex = gin!.indexname;

    // The statement FerretDB 1.24 sends for {_id: …}, prepared like pgx does: once past the 5 custom plans after
    // which PostgreSQL would normally consider a generic plan (which cannot use the expression index).
    await pg.query(`PREPARE ferretdb_point(text, jsonb) AS SELECT _jsonb FROM "${DB}"."${table}" WHERE _jsonb->$1 @> $2`);
    let plan = '';
    for (let i = 0; i < 8; i++) {
      const explained = await pg.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE ferretdb_point('_id', '"demo-bank:INV-${i * 997}"')`);
      plan = explained.rows.map((r) => r['QUERY PLAN']).join('\n');
    }
    expect(plan).toContain(`Bitmap Index Scan on ${ginIndex}`);
    expect(plan).not.toContain('Seq Scan');

    // And FerretDB's own statements: its PostgreSQL sessions count index scans on the GIN index, no sequential scans.
    // A session reports its counters within PostgreSQL's 10 s idle interval: the table scans of creating the
    // collection's indexes must be in the first reading, not turn up in the second.
    await new Promise((resolve) => setTimeout(resolve, STATS_IDLE_INTERVAL_MS + 1000));
    await pg.query('SELECT pg_stat_clear_snapshot()');
    const before = await scans(ginIndex);
    for (let i = 0; i < LOOKUPS; i++) {
      const id = `demo-bank:INV-${(i * 7919) % DOCUMENTS}`;
      const found = await collection.findOne({ _id: id });
      expect(found?._id).toBe(id);
    }
    const updated = await Promise.all(Array.from({ length: 40 }, (_, i) => collection.updateOne({ _id: `demo-bank:INV-${i * 101}` }, { $set: { status: 'paid' } })));
    expect(updated.every((u) => u.modifiedCount === 1)).toBe(true);
    // Sessions report their counters when idle, within PostgreSQL's 10 s idle interval.
    const after = await waitForScans(ginIndex, before.indexScans + LOOKUPS + 40);
    expect(after.indexScans - before.indexScans).toBeGreaterThanOrEqual(LOOKUPS + 40);
    expect(after.seqScans - before.seqScans).toBe(0);
  }, 180_000);

  async function scans(index: string): Promise<{ indexScans: number; seqScans: number }> {
    const { rows } = await pg.query<{ idx: string; seq: string }>(
      `SELECT i.idx_scan AS idx, t.seq_scan AS seq FROM pg_stat_user_indexes i JOIN pg_stat_user_tables t USING (relid)
       WHERE i.schemaname = $1 AND i.indexrelname = $2`,
      [DB, index],
    );
    return { indexScans: Number(rows[0]!.idx), seqScans: Number(rows[0]!.seq) };
  }

  async function waitForScans(index: string, atLeast: number): Promise<{ indexScans: number; seqScans: number }> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      // A new snapshot of the statistics each time (they are cached for the transaction otherwise).
      await pg.query('SELECT pg_stat_clear_snapshot()');
      const current = await scans(index);
      if (current.indexScans >= atLeast || Date.now() > deadline) return current;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
});
