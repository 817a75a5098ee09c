import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { NotFoundError } from '@regua/errors';
import { MODEL_VERSION_PATTERN, modelFromJson, type Model } from './model.ts';

/** The committed artifacts: services/scoring/model/artifacts/<version>/model.json and current.json. */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../model/artifacts/', import.meta.url));

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`no model artifact at ${path}`);
    throw error;
  }
}

/**
 * Loads a model artifact: `'current'` (the version artifacts/current.json names), a version id
 * (`pd-2026.11.26-1`), or the path of a model.json.
 */
export async function loadModel(pathOrVersion: string, artifactsDir: string = ARTIFACTS_DIR): Promise<Model> {
  let version = pathOrVersion;
  if (version === 'current') {
    const pointer = (await readJson(join(artifactsDir, 'current.json'))) as { version?: unknown };
    version = String(pointer.version);
  }
  const path = MODEL_VERSION_PATTERN.test(version) ? join(artifactsDir, version, 'model.json') : pathOrVersion;
  return modelFromJson(await readJson(path));
}
