// The first start on a new machine: five service processes at once against a broker that has no topics and no
// consumer-offsets topic yet, as `pnpm demo` does on a fresh clone. Every round gets a new broker.
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';
import { freePort, SERVICE_NAMES, spawnService, stopPid, waitServiceReady, type ServiceName } from '@regua/local-infra';
import { startFreshKafka, testEndpoints, uniqueName, type FreshKafka } from '@regua/testing';

const ROUNDS = Number(process.env.REGUA_STARTUP_ROUNDS ?? 5);
const READY_TIMEOUT_MS = 90_000;

interface Started {
  name: ServiceName;
  port: number;
  pid: number;
  readiness: Awaited<ReturnType<typeof waitServiceReady>>;
  lastLines: string[];
}

async function startAllAtOnce(brokers: string[], namespace: string): Promise<Started[]> {
  const { mongoUrl } = testEndpoints();
  const dbPrefix = uniqueName('race');
  const ports = await Promise.all(SERVICE_NAMES.map(() => freePort()));
  const children = SERVICE_NAMES.map((name, i) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_NAMESPACE: namespace,
      MONGO_URL: mongoUrl,
      MONGO_DB: `${dbPrefix}_${name.replace(/-/g, '_')}`,
      HTTP_PORT: String(ports[i]),
      LOG_LEVEL: 'warn',
      INGESTION_API_KEYS: `race-bank:${randomUUID()}`,
      NOTIFICATION_API_KEYS: `race-bank:${randomUUID()}`,
      OTEL_SDK_DISABLED: 'true',
    };
    const child = spawnService(name, env);
    const lastLines: string[] = [];
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        if (lastLines.push(line) > 15) lastLines.shift();
      });
    }
    return { name, port: ports[i]!, child, lastLines };
  });
  const readiness = await Promise.all(children.map((c) => waitServiceReady(c.child, c.port, READY_TIMEOUT_MS)));
  return children.map((c, i) => ({ name: c.name, port: c.port, pid: c.child.pid!, readiness: readiness[i]!, lastLines: c.lastLines }));
}

async function topicPartitions(brokers: string[], namespace: string): Promise<Map<string, number>> {
  const admin = new Kafka({ clientId: 'race-check', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const names = (await admin.listTopics()).filter((t) => t.startsWith(namespace) && !t.startsWith('__'));
    const { topics } = await admin.fetchTopicMetadata({ topics: names });
    return new Map(topics.map((t) => [t.name.slice(namespace.length), t.partitions.length]));
  } finally {
    await admin.disconnect();
  }
}

describe('first start on an empty broker', () => {
  for (let round = 1; round <= ROUNDS; round++) {
    test(`round ${round}: all five services become ready, started at the same moment`, async () => {
      const fresh: FreshKafka | undefined = await startFreshKafka();
      // An external cluster cannot be made fresh: a namespace of its own still has every topic missing.
      const brokers = fresh?.brokers ?? testEndpoints().kafkaBrokers;
      const namespace = fresh ? '' : `${uniqueName('race')}.`;
      let started: Started[] = [];
      try {
        started = await startAllAtOnce(brokers, namespace);
        const failures = started.filter((s) => !s.readiness.ready).map((s) => `${s.name}: ${s.readiness.ready ? '' : s.readiness.why}\n  ${s.lastLines.join('\n  ')}`);
        expect(failures).toEqual([]);

        const partitions = await topicPartitions(brokers, namespace);
        expect(partitions.get('collections.invoice.registered.v1')).toBe(6);
        expect(partitions.get('collections.notification.sent.v1')).toBe(6);
        expect(partitions.get('regua.enrichment.dlq.v1')).toBeGreaterThan(0);
      } finally {
        await Promise.all(started.map((s) => stopPid(s.pid, 10_000)));
        await fresh?.stop();
      }
    }, 180_000);
  }
});
