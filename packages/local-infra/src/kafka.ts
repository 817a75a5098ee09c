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
  /**
   * The banks' door: a SASL/SCRAM-SHA-256 listener on this port, where each bank logs in as its own user and
   * may write only what its ACLs allow (see bank-door.ts). Without it the broker has the services' listener only.
   */
  bankDoorPort?: number;
  detached?: boolean;
  startTimeoutMs?: number;
}

export interface LocalKafka extends ManagedProcess {
  brokers: string[];
  /** The SASL/SCRAM listener for banks, when started with `bankDoorPort`. */
  bankBrokers?: string[];
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

/**
 * The services' listener (PLAINTEXT, loopback only) and, with `bankDoorPort`, the banks' listener (SASL/SCRAM).
 * The authorizer denies what no ACL allows; the loopback listener's anonymous principal is a super user, which
 * is only sound because nothing but this machine reaches it (a production cluster authenticates the services
 * too: README, "Kafka doors").
 */
function listenerProperties(options: LocalKafkaOptions): string[] {
  // 127.0.0.1, not localhost: Node may resolve localhost to ::1.
  const listeners = [`PLAINTEXT://127.0.0.1:${options.port}`];
  if (options.bankDoorPort === undefined) {
    return [`listeners=${listeners[0]},CONTROLLER://127.0.0.1:${options.controllerPort}`, `advertised.listeners=${listeners.join(',')}`, 'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT'];
  }
  listeners.push(`BANKS://127.0.0.1:${options.bankDoorPort}`);
  return [
    `listeners=${listeners.join(',')},CONTROLLER://127.0.0.1:${options.controllerPort}`,
    `advertised.listeners=${listeners.join(',')}`,
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,BANKS:SASL_PLAINTEXT',
    'listener.name.banks.sasl.enabled.mechanisms=SCRAM-SHA-256',
    'listener.name.banks.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'allow.everyone.if.no.acl.found=false',
    'super.users=User:ANONYMOUS',
  ];
}

function serverProperties(options: LocalKafkaOptions, logDir: string): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${options.controllerPort}`,
    ...listenerProperties(options),
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
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
  return { ...process, brokers, ...(options.bankDoorPort === undefined ? {} : { bankBrokers: [`127.0.0.1:${options.bankDoorPort}`] }), logFile };
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
