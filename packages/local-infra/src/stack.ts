import { DEFAULT_STORE_BACKEND, startLocalFerretDb, type LocalFerretDb, type StoreBackend } from './ferretdb.ts';
import { startLocalKafka, type LocalKafka } from './kafka.ts';
import { join } from 'node:path';

/** Where `pnpm infra:up` and the demo stack listen (27018, so a real MongoDB on 27017 is left alone). */
export const DEFAULT_PORTS = { kafka: 19092, kafkaController: 19093, kafkaBankDoor: 19094, mongo: 27018 };

export interface LocalInfraOptions {
  baseDir: string;
  kafkaPort: number;
  kafkaControllerPort: number;
  /** The banks' SASL/SCRAM listener (kafka.ts); none if not given. */
  kafkaBankDoorPort?: number;
  mongoPort: number;
  detached?: boolean;
  /** FerretDB's store: sqlite (default) or postgresql (a local PostgreSQL under baseDir/ferretdb/postgresql). */
  storeBackend?: StoreBackend;
  /** PostgreSQL's port with the postgresql backend; a free one if not given. */
  postgresPort?: number;
}

export interface LocalInfra {
  kafkaBrokers: string[];
  /** The banks' SASL/SCRAM listener, when started with `kafkaBankDoorPort`. */
  kafkaBankBrokers?: string[];
  mongoUrl: string;
  storeBackend: StoreBackend;
  /** With the postgresql backend: the PostgreSQL under FerretDB (its URL is FerretDB's database). */
  postgresql?: { url: string; pid: number; logFile: string };
  /** Every process started, for watchers and last-resort kills: postgresql's too with that backend. */
  pids: { kafka: number; ferretdb: number; postgresql?: number };
  /** Each process's log, keyed like pids (postgresql's is there at run time with that backend, typed by `postgresql`). */
  logs: { kafka: string; ferretdb: string };
  stop(): Promise<void>;
}

/** Starts Kafka and FerretDB (and its PostgreSQL) side by side; if one fails the others are stopped too. */
export async function startLocalInfra(options: LocalInfraOptions): Promise<LocalInfra> {
  const detached = options.detached ?? false;
  const [kafka, ferret] = await Promise.allSettled([
    startLocalKafka({ dataDir: join(options.baseDir, 'kafka'), port: options.kafkaPort, controllerPort: options.kafkaControllerPort, ...(options.kafkaBankDoorPort === undefined ? {} : { bankDoorPort: options.kafkaBankDoorPort }), detached }),
    startLocalFerretDb({
      dataDir: join(options.baseDir, 'ferretdb'),
      port: options.mongoPort,
      detached,
      storeBackend: options.storeBackend ?? DEFAULT_STORE_BACKEND,
      ...(options.postgresPort === undefined ? {} : { postgresPort: options.postgresPort }),
    }),
  ]);
  if (kafka.status === 'rejected' || ferret.status === 'rejected') {
    await Promise.all([kafka, ferret].map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
    const reasons = [kafka, ferret].filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as Error).message);
    throw new Error(`local infrastructure did not start: ${reasons.join('; ')}`);
  }
  return describe(kafka.value, ferret.value);
}

function describe(kafka: LocalKafka, ferret: LocalFerretDb): LocalInfra {
  const postgresql = ferret.postgresql;
  return {
    kafkaBrokers: kafka.brokers,
    ...(kafka.bankBrokers ? { kafkaBankBrokers: kafka.bankBrokers } : {}),
    mongoUrl: ferret.url,
    storeBackend: ferret.storeBackend,
    ...(postgresql ? { postgresql: { url: postgresql.url, pid: postgresql.pid, logFile: postgresql.logFile } } : {}),
    pids: { kafka: kafka.pid, ferretdb: ferret.pid, ...(postgresql ? { postgresql: postgresql.pid } : {}) },
    logs: { kafka: kafka.logFile, ferretdb: ferret.logFile, ...(postgresql ? { postgresql: postgresql.logFile } : {}) },
    stop: async () => {
      // FerretDB's stop() stops its PostgreSQL after it.
      await Promise.all([kafka.stop(), ferret.stop()]);
    },
  };
}
