// pnpm infra:up | infra:down | infra:status — the embedded Kafka + FerretDB stack, detached, on fixed loopback ports.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureInstalled } from './install.ts';
import { cacheDir } from './paths.ts';
import { isAlive, stopPid } from './process.ts';
import { DEFAULT_PORTS, startLocalInfra } from './stack.ts';
import { createRegistryTopics } from '@regua/kafka-bus';

const runDir = join(cacheDir, 'run');
const stateFile = join(runDir, 'infra.json');

interface State {
  kafkaBrokers: string[];
  mongoUrl: string;
  pids: { kafka: number; ferretdb: number };
  logs: { kafka: string; ferretdb: string };
}

function readState(): State | undefined {
  return existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as State) : undefined;
}

function print(state: State): void {
  console.log(`Kafka     ${state.kafkaBrokers.join(',')}   (pid ${state.pids.kafka}, log ${state.logs.kafka})`);
  console.log(`MongoDB   ${state.mongoUrl}   (FerretDB, pid ${state.pids.ferretdb}, log ${state.logs.ferretdb})`);
  console.log(`\nexport KAFKA_BROKERS=${state.kafkaBrokers.join(',')} MONGO_URL=${state.mongoUrl}`);
}

async function up(): Promise<void> {
  const current = readState();
  if (current && isAlive(current.pids.kafka) && isAlive(current.pids.ferretdb)) {
    console.log('already running:');
    print(current);
    return;
  }
  ensureInstalled();
  mkdirSync(runDir, { recursive: true });
  const infra = await startLocalInfra({ baseDir: join(cacheDir, 'data'), kafkaPort: DEFAULT_PORTS.kafka, kafkaControllerPort: DEFAULT_PORTS.kafkaController, mongoPort: DEFAULT_PORTS.mongo, detached: true });
  const state: State = { kafkaBrokers: infra.kafkaBrokers, mongoUrl: infra.mongoUrl, pids: infra.pids, logs: infra.logs };
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
  await Promise.all([stopPid(state.pids.kafka), stopPid(state.pids.ferretdb)]);
  rmSync(stateFile, { force: true });
  console.log('stopped Kafka and FerretDB');
}

function status(): void {
  const state = readState();
  if (!state) return console.log('not running');
  const alive = isAlive(state.pids.kafka) && isAlive(state.pids.ferretdb);
  console.log(alive ? 'running:' : 'partly or not running (stale state; run infra:down then infra:up):');
  print(state);
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
