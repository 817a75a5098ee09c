import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ConflictError } from '@regua/errors';
import type { Logger } from '@regua/telemetry';
import type { CnabImport } from './cnab-import.ts';
import { Cnab240Error, type Cnab240Issue } from './domain/cnab240.ts';

const RETURN_FILE = /\.(ret|txt)$/i;

export interface CnabInboxDeps {
  /** `<dir>/<tenant>/` holds one tenant's return files. */
  dir: string;
  /** Tenants whose folders are read; other folders are left alone (a typo must not create payments for nobody). */
  tenants: ReadonlySet<string>;
  importer: CnabImport;
  maxBytes: number;
  /** A file is taken only once unchanged this long: one a bank's transfer is still writing is left for later. */
  settleMs: number;
  logger: Logger;
}

export interface InboxRejection {
  file: string;
  reason: string;
  errors: Array<Cnab240Issue | { message: string }>;
}

/**
 * A watched folder of return files (`*.ret`, `*.txt`), for banks that deliver by SFTP: each file is processed like
 * an upload, then moved to `processed/` beside it, or to `rejected/` with `<name>.errors.json` saying why (every
 * problem with its line and column, another file's sequence number, too large). A file seen before is moved to
 * `processed/` (nothing applied again). A failure of the database or the broker leaves the file where it is, for the
 * next scan, and the scan goes on with the other files. Times here are the file system's, so the wall clock.
 */
export function createCnabInbox(deps: CnabInboxDeps) {
  const warnedFolders = new Set<string>();

  async function move(folder: string, name: string, to: 'processed' | 'rejected'): Promise<string> {
    const target = join(folder, to);
    await mkdir(target, { recursive: true });
    const ext = extname(name);
    // A name already used there (the bank's names repeat every day for some) gets the time appended.
    const existing = new Set(await readdir(target));
    const free = existing.has(name) ? `${name.slice(0, name.length - ext.length)}.${new Date().toISOString().replace(/[:.]/g, '-')}${ext}` : name;
    await rename(join(folder, name), join(target, free));
    return join(target, free);
  }

  async function reject(folder: string, name: string, rejection: InboxRejection): Promise<void> {
    const moved = await move(folder, name, 'rejected');
    await writeFile(`${moved}.errors.json`, `${JSON.stringify(rejection, null, 2)}\n`);
    deps.logger.warn({ file: moved, reason: rejection.reason, problems: rejection.errors.length }, 'CNAB 240 file rejected');
  }

  async function takeFile(tenant: string, folder: string, name: string): Promise<void> {
    const path = join(folder, name);
    const info = await stat(path);
    if (!info.isFile() || Date.now() - info.mtimeMs < deps.settleMs) return;
    if (info.size > deps.maxBytes) return reject(folder, name, { file: name, reason: 'too large', errors: [{ message: `the file has ${info.size} bytes, more than ${deps.maxBytes}` }] });
    try {
      // Read from the disk twice (checked, then applied), never whole in memory.
      const result = await deps.importer.importText(tenant, () => createReadStream(path, { encoding: 'latin1' }), { origin: 'inbox', name });
      const moved = await move(folder, name, 'processed');
      deps.logger.info({ tenant, file: moved, fileId: result.fileId, duplicate: result.duplicate, ...result.counts }, 'CNAB 240 file from the inbox processed');
    } catch (error) {
      if (error instanceof Cnab240Error) return reject(folder, name, { file: name, reason: 'the file cannot be read whole: nothing applied', errors: [...error.errors] });
      if (error instanceof ConflictError) return reject(folder, name, { file: name, reason: error.message, errors: [{ message: error.message }] });
      throw error;
    }
  }

  return {
    /** One pass over every tenant's folder. Files are taken one at a time, oldest name first. */
    async scan(): Promise<void> {
      const folders = await readdir(deps.dir, { withFileTypes: true });
      for (const folder of folders.filter((f) => f.isDirectory())) {
        if (!deps.tenants.has(folder.name)) {
          if (!warnedFolders.has(folder.name)) deps.logger.warn({ folder: folder.name }, 'CNAB inbox folder of no configured tenant: left alone');
          warnedFolders.add(folder.name);
          continue;
        }
        const tenantFolder = join(deps.dir, folder.name);
        const names = (await readdir(tenantFolder)).filter((name) => RETURN_FILE.test(name)).sort();
        for (const name of names) {
          try {
            await takeFile(folder.name, tenantFolder, name);
          } catch (error) {
            // The database or the broker, most likely: the file stays, for the next scan.
            deps.logger.error({ err: error, tenant: folder.name, file: name }, 'CNAB inbox file left for the next scan');
          }
        }
      }
    },
  };
}

export type CnabInbox = ReturnType<typeof createCnabInbox>;
