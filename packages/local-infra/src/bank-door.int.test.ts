// The banks' Kafka door: a bank logs in with its own SCRAM credentials and can write its own inbound topic only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { grantBankAccess } from './bank-door.ts';
import { startLocalKafka, type LocalKafka } from './kafka.ts';
import { freePort } from './process.ts';

// A broker of its own with the SASL listener: where the run uses containers or an external cluster, there is none to start.
const local = process.env.REGUA_TEST_INFRA_KIND === 'local-processes';
const describeLocal = local ? describe : describe.skip;

describeLocal('the banks’ Kafka door (SASL/SCRAM and ACLs on the local broker)', () => {
  let dataDir: string;
  let kafka: LocalKafka;
  const bankA = { username: 'bank-a', password: 'bank-a-secret-1234', topic: 'bank.bank-a.invoices.overdue.v1' };
  const bankB = { username: 'bank-b', password: 'bank-b-secret-5678', topic: 'bank.bank-b.invoices.overdue.v1' };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'regua-bank-door-'));
    kafka = await startLocalKafka({ dataDir, port: await freePort(), controllerPort: await freePort(), bankDoorPort: await freePort(), heapMb: 384 });
    const admin = new Kafka({ clientId: 'test', brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [bankA.topic, bankB.topic].map((topic) => ({ topic, numPartitions: 1 })) });
    await admin.disconnect();
    await grantBankAccess(kafka.brokers, { ...bankA, topics: [bankA.topic] });
    await grantBankAccess(kafka.brokers, { ...bankB, topics: [bankB.topic] });
  });

  afterAll(async () => {
    await kafka?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function produceAs(sasl: SASLOptions, topic: string): Promise<void> {
    const producer = new Kafka({ clientId: 'bank', brokers: kafka.bankBrokers!, sasl, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).producer();
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: '{}' }] });
    } finally {
      await producer.disconnect();
    }
  }

  const loginOf = (bank: typeof bankA) => ({ mechanism: 'scram-sha-256' as const, username: bank.username, password: bank.password });

  test('a bank writes its own topic, and the services read it on their listener', async () => {
    await produceAs(loginOf(bankA), bankA.topic);
    const admin = new Kafka({ clientId: 'test', brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(bankA.topic);
    await admin.disconnect();
    expect(offsets[0]?.high).toBe('1');
  });

  test("a bank cannot write another bank's topic", async () => {
    await expect(produceAs(loginOf(bankA), bankB.topic)).rejects.toThrow(/authoriz/i);
  });

  test('a wrong password, or no login at all, is refused', async () => {
    await expect(produceAs({ ...loginOf(bankA), password: 'not-the-password' }, bankA.topic)).rejects.toThrow(/authentication|SASL|disconnected|Connection/i);
    const plain = new Kafka({ clientId: 'anonymous', brokers: kafka.bankBrokers!, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 2000, requestTimeout: 3000 }).producer();
    await expect(plain.connect().then(() => plain.send({ topic: bankA.topic, messages: [{ value: '{}' }] }))).rejects.toThrow();
    await plain.disconnect().catch(() => undefined);
  });
});
