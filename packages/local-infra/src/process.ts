import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, openSync } from 'node:fs';
import { createServer } from 'node:net';

export interface ManagedProcess {
  pid: number;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  command: string;
  args: string[];
  logFile: string;
  /** Survive the parent (infra:up); otherwise the child dies with the stack or test run. */
  detached?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Run as this user and group (only when we are root; PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
}

export function spawnLogged(options: SpawnOptions): { child: ChildProcess; process: ManagedProcess } {
  let child: ChildProcess;
  if (options.detached) {
    const fd = openSync(options.logFile, 'a');
    child = spawn(options.command, options.args, { detached: true, stdio: ['ignore', fd, fd], env: options.env ?? process.env, ...runAs(options) });
    child.unref();
  } else {
    child = spawn(options.command, options.args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env, ...runAs(options) });
    const log = createWriteStream(options.logFile, { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  }
  if (child.pid === undefined) throw new Error(`could not start ${options.command}`);
  const pid = child.pid;
  return { child, process: { pid, stop: () => stopPid(pid) } };
}

function runAs(options: SpawnOptions): { uid?: number; gid?: number } {
  return options.uid === undefined ? {} : { uid: options.uid, gid: options.gid ?? options.uid };
}

/** SIGTERM (or the given signal), then SIGKILL if the process is still there after the grace period. */
export async function stopPid(pid: number, graceMs = 15_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await sleep(100);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Ports this process has handed out: the kernel gives a port just closed to the next `listen(0)` again. */
const handedOut = new Set<number>();

/**
 * A loopback port free now and not handed out before by this process. The port is closed again before its user binds
 * it, and Linux often gives the same one to the next `listen(0)` (19 times in 500 here): Kafka, its controller,
 * PostgreSQL and FerretDB, each given a port in turn, once got the same one (Kafka: "Address already in use").
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await anyFreePort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function waitUntil(what: string, probe: () => Promise<boolean>, options: { timeoutMs: number; exited?: () => string | undefined }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    const exitReason = options.exited?.();
    if (exitReason) throw new Error(`${what} exited before it was ready: ${exitReason}`);
    if (await probe().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`${what} was not ready within ${options.timeoutMs / 1000}s`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
