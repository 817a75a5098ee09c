import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';
import type { StoreBackend } from './ferretdb.ts';
import { sleep } from './process.ts';

/** The services, in pipeline order; each runs `services/<name>/src/main.ts`. */
export const SERVICE_NAMES = ['ingestion', 'enrichment', 'scoring', 'notification', 'payment-reconciliation', 'legal', 'dashboard'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * V8 sizes its heap from the machine's memory (gigabytes here) and so collects lazily: a service's RSS kept growing
 * under load to 350–420 MB. A bounded old space and small young generation keep each service near 200 MB; the
 * container image (infra/docker/service.Dockerfile) runs with the same flags. A batch of 1,000 invoices needs a few
 * tens of MB.
 */
export const SERVICE_NODE_FLAGS = ['--max-old-space-size=128', '--max-semi-space-size=4'];

/**
 * Starts one service as its own Node process, exactly as `pnpm stack` and a container do: its main.ts with the
 * OpenTelemetry preload, configured by environment only. Output is piped; the caller reads or logs it.
 */
export function spawnService(name: ServiceName, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [...SERVICE_NODE_FLAGS, '--disable-warning=TimeoutNegativeWarning', '--import', './src/instrumentation.ts', 'src/main.ts'], {
    cwd: join(repoRoot, 'services', name),
    // glibc gives each thread that allocates its own malloc arena and returns little of it: two arenas keep a
    // service's memory outside V8's heap from creeping up (the container image sets the same).
    env: { MALLOC_ARENA_MAX: '2', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export type Readiness = { ready: true } | { ready: false; why: string };

/** Polls `GET /readyz` until it answers 200, the process exits, or the timeout passes. */
export async function waitServiceReady(child: ChildProcess, port: number, timeoutMs: number, stillWanted: () => boolean = () => true): Promise<Readiness> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && stillWanted()) {
    if (child.exitCode !== null || child.signalCode !== null) return { ready: false, why: `exited (code ${child.exitCode}, signal ${child.signalCode})` };
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { ready: true };
    await sleep(250);
  }
  return { ready: false, why: stillWanted() ? `not ready on :${port} within ${timeoutMs / 1000}s` : 'stopped' };
}

/**
 * The environment a service gets on the local infrastructure (`pnpm stack`, the benchmark): its endpoints, its
 * port, the store's read strategy for the backend, and nothing the shell exported for one service alone (each
 * uses its own `regua_<name>` database and the registry's topics).
 */
export function localServiceEnv(infra: { kafkaBrokers: string[]; mongoUrl: string; storeBackend: StoreBackend }, port: number, own: Record<string, string> & { LOG_LEVEL: string }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    MONGO_URL: infra.mongoUrl,
    HTTP_PORT: String(port),
    KAFKA_NAMESPACE: '',
    // On SQLite every read is a scan: one $in beats many reads by _id (README, "Store backends").
    MONGO_BULK_READS: infra.storeBackend === 'sqlite' ? 'in' : 'by-id',
    ...own,
  };
  delete env.MONGO_DB;
  delete env.KAFKA_TOPIC_PARTITIONS;
  return env;
}
