import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { ferretDbBinary, FERRETDB_VERSION } from './paths.ts';
import { FERRETDB_POOL_MAX_CONNS, startLocalPostgres, type LocalPostgres } from './postgresql.ts';
import { freePort, spawnLogged, waitUntil, type ManagedProcess } from './process.ts';

/** Where FerretDB keeps the data: a local PostgreSQL (the embedded default) or SQLite files. */
export type StoreBackend = 'sqlite' | 'postgresql';
export const STORE_BACKENDS: readonly StoreBackend[] = ['sqlite', 'postgresql'];
/**
 * PostgreSQL, by measurement (README, "Store backends"): with an index on `_id` its point reads and updates stay
 * flat as collections grow, where SQLite scans the table for each (149–487× slower at 50,000 documents), and
 * the whole pipeline ran 2× faster on it in the same benchmark run.
 */
export const DEFAULT_STORE_BACKEND: StoreBackend = 'postgresql';

/** For composition roots: REGUA_STORE_BACKEND's value, checked (unset or empty means the default). */
export function parseStoreBackend(value: string | undefined): StoreBackend {
  if (value === undefined || value === '') return DEFAULT_STORE_BACKEND;
  if ((STORE_BACKENDS as readonly string[]).includes(value)) return value as StoreBackend;
  throw new Error(`REGUA_STORE_BACKEND must be one of ${STORE_BACKENDS.join(', ')}, not "${value}"`);
}

export interface LocalFerretDbOptions {
  dataDir: string;
  port: number;
  detached?: boolean;
  startTimeoutMs?: number;
  /** postgresql (default): a PostgreSQL of its own under dataDir/postgresql. sqlite: files under dataDir/sqlite. */
  storeBackend?: StoreBackend;
  /** PostgreSQL's port with the postgresql backend; a free one if not given. */
  postgresPort?: number;
  /** postgresql backend: false leaves out INFRA.md's two index settings (for measurements only). */
  postgresIndexSettings?: boolean;
}

export interface LocalFerretDb extends ManagedProcess {
  url: string;
  logFile: string;
  storeBackend: StoreBackend;
  /** The PostgreSQL under FerretDB (postgresql backend); stop() stops it too, after FerretDB. */
  postgresql?: LocalPostgres;
}

/**
 * FerretDB on its SQLite backend (one file per database under dataDir, nothing else to run) or on its PostgreSQL
 * backend (PostgreSQL started first, as a local process, see postgresql.ts).
 */
export async function startLocalFerretDb(options: LocalFerretDbOptions): Promise<LocalFerretDb> {
  if (!existsSync(ferretDbBinary)) throw new Error(`FerretDB ${FERRETDB_VERSION} is missing at ${ferretDbBinary}: run bash infra/scripts/install-ferretdb.sh`);
  const storeBackend = options.storeBackend ?? DEFAULT_STORE_BACKEND;
  mkdirSync(options.dataDir, { recursive: true });
  let postgresql: LocalPostgres | undefined;
  let handlerArgs: string[];
  if (storeBackend === 'postgresql') {
    postgresql = await startLocalPostgres({
      dataDir: join(options.dataDir, 'postgresql'),
      port: options.postgresPort ?? (await freePort()),
      detached: options.detached ?? false,
      indexSettings: options.postgresIndexSettings ?? true,
    });
    handlerArgs = ['-handler', 'postgresql', '-postgresql-url', `${postgresql.url}?pool_max_conns=${FERRETDB_POOL_MAX_CONNS}`];
  } else {
    const sqliteDir = join(options.dataDir, 'sqlite');
    mkdirSync(sqliteDir, { recursive: true });
    handlerArgs = ['-handler', 'sqlite', '-sqlite-url', `file:${sqliteDir}/`];
  }
  const logFile = join(options.dataDir, 'ferretdb.log');
  let ferret: ManagedProcess | undefined;
  try {
    const { child, process } = spawnLogged({
      command: ferretDbBinary,
      args: ['-listen-addr', `127.0.0.1:${options.port}`, ...handlerArgs, '-log-level', 'warn'],
      logFile,
      detached: options.detached ?? false,
    });
    ferret = process;
    let exit: string | undefined;
    child.on('exit', (code, signal) => {
      exit = `code ${code} signal ${signal} (see ${logFile})`;
    });
    const url = `mongodb://127.0.0.1:${options.port}/`;
    await waitUntil(`FerretDB on 127.0.0.1:${options.port}`, () => mongoAnswers(url), { timeoutMs: options.startTimeoutMs ?? 30_000, exited: () => exit });
    const started = ferret;
    const stop = async () => {
      await started.stop();
      await postgresql?.stop();
    };
    return { pid: started.pid, stop, url, logFile, storeBackend, ...(postgresql ? { postgresql } : {}) };
  } catch (error) {
    await ferret?.stop();
    await postgresql?.stop();
    throw error;
  }
}

export async function mongoAnswers(url: string): Promise<boolean> {
  const connection = mongoose.createConnection(url, { serverSelectionTimeoutMS: 1000 });
  try {
    await connection.asPromise();
    await connection.db!.admin().command({ ping: 1 });
    return true;
  } finally {
    await connection.close().catch(() => undefined);
  }
}
