// pnpm infra:up | infra:down | infra:status — the embedded Kafka + FerretDB stack, detached, on fixed loopback ports.
// REGUA_STORE_BACKEND=postgresql puts FerretDB on a local PostgreSQL (on a free port) instead of SQLite.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureInstalled } from './install.ts';
import { cacheDir } from './paths.ts';
import { isAlive, stopPid } from './process.ts';
import { DEFAULT_STORE_BACKEND, parseStoreBackend, type StoreBackend } from './ferretdb.ts';
import { DEFAULT_PORTS, startLocalInfra } from './stack.ts';
import { createRegistryTopics } from '@regua/kafka-bus';

const runDir = join(cacheDir, 'run');
const stateFile = join(runDir, 'infra.json');

interface State {
  kafkaBrokers: string[];
  mongoUrl: string;
  storeBackend?: StoreBackend;
  postgresUrl?: string;
  pids: { kafka: number; ferretdb: number; postgresql?: number };
  logs: { kafka: string; ferretdb: string; postgresql?: string };
}

function readState(): State | undefined {
  return existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as State) : undefined;
}

function print(state: State): void {
  console.log(`Kafka     ${state.kafkaBrokers.join(',')}   (pid ${state.pids.kafka}, log ${state.logs.kafka})`);
  console.log(`MongoDB   ${state.mongoUrl}   (FerretDB on ${state.storeBackend ?? DEFAULT_STORE_BACKEND}, pid ${state.pids.ferretdb}, log ${state.logs.ferretdb})`);
  if (state.pids.postgresql) console.log(`PostgreSQL ${state.postgresUrl}   (FerretDB's store, pid ${state.pids.postgresql}, log ${state.logs.postgresql})`);
  console.log(`\nexport KAFKA_BROKERS=${state.kafkaBrokers.join(',')} MONGO_URL=${state.mongoUrl}`);
}

async function up(): Promise<void> {
  const current = readState();
  if (current && allAlive(current)) {
    console.log('already running:');
    print(current);
    return;
  }
  if (current) await stopAll(current); // a stale state: whatever still runs of it holds the ports and data directories
  const storeBackend = parseStoreBackend(process.env.REGUA_STORE_BACKEND);
  ensureInstalled();
  mkdirSync(runDir, { recursive: true });
  const infra = await startLocalInfra({ baseDir: join(cacheDir, 'data'), kafkaPort: DEFAULT_PORTS.kafka, kafkaControllerPort: DEFAULT_PORTS.kafkaController, kafkaBankDoorPort: DEFAULT_PORTS.kafkaBankDoor, mongoPort: DEFAULT_PORTS.mongo, detached: true, storeBackend });
  const state: State = {
    kafkaBrokers: infra.kafkaBrokers,
    mongoUrl: infra.mongoUrl,
    storeBackend: infra.storeBackend,
    ...(infra.postgresql ? { postgresUrl: infra.postgresql.url } : {}),
    pids: infra.pids,
    logs: { ...infra.logs, ...(infra.postgresql ? { postgresql: infra.postgresql.logFile } : {}) },
  };
  writeFileSync(stateFile, JSON.stringify(state, null, 2));
  const topics = await createRegistryTopics(infra.kafkaBrokers);
  console.log(`${topics.length} topics of the registry (packages/contracts/src/topics.ts) exist`);
  print(state);
}

async function down(): Promise<void> {
  const state = readState();
  if (!state) {
    console.log('not running');
    return;
  }
  await stopAll(state);
  rmSync(stateFile, { force: true });
  console.log(state.pids.postgresql ? 'stopped Kafka, FerretDB and PostgreSQL' : 'stopped Kafka and FerretDB');
}

function status(): void {
  const state = readState();
  if (!state) return console.log('not running');
  const alive = allAlive(state);
  console.log(alive ? 'running:' : 'partly or not running (stale state; run infra:down then infra:up):');
  print(state);
}

async function stopAll(state: State): Promise<void> {
  await Promise.all([stopPid(state.pids.kafka), stopPid(state.pids.ferretdb)]);
  // After FerretDB; SIGINT is PostgreSQL's fast shutdown.
  if (state.pids.postgresql) await stopPid(state.pids.postgresql, 30_000, 'SIGINT');
}

function allAlive(state: State): boolean {
  return Object.values(state.pids).every((pid) => pid === undefined || isAlive(pid));
}

const command = process.argv[2];
const actions: Record<string, () => Promise<void> | void> = { up, down, status };
const action = command ? actions[command] : undefined;
if (!action) {
  console.error('usage: cli.ts up|down|status');
  process.exit(2);
}
try {
  await action();
} catch (error) {
  console.error(`infra ${command} failed: ${(error as Error).message}`);
  process.exit(1);
}
