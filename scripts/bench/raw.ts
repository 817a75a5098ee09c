// Adapter: the machine's raw limits, on the bench's own Kafka and FerretDB, for the pipeline's figures to be read against.
import { topicSpec } from '@regua/contracts';
import { provisionTopics } from '@regua/kafka-bus';
import { idle } from './timers.ts';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import mongoose from 'mongoose';

export interface RawFigure {
  what: string;
  count: number;
  seconds: number;
  perSecond: number;
  settings: string;
}

const RAW_TOPIC = 'bench.raw.v1';

/**
 * A minimal producer (the services' settings: idempotent, acks all, one request in flight) sends the messages in
 * batches of `batch`, one send after the other, to a topic shaped like the event topics; then a minimal consumer
 * (one member, eachBatch) reads them all back.
 */
export async function rawKafka(brokers: string[], messages: ReadonlyArray<{ key: string; value: string }>, batch: number): Promise<RawFigure[]> {
  const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.NOTHING });
  // Not in the registry, so it gets the defaults of an event topic: the shape of every topic the pipeline uses.
  const spec = topicSpec(RAW_TOPIC);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await provisionTopics(admin, [RAW_TOPIC]);
  } finally {
    await admin.disconnect();
  }
  const bytes = Math.round(messages.reduce((sum, m) => sum + m.value.length, 0) / Math.max(1, messages.length));
  const shape = `${spec.partitions} partitions, replication 1, ~${bytes} B values`;

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  let produceS: number;
  try {
    // A new broker may answer "does not host this topic-partition" for a moment after the leaders are elected:
    // one untimed message to each partition first, retried until all take it (the consumer below reads them too).
    for (let attempt = 1; ; attempt++) {
      try {
        await producer.send({ topic: RAW_TOPIC, acks: -1, messages: Array.from({ length: spec.partitions }, (_, partition) => ({ partition, value: '{}' })) });
        break;
      } catch (error) {
        if (attempt >= 60) throw error;
        await idle(500);
      }
    }
    const start = performance.now();
    for (let from = 0; from < messages.length; from += batch) await producer.send({ topic: RAW_TOPIC, acks: -1, messages: messages.slice(from, from + batch) });
    produceS = (performance.now() - start) / 1000;
  } finally {
    await producer.disconnect();
  }

  const consumer = kafka.consumer({ groupId: `bench-raw-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  let joinedAt: number | undefined;
  let lastAt = 0;
  let received = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joinedAt ??= performance.now();
  });
  try {
    await consumer.subscribe({ topics: [RAW_TOPIC], fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch: fetched }) => {
          received += fetched.messages.length;
          lastAt = performance.now();
          if (received >= messages.length + spec.partitions) resolve();
        },
      });
    });
    await Promise.race([done, idle(120_000)]);
  } finally {
    await consumer.disconnect();
  }
  const consumeS = joinedAt === undefined ? 0 : (lastAt - joinedAt) / 1000;
  received = Math.max(0, received - spec.partitions); // the warm-up messages
  return [
    { what: 'Kafka producer', count: messages.length, seconds: produceS, perSecond: messages.length / produceS, settings: `kafkajs, idempotent, acks -1 (all), maxInFlightRequests 1, ${batch} messages per send, sends in sequence; ${shape}` },
    {
      what: 'Kafka consumer',
      count: received,
      seconds: consumeS,
      perSecond: consumeS > 0 ? received / consumeS : 0,
      settings: 'kafkajs, 1 member, eachBatch, maxWaitTimeInMs 100, reading from the beginning; timed from joining the group to the last message',
    },
  ];
}

/** `insertMany` of the documents, `batch` per call, in sequence, into a collection of its own. */
export async function rawInsertMany(mongoUrl: string, docs: readonly object[], batch = 1000): Promise<RawFigure> {
  const connection = await mongoose.createConnection(mongoUrl, { dbName: 'regua_bench_raw', serverSelectionTimeoutMS: 10_000 }).asPromise();
  try {
    const collection = connection.db!.collection<{ _id: string }>('invoices');
    const bytes = Math.round(docs.reduce((sum: number, d) => sum + JSON.stringify(d).length, 0) / Math.max(1, docs.length));
    // Creating the database and collection is a one-off cost, not the limit being measured.
    await collection.insertOne({ _id: 'raw:warm-up' });
    const start = performance.now();
    for (let from = 0; from < docs.length; from += batch) {
      await collection.insertMany(docs.slice(from, from + batch).map((d, i) => ({ _id: `raw:${from + i}`, ...d })));
    }
    const seconds = (performance.now() - start) / 1000;
    return { what: 'FerretDB insertMany', count: docs.length, seconds, perSecond: docs.length / seconds, settings: `${batch} documents per call, ordered, calls in sequence, into an existing collection; ~${bytes} B JSON each, string _id` };
  } finally {
    await connection.close();
  }
}
