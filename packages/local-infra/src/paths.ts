import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const cacheDir = process.env.REGUA_CACHE ?? join(repoRoot, '.cache');

/** Versions are pinned once, in infra/scripts/lib.sh, and read from there. */
function pinned(name: string): string {
  const lib = readFileSync(join(repoRoot, 'infra/scripts/lib.sh'), 'utf8');
  const match = new RegExp(`^${name}="([^"]+)"`, 'm').exec(lib);
  if (!match?.[1]) throw new Error(`${name} is not set in infra/scripts/lib.sh`);
  return match[1];
}

export const KAFKA_VERSION = pinned('KAFKA_VERSION');
export const FERRETDB_VERSION = pinned('FERRETDB_VERSION');
/** As root, the local PostgreSQL runs as this user (PostgreSQL refuses root); infra/scripts/install-postgresql.sh creates it. */
export const POSTGRES_USER = pinned('REGUA_POSTGRES_USER');
export const kafkaLibs = join(cacheDir, `kafka-${KAFKA_VERSION}`, 'libs');
export const ferretDbBinary = join(cacheDir, `ferretdb-${FERRETDB_VERSION}`, 'regua-ferretdb');
