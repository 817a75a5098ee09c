// Adapter: the bench's own Kafka, FerretDB and five services, on free ports, with per-process RSS sampling.
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createRegistryTopics } from '@regua/kafka-bus';
import { freePort, localServiceEnv, SERVICE_NAMES, type StoreBackend, spawnService, startLocalInfra, waitServiceReady, type LocalInfra, type Readiness, type ServiceName } from '@regua/local-infra';
import { parseProcStat, parseProcStatus } from './stats.ts';

const READY_TIMEOUT_MS = 90_000;

export interface BenchCluster {
  brokers: string[];
  mongoUrl: string;
  ports: Record<ServiceName, number>;
  /** Services' and infrastructure's pids, for RSS sampling. */
  pids(): Record<string, number>;
  /** Set when a service exited while it should be running (not after `killService`). */
  died(): string | undefined;
  /** Where Kafka and FerretDB run, so that one can be stopped and started again on the same data and ports. */
  infra: LocalInfra & { baseDir: string; kafkaPort: number; kafkaControllerPort: number };
  /** Sends the signal to a service and waits for it to exit; an exit asked for is not a death. */
  killService(name: ServiceName, signal: NodeJS.Signals): Promise<void>;
  /** Starts a stopped service again, with the same port and environment, and waits until it is ready. */
  restartService(name: ServiceName): Promise<Readiness>;
  /** After an infrastructure process was replaced (a Kafka restart): its new pid, for `pids()`. */
  replaceInfraPid(role: string, pid: number): void;
}

export interface ClusterSettings {
  baseDir: string;
  /** FerretDB on SQLite files or on a local PostgreSQL. */
  storeBackend: StoreBackend;
  logDir: string;
  tenant: string;
  apiKey: string;
  stillWanted(): boolean;
  /** Called with every process started, as soon as it is, so that the caller can always stop it. */
  track(pid: number, role: 'service' | 'infra'): void;
  say(line: string): void;
  /** Runs once Kafka (with the registry's topics) and FerretDB are up, before any service starts; `infraPids` names their processes. */
  beforeServices(brokers: string[], mongoUrl: string, infraPids: () => Record<string, number>): Promise<void>;
  /** Runs after `beforeServices`, before any service starts: writes state into the services' stores for them to find. */
  seedStores?(mongoUrl: string): Promise<void>;
  /** Variables added to (or overriding) a service's environment. */
  extraEnv?: Partial<Record<ServiceName, Record<string, string>>>;
}

/** Same environment as `pnpm stack` gives the services, plus what a benchmark needs (no rate limit, reminders at any hour). */
function serviceEnv(name: ServiceName, infra: LocalInfra, port: number, settings: ClusterSettings): NodeJS.ProcessEnv {
  const own: Partial<Record<ServiceName, Record<string, string>>> = {
    ingestion: { INGESTION_API_KEYS: `${settings.tenant}:${settings.apiKey}`, INGESTION_RATE_LIMIT_PER_MINUTE: '10000000' },
    notification: { NOTIFICATION_API_KEYS: `${settings.tenant}:${settings.apiKey}`, NOTIFICATION_DISPATCH_CRON: '*/5 * * * * *', NOTIFICATION_ENFORCE_CONTACT_HOURS: 'false' },
  };
  return localServiceEnv(infra, port, { LOG_LEVEL: 'warn', ...own[name], ...settings.extraEnv?.[name] });
}

export async function startCluster(settings: ClusterSettings): Promise<BenchCluster> {
  const [kafkaPort, kafkaControllerPort, mongoPort] = [await freePort(), await freePort(), await freePort()];
  // Detached: a terminal's Ctrl-C must not reach Kafka before the services have left their groups.
  const infra = await startLocalInfra({ baseDir: settings.baseDir, kafkaPort, kafkaControllerPort, mongoPort, detached: true, storeBackend: settings.storeBackend });
  const infraPids = new Map(Object.entries(infra.pids).filter((e): e is [string, number] => typeof e[1] === 'number'));
  for (const [, pid] of infraPids) settings.track(pid, 'infra');
  if (!settings.stillWanted()) throw new Error('stopped');
  settings.say(`Kafka ${infra.kafkaBrokers.join(',')} and FerretDB ${infra.mongoUrl} up`);
  await createRegistryTopics(infra.kafkaBrokers);
  await settings.beforeServices(infra.kafkaBrokers, infra.mongoUrl, () => Object.fromEntries(infraPids));
  if (settings.stillWanted()) await settings.seedStores?.(infra.mongoUrl);
  if (!settings.stillWanted()) throw new Error('stopped');

  const children = new Map<ServiceName, ChildProcess>();
  const ports = {} as Record<ServiceName, number>;
  const logs = new Map<ServiceName, WriteStream>();
  const killed = new Set<ChildProcess>();
  let death: string | undefined;
  for (const name of SERVICE_NAMES) ports[name] = await freePort();
  const start = (name: ServiceName): ChildProcess => {
    const child = spawnService(name, serviceEnv(name, infra, ports[name], settings));
    children.set(name, child);
    settings.track(child.pid!, 'service');
    if (!logs.has(name)) logs.set(name, createWriteStream(join(settings.logDir, `${name}.log`)));
    child.stdout!.pipe(logs.get(name)!, { end: false });
    child.stderr!.pipe(logs.get(name)!, { end: false });
    child.on('exit', (code, signal) => {
      if (killed.has(child)) return;
      death ??= `${name} exited (code ${code}, signal ${signal}); see ${join(settings.logDir, `${name}.log`)}`;
    });
    return child;
  };
  for (const name of SERVICE_NAMES) start(name);

  const cluster: BenchCluster = {
    brokers: infra.kafkaBrokers,
    mongoUrl: infra.mongoUrl,
    ports,
    pids: () => ({ ...Object.fromEntries([...children].filter(([, c]) => c.exitCode === null && c.signalCode === null).map(([n, c]) => [n, c.pid!])), ...Object.fromEntries(infraPids) }),
    died: () => death,
    infra: { ...infra, baseDir: settings.baseDir, kafkaPort, kafkaControllerPort },
    async killService(name, signal) {
      const child = children.get(name)!;
      if (child.exitCode !== null || child.signalCode !== null) return;
      killed.add(child);
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill(signal);
      await exited;
    },
    restartService: (name) => waitServiceReady(start(name), ports[name], READY_TIMEOUT_MS, settings.stillWanted),
    replaceInfraPid(role, pid) {
      infraPids.set(role, pid);
      settings.track(pid, 'infra');
    },
  };

  const results = await Promise.all(SERVICE_NAMES.map(async (name) => ({ name, readiness: await waitServiceReady(children.get(name)!, ports[name], READY_TIMEOUT_MS, settings.stillWanted) })));
  const failed = results.filter((r) => !r.readiness.ready);
  if (!settings.stillWanted()) throw new Error('stopped');
  if (failed.length > 0) {
    throw new Error(`services not ready: ${failed.map((f) => `${f.name} ${f.readiness.ready ? '' : f.readiness.why}`).join('; ')} (logs in ${settings.logDir})`);
  }
  return cluster;
}

export interface RssSample {
  t: number;
  rssMb: Record<string, number>;
}

/** Every second, VmRSS and VmHWM of each process; peak = the largest of both seen. */
export function sampleRss(pids: () => Record<string, number>, now: () => number) {
  const samples: RssSample[] = [];
  const peakMb: Record<string, number> = {};
  const take = () => {
    const rssMb: Record<string, number> = {};
    for (const [name, pid] of Object.entries(pids())) {
      let status: ReturnType<typeof parseProcStatus>;
      try {
        status = parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
      } catch {
        continue; // gone, or no /proc
      }
      if (!status) continue;
      rssMb[name] = status.rssKb / 1024;
      peakMb[name] = Math.max(peakMb[name] ?? 0, status.hwmKb / 1024, status.rssKb / 1024);
    }
    samples.push({ t: now() / 1000, rssMb });
  };
  take();
  const timer = setInterval(take, 1000);
  return { samples, peakMb, stop: () => clearInterval(timer) };
}

/** Linux's USER_HZ: /proc reports CPU time in hundredths of a second on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** CPU ticks of every process now, with its parent: PostgreSQL's work is done by its postmaster's children. */
function cpuSnapshot(): Map<number, { ppid: number; cpuTicks: number }> {
  const all = new Map<number, { ppid: number; cpuTicks: number }>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return all; // no /proc
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseProcStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (stat) all.set(Number(entry), stat);
    } catch {
      /* gone meanwhile */
    }
  }
  return all;
}

/** A process's CPU ticks plus its direct children's (PostgreSQL backends; nothing else here forks workers). */
function ticksWithChildren(snapshot: Map<number, { ppid: number; cpuTicks: number }>, pid: number): Map<number, number> {
  const own = new Map<number, number>();
  for (const [p, stat] of snapshot) if (p === pid || stat.ppid === pid) own.set(p, stat.cpuTicks);
  return own;
}

/**
 * CPU seconds each process (with its direct children) used between start and stop (or so far: `peek`): where the
 * machine's two cores went. Children that exit in between are not counted.
 */
export function measureCpu(pids: () => Record<string, number>) {
  const before = cpuSnapshot();
  const peek = (): Record<string, number> => {
    const after = cpuSnapshot();
    const seconds: Record<string, number> = {};
    for (const [name, pid] of Object.entries(pids())) {
      let ticks = 0;
      for (const [p, now] of ticksWithChildren(after, pid)) ticks += now - (before.get(p)?.cpuTicks ?? 0);
      seconds[name] = ticks / TICKS_PER_SECOND;
    }
    return seconds;
  };
  return { peek, stop: peek };
}

/**
 * Waits until the processes together use less than `quietCores` of a core for `quietForS` seconds in a row (what the
 * feed set off is done: queued events, sends, receipts, projections), or `maxS` seconds. Resolves with the seconds
 * waited and whether they went quiet.
 */
export async function waitUntilQuiet(pids: () => Record<string, number>, options: { quietCores: number; quietForS: number; maxS: number }): Promise<{ seconds: number; quiet: boolean }> {
  const started = performance.now();
  const total = () => {
    const snapshot = cpuSnapshot();
    let ticks = 0;
    for (const pid of Object.values(pids())) for (const [, t] of ticksWithChildren(snapshot, pid)) ticks += t;
    return ticks;
  };
  let quietFor = 0;
  let last = total();
  while ((performance.now() - started) / 1000 < options.maxS) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = total();
    quietFor = (now - last) / TICKS_PER_SECOND < options.quietCores ? quietFor + 1 : 0;
    last = now;
    if (quietFor >= options.quietForS) return { seconds: (performance.now() - started) / 1000, quiet: true };
  }
  return { seconds: (performance.now() - started) / 1000, quiet: false };
}
