import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Admin, type KafkaMessage, type Producer } from 'kafkajs';
import { deadLetterTopicFor } from '@regua/contracts';
import { headerText, openDeadLetterRecord } from './dead-letter.ts';
import { countDecision, decideReplay, emptySummary, nextBookmark, replayHeaders, replayRange, type OffsetRange, type ReplaySummary } from './dead-letter-replay-plan.ts';

export interface ReplayOptions {
  brokers: string[];
  /** The consumer group whose dead letters go back, as services name it (without the namespace). */
  group: string;
  /** The bus namespace the services run with (`KAFKA_NAMESPACE`). */
  namespace?: string;
  /** The key the dead letters were sealed under. */
  deadLetterKey: Buffer;
  /** Only dead letters with one of these `dlq-reason`s; empty: all. */
  reasons?: readonly string[];
  fromOffset?: number;
  /** Inclusive. */
  toOffset?: number;
  dryRun?: boolean;
  /** Gives up when reading makes no progress for this long. */
  idleTimeoutMs?: number;
}

/** The group whose committed offset on the dead-letter topic bookmarks how far replays went. It never has members. */
export const replayBookmarkGroupFor = (group: string) => `${group}.dlq-replayer`;

/**
 * Sends a consumer group's dead letters back to the topics they came from, decrypted, and moves the bookmark
 * after each batch, so a second run (or a run after a crash) does not send them again. Consumers deduplicate by
 * event id, so the rare repeat (a crash between a send and its bookmark) is harmless. Run one at a time per group.
 */
export async function replayDeadLetters(options: ReplayOptions): Promise<ReplaySummary> {
  const namespace = options.namespace ?? '';
  const topic = namespace + deadLetterTopicFor(options.group);
  const bookmarkGroup = namespace + replayBookmarkGroupFor(options.group);
  const summary = emptySummary(topic, options.dryRun ?? false);
  const kafka = new Kafka({ clientId: 'regua-dlq-replay', brokers: options.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ranges = await rangesToRead(admin, topic, bookmarkGroup, options);
    if (ranges.size === 0) return summary;
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      await readRanges(kafka, admin, topic, ranges, options.idleTimeoutMs ?? 30_000, async (partition, messages) => {
        const out = selectAndOpen(messages, options, summary);
        if (summary.dryRun) return;
        if (out.length > 0) await send(producer, out);
        const bookmark = nextBookmark(ranges.get(partition)!.bookmark, Number(messages.at(-1)!.offset) + 1);
        // The bookmark group never has members, so its offsets can be set from outside.
        await admin.setOffsets({ groupId: bookmarkGroup, topic, partitions: [{ partition, offset: String(bookmark) }] });
        ranges.get(partition)!.bookmark = bookmark;
        summary.bookmarks.set(partition, bookmark);
      });
    } finally {
      await producer.disconnect();
    }
    return summary;
  } finally {
    await admin.disconnect();
  }
}

type PartitionPlan = OffsetRange & { bookmark: number | undefined };

async function rangesToRead(admin: Admin, topic: string, bookmarkGroup: string, options: ReplayOptions): Promise<Map<number, PartitionPlan>> {
  const watermarks = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId: bookmarkGroup, topics: [topic] });
  const bookmarks = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset) >= 0 ? Number(p.offset) : undefined]));
  const ranges = new Map<number, PartitionPlan>();
  for (const { partition, low, high } of watermarks) {
    const bookmark = bookmarks.get(partition);
    const range = replayRange({ low: Number(low), high: Number(high), bookmark }, options);
    if (range) ranges.set(partition, { ...range, bookmark });
  }
  return ranges;
}

interface Replay {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: KafkaMessage['headers'];
}

function selectAndOpen(messages: KafkaMessage[], options: ReplayOptions, summary: ReplaySummary): Replay[] {
  const out: Replay[] = [];
  for (const message of messages) {
    const decision = decideReplay(message.headers, options.reasons ?? []);
    countDecision(summary, headerText(message.headers, 'dlq-reason'), decision);
    if (!decision.replay) continue;
    let original: { key: Buffer | null; value: Buffer | null };
    try {
      original = openDeadLetterRecord(message, options.deadLetterKey);
    } catch (error) {
      // Stops before the bookmark passes it: a wrong DLQ_ENCRYPTION_KEY must not skip the dead letters for good.
      throw new Error(`cannot decrypt dead letter at offset ${message.offset} of ${summary.deadLetterTopic} (wrong DLQ_ENCRYPTION_KEY?): ${(error as Error).message}`, { cause: error });
    }
    out.push({ topic: decision.sourceTopic, ...original, headers: replayHeaders(message.headers, message.offset) });
  }
  return out;
}

async function send(producer: Producer, replays: Replay[]): Promise<void> {
  const byTopic = Map.groupBy(replays, (replay) => replay.topic);
  await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, items]) => ({ topic, messages: items.map(({ key, value, headers }) => ({ key, value, headers })) })) });
}

/**
 * Reads each partition's range once, in order, through a throwaway consumer group whose offsets are set before it
 * joins (a seek after joining races the first fetch). The group is deleted afterwards.
 */
async function readRanges(kafka: Kafka, admin: Admin, topic: string, ranges: Map<number, PartitionPlan>, idleTimeoutMs: number, handle: (partition: number, messages: KafkaMessage[]) => Promise<void>): Promise<void> {
  const readerGroup = `regua-dlq-replay-reader-${randomUUID()}`;
  await admin.setOffsets({ groupId: readerGroup, topic, partitions: [...ranges].map(([partition, range]) => ({ partition, offset: String(range.start) })) });
  const next = new Map([...ranges].map(([partition, range]) => [partition, range.start]));
  const consumer = kafka.consumer({ groupId: readerGroup, sessionTimeout: 10_000 });
  let settled = false;
  let settle!: (error?: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    settle = (error) => {
      // After a failure nothing more is sent: the records after it wait for the next run.
      settled = true;
      if (error) reject(error);
      else resolve();
    };
  });
  const done = () => [...ranges].every(([partition, range]) => next.get(partition)! >= range.end);
  const idle = setTimeout(() => settle(new Error(`no progress reading ${topic} for ${idleTimeoutMs / 1000}s`)), idleTimeoutMs);
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const range = ranges.get(batch.partition);
        if (!range || settled) return;
        const wanted = batch.messages.filter((m) => Number(m.offset) >= next.get(batch.partition)! && Number(m.offset) < range.end);
        if (wanted.length === 0) return;
        try {
          await handle(batch.partition, wanted);
        } catch (error) {
          settle(error);
          return;
        }
        next.set(batch.partition, Number(wanted.at(-1)!.offset) + 1);
        idle.refresh();
        if (done()) settle();
      },
    });
    await finished;
  } finally {
    clearTimeout(idle);
    await consumer.disconnect();
    await admin.deleteGroups([readerGroup]).catch(() => undefined);
  }
}
