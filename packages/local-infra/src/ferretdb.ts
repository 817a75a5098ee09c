import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { ferretDbBinary, FERRETDB_VERSION } from './paths.ts';
import { spawnLogged, waitUntil, type ManagedProcess } from './process.ts';

export interface LocalFerretDbOptions {
  dataDir: string;
  port: number;
  detached?: boolean;
  startTimeoutMs?: number;
}

export interface LocalFerretDb extends ManagedProcess {
  url: string;
  logFile: string;
}

/** FerretDB on its SQLite backend: one file per database under dataDir, nothing else to run. */
export async function startLocalFerretDb(options: LocalFerretDbOptions): Promise<LocalFerretDb> {
  if (!existsSync(ferretDbBinary)) throw new Error(`FerretDB ${FERRETDB_VERSION} is missing at ${ferretDbBinary}: run bash infra/scripts/install-ferretdb.sh`);
  const sqliteDir = join(options.dataDir, 'sqlite');
  mkdirSync(sqliteDir, { recursive: true });
  const logFile = join(options.dataDir, 'ferretdb.log');
  const { child, process } = spawnLogged({
    command: ferretDbBinary,
    args: ['-listen-addr', `127.0.0.1:${options.port}`, '-handler', 'sqlite', '-sqlite-url', `file:${sqliteDir}/`, '-log-level', 'warn'],
    logFile,
    detached: options.detached ?? false,
  });
  let exit: string | undefined;
  child.on('exit', (code, signal) => {
    exit = `code ${code} signal ${signal} (see ${logFile})`;
  });
  const url = `mongodb://127.0.0.1:${options.port}/`;
  await waitUntil(`FerretDB on 127.0.0.1:${options.port}`, () => mongoAnswers(url), { timeoutMs: options.startTimeoutMs ?? 30_000, exited: () => exit });
  return { ...process, url, logFile };
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
