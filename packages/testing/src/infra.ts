import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureInstalled, freePort, parseStoreBackend, startLocalInfra, startLocalKafka, type StoreBackend } from '@regua/local-infra';

export interface TestInfra {
  kind: 'external' | 'testcontainers' | 'local-processes';
  kafkaBrokers: string[];
  mongoUrl: string;
  stop(): Promise<void>;
}

/**
 * Real infrastructure for integration tests, in this order of preference:
 * 1. REGUA_TEST_KAFKA_BROKERS + REGUA_TEST_MONGO_URL: an existing Kafka and MongoDB;
 * 2. a Docker engine: Kafka and MongoDB containers via testcontainers;
 * 3. otherwise: the Kafka broker (Maven jars) and FerretDB as local processes on free ports, FerretDB on SQLite or,
 *    with REGUA_STORE_BACKEND=postgresql, on a local PostgreSQL.
 */
export async function startTestInfra(env: NodeJS.ProcessEnv = process.env): Promise<TestInfra> {
  if (env.REGUA_TEST_KAFKA_BROKERS && env.REGUA_TEST_MONGO_URL) {
    return { kind: 'external', kafkaBrokers: env.REGUA_TEST_KAFKA_BROKERS.split(','), mongoUrl: env.REGUA_TEST_MONGO_URL, stop: async () => undefined };
  }
  if (env.REGUA_TEST_INFRA !== 'local' && (await dockerAvailable())) return startContainers();
  return startProcesses(parseStoreBackend(env.REGUA_STORE_BACKEND));
}

async function dockerAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    // No Docker engine: testcontainers rejects at once with "Could not find a working container runtime strategy".
    return false;
  }
}

async function startContainers(): Promise<TestInfra> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { MongoDBContainer } = await import('@testcontainers/mongodb');
  const [kafka, mongo] = await Promise.all([new KafkaContainer('confluentinc/cp-kafka:7.7.1').withKraft().start(), new MongoDBContainer('mongo:7.0').start()]);
  return {
    kind: 'testcontainers',
    kafkaBrokers: [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`],
    mongoUrl: `${mongo.getConnectionString()}/?directConnection=true`,
    stop: async () => {
      await Promise.all([kafka.stop(), mongo.stop()]);
    },
  };
}

async function startProcesses(storeBackend: StoreBackend): Promise<TestInfra> {
  ensureInstalled();
  const baseDir = mkdtempSync(join(tmpdir(), 'regua-test-infra-'));
  const [kafkaPort, kafkaControllerPort, mongoPort] = [await freePort(), await freePort(), await freePort()];
  const infra = await startLocalInfra({ baseDir, kafkaPort, kafkaControllerPort, mongoPort, storeBackend });
  return {
    kind: 'local-processes',
    kafkaBrokers: infra.kafkaBrokers,
    mongoUrl: infra.mongoUrl,
    stop: async () => {
      await infra.stop();
      rmSync(baseDir, { recursive: true, force: true });
    },
  };
}

export interface FreshKafka {
  brokers: string[];
  stop(): Promise<void>;
}

/**
 * A broker of its own, with no topics and no consumer-offsets topic yet: what a first start on a new machine
 * meets. Started the same way as the shared test broker (a container where Docker answers, else a local
 * process); undefined when the run uses an external cluster, which cannot be made fresh.
 */
export async function startFreshKafka(kind = process.env.REGUA_TEST_INFRA_KIND): Promise<FreshKafka | undefined> {
  if (kind === 'testcontainers') {
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const kafka = await new KafkaContainer('confluentinc/cp-kafka:7.7.1').withKraft().withEnvironment({ KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false' }).start();
    return { brokers: [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`], stop: async () => void (await kafka.stop()) };
  }
  if (kind !== 'local-processes') return undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'regua-fresh-kafka-'));
  const kafka = await startLocalKafka({ dataDir, port: await freePort(), controllerPort: await freePort(), heapMb: 384 });
  return {
    brokers: kafka.brokers,
    stop: async () => {
      await kafka.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
