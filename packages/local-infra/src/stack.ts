import { startLocalFerretDb, type LocalFerretDb } from './ferretdb.ts';
import { startLocalKafka, type LocalKafka } from './kafka.ts';
import { join } from 'node:path';

/** Where `pnpm infra:up` and the demo stack listen (27018, so a real MongoDB on 27017 is left alone). */
export const DEFAULT_PORTS = { kafka: 19092, kafkaController: 19093, mongo: 27018 };

export interface LocalInfraOptions {
  baseDir: string;
  kafkaPort: number;
  kafkaControllerPort: number;
  mongoPort: number;
  detached?: boolean;
}

export interface LocalInfra {
  kafkaBrokers: string[];
  mongoUrl: string;
  pids: { kafka: number; ferretdb: number };
  logs: { kafka: string; ferretdb: string };
  stop(): Promise<void>;
}

/** Starts Kafka and FerretDB side by side; if one fails the other is stopped too. */
export async function startLocalInfra(options: LocalInfraOptions): Promise<LocalInfra> {
  const detached = options.detached ?? false;
  const [kafka, ferret] = await Promise.allSettled([
    startLocalKafka({ dataDir: join(options.baseDir, 'kafka'), port: options.kafkaPort, controllerPort: options.kafkaControllerPort, detached }),
    startLocalFerretDb({ dataDir: join(options.baseDir, 'ferretdb'), port: options.mongoPort, detached }),
  ]);
  if (kafka.status === 'rejected' || ferret.status === 'rejected') {
    await Promise.all([kafka, ferret].map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
    const reasons = [kafka, ferret].filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as Error).message);
    throw new Error(`local infrastructure did not start: ${reasons.join('; ')}`);
  }
  return describe(kafka.value, ferret.value);
}

function describe(kafka: LocalKafka, ferret: LocalFerretDb): LocalInfra {
  return {
    kafkaBrokers: kafka.brokers,
    mongoUrl: ferret.url,
    pids: { kafka: kafka.pid, ferretdb: ferret.pid },
    logs: { kafka: kafka.logFile, ferretdb: ferret.logFile },
    stop: async () => {
      await Promise.all([kafka.stop(), ferret.stop()]);
    },
  };
}
