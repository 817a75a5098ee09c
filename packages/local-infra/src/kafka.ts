import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaLibs, KAFKA_VERSION } from './paths.ts';
import { spawnLogged, waitUntil, type ManagedProcess } from './process.ts';

export interface LocalKafkaOptions {
  dataDir: string;
  port: number;
  controllerPort: number;
  heapMb?: number;
  detached?: boolean;
  startTimeoutMs?: number;
}

export interface LocalKafka extends ManagedProcess {
  brokers: string[];
  logFile: string;
}

/**
 * Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding; like Kafka's Uuid.randomUuid, never one
 * starting with '-', which StorageTool's argument parser takes for an option (1 start in 64 failed).
 */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(options: LocalKafkaOptions, logDir: string): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${options.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${options.port},CONTROLLER://127.0.0.1:${options.controllerPort}`,
    // 127.0.0.1, not localhost: Node may resolve localhost to ::1.
    `advertised.listeners=PLAINTEXT://127.0.0.1:${options.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${logDir}`,
    'num.partitions=3',
    // A single node: the internal topics cannot have more replicas than brokers, or groups never start.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    // Topics come from the registry (packages/contracts/src/topics.ts), created deliberately; a typo or a race
    // must not create one with the broker's defaults.
    'auto.create.topics.enable=false',
    'log.retention.hours=168',
    'log.segment.bytes=67108864',
  ].join('\n');
}

export async function startLocalKafka(options: LocalKafkaOptions): Promise<LocalKafka> {
  if (!existsSync(kafkaLibs)) throw new Error(`Kafka ${KAFKA_VERSION} jars are missing in ${kafkaLibs}: run bash infra/scripts/install-kafka.sh`);
  mkdirSync(options.dataDir, { recursive: true });
  const logDir = join(options.dataDir, 'data');
  const configFile = join(options.dataDir, 'server.properties');
  const log4jFile = join(options.dataDir, 'log4j.properties');
  const logFile = join(options.dataDir, 'kafka.log');
  writeFileSync(configFile, serverProperties(options, logDir));
  writeFileSync(
    log4jFile,
    ['log4j.rootLogger=WARN, stdout', 'log4j.logger.kafka.server.KafkaServer=INFO', 'log4j.logger.kafka.server.BrokerServer=INFO', 'log4j.appender.stdout=org.apache.log4j.ConsoleAppender', 'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout', 'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n'].join('\n'),
  );
  const classpath = `${kafkaLibs}/*`;
  const jvm = [`-Xms256m`, `-Xmx${options.heapMb ?? 768}m`, '-XX:+UseG1GC', '-Djava.awt.headless=true', `-Dlog4j.configuration=file:${log4jFile}`, `-Dkafka.logs.dir=${options.dataDir}`];

  if (!existsSync(join(logDir, 'meta.properties'))) {
    execFileSync('java', [...jvm, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', configFile], { stdio: 'pipe' });
  }

  const { child, process } = spawnLogged({ command: 'java', args: [...jvm, '-cp', classpath, 'kafka.Kafka', configFile], logFile, detached: options.detached ?? false });
  let exit: string | undefined;
  child.on('exit', (code, signal) => {
    exit = `code ${code} signal ${signal} (see ${logFile})`;
  });

  const brokers = [`127.0.0.1:${options.port}`];
  await waitUntil(`Kafka on 127.0.0.1:${options.port}`, () => kafkaAnswers(brokers), { timeoutMs: options.startTimeoutMs ?? 90_000, exited: () => exit });
  return { ...process, brokers, logFile };
}

/** Ready means the controller has elected itself and the broker serves metadata. */
export async function kafkaAnswers(brokers: string[]): Promise<boolean> {
  const admin = new Kafka({ clientId: 'regua-readiness', brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
