import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ferretDbBinary, kafkaLibs, repoRoot } from './paths.ts';

/** Runs the project's idempotent install scripts for whatever is missing. */
export function ensureInstalled(): void {
  if (!existsSync(join(kafkaLibs, '..', '.installed'))) runScript('install-kafka.sh');
  if (!existsSync(ferretDbBinary)) runScript('install-ferretdb.sh');
}

function runScript(name: string): void {
  execFileSync('bash', [join(repoRoot, 'infra/scripts', name)], { stdio: ['ignore', 'inherit', 'inherit'] });
}
