import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { provisionTopics } from '@regua/kafka-bus';

export interface TestEndpoints {
  kafkaBrokers: string[];
  mongoUrl: string;
}

/** Endpoints started by the global setup. */
export function testEndpoints(): TestEndpoints {
  const brokers = process.env.REGUA_TEST_KAFKA_BROKERS;
  const mongoUrl = process.env.REGUA_TEST_MONGO_URL;
  if (!brokers || !mongoUrl) throw new Error('integration tests need the @regua/testing global setup (run them through jest)');
  return { kafkaBrokers: brokers.split(','), mongoUrl };
}

/** A name no other test uses: for databases, topics' prefixes and consumer groups. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

type Maybe<T> = T | undefined | null | false;

export async function waitFor<T>(what: string, probe: () => Maybe<T> | Promise<Maybe<T>>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
}

export interface RecordedMessage {
  topic: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  json<T = unknown>(): T;
  /** The record as it came (dead letters' values are sealed bytes: see `openDeadLetterRecord`). */
  raw: { key: Buffer | null; value: Buffer | null; headers: IHeaders };
}

/** Reads every message of some topics from the beginning, in its own consumer group, until stopped. */
export async function recordTopics(brokers: string[], topics: string[]): Promise<{ messages: RecordedMessage[]; stop(): Promise<void> }> {
  const kafka = new Kafka({ clientId: 'regua-test-recorder', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  // The services' own way of creating topics: kafkajs' leader wait gives up on a topic just created elsewhere.
  await provisionTopics(admin, topics).finally(() => admin.disconnect());

  const consumer = kafka.consumer({ groupId: uniqueName('recorder'), sessionTimeout: 10_000 });
  const messages: RecordedMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const value = message.value?.toString('utf8') ?? null;
      const raw = { key: message.key, value: message.value, headers: message.headers ?? {} };
      messages.push({ topic, key: message.key?.toString() ?? null, value, headers: stringHeaders(message.headers ?? {}), json: <T>() => JSON.parse(value ?? 'null') as T, raw });
    },
  });
  await joined;
  return { messages, stop: () => consumer.disconnect() };
}

function stringHeaders(headers: IHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[key] = first.toString();
  }
  return result;
}

/**
 * The environment every service needs to run in a test on the harness's Kafka and database, in a namespace of its own
 * (its topics prefixed, its database named after it), one partition per topic and an HTTP port the OS picks; the
 * service's own variables come in `extra`.
 */
export function serviceTestEnv(namespace: string, extra: Record<string, string> = {}): Record<string, string> {
  const { kafkaBrokers, mongoUrl } = testEndpoints();
  return {
    KAFKA_BROKERS: kafkaBrokers.join(','),
    MONGO_URL: mongoUrl,
    MONGO_DB: namespace.replace(/\W/g, '_'),
    KAFKA_NAMESPACE: namespace,
    KAFKA_TOPIC_PARTITIONS: '1',
    HTTP_PORT: '0',
    LOG_LEVEL: 'silent',
    ...extra,
  };
}
