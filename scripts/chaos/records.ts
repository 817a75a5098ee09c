// Adapter: reads what the pipeline wrote to Kafka, from the beginning of the topics, for the whole suite, and
// measures the services' consumer lag on demand.
import { CONSUMER_GROUPS, deadLetterTopicFor, DebtorScoredV1, InvoiceRegisteredV1, PaymentReceivedV1, PaymentReconciledV1, CasePlannedV1 } from '@regua/contracts';
import { DEAD_LETTER_ENCODING, developmentDeadLetterKey, openDeadLetter } from '@regua/kafka-bus';
import { Kafka, logLevel, type Admin, type KafkaMessage } from 'kafkajs';
import { lagGroups } from '../bench/observe.ts';
import { topicLag } from '../bench/stats.ts';
import { within } from '../bench/timers.ts';
import type { ReconciliationRecord, ReminderRecord } from './count.ts';

export interface DeadLetter {
  topic: string;
  reason: string;
  value: string;
}

export interface TopicRecords {
  registered: string[];
  /** The latest `collections.debtor.scored.v1` messages as they were on the topic (key and value), for replays. */
  scored: Array<{ key: string; value: string }>;
  /** Invoices joining their case (`collections.case.planned.v1`), as step 0 of their collection. */
  reminders: ReminderRecord[];
  /** The invoices each case was planned for. */
  invoicesOfCase: Map<string, string[]>;
  reconciliations: ReconciliationRecord[];
  deadLetters: DeadLetter[];
  stop(): Promise<void>;
}

const SCORED_KEPT = 500;
const DEAD_LETTER_TOPICS = Object.values(CONSUMER_GROUPS).map(deadLetterTopicFor);

export async function recordTopics(brokers: string[], now: () => number): Promise<TopicRecords> {
  const kafka = new Kafka({ clientId: 'chaos-observer', brokers, logLevel: logLevel.NOTHING, retry: { retries: 30 } });
  const consumer = kafka.consumer({ groupId: `chaos-observer-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 100, sessionTimeout: 30_000 });
  const records: TopicRecords = { registered: [], scored: [], reminders: [], invoicesOfCase: new Map(), reconciliations: [], deadLetters: [], stop: () => consumer.disconnect() };
  await consumer.connect();
  await consumer.subscribe({ topics: [InvoiceRegisteredV1.topic, DebtorScoredV1.topic, CasePlannedV1.topic, PaymentReconciledV1.topic, ...DEAD_LETTER_TOPICS], fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const at = now();
      for (const message of batch.messages) {
        const value = message.value?.toString('utf8') ?? '';
        if (DEAD_LETTER_TOPICS.includes(batch.topic)) {
          records.deadLetters.push({ topic: batch.topic, reason: message.headers?.['dlq-reason']?.toString() ?? '', value: deadLetterValue(message) });
          continue;
        }
        const data = dataOf(value);
        if (!data) continue;
        if (batch.topic === DebtorScoredV1.topic) {
          records.scored.push({ key: message.key?.toString('utf8') ?? '', value });
          if (records.scored.length > SCORED_KEPT) records.scored.splice(0, records.scored.length - SCORED_KEPT);
        } else if (batch.topic === InvoiceRegisteredV1.topic && typeof data.invoiceId === 'string') records.registered.push(data.invoiceId);
        else if (batch.topic === CasePlannedV1.topic && typeof data.caseId === 'string' && Array.isArray(data.joinedInvoiceIds)) {
          // An invoice's collection starts when it joins its debtor's case with a planned next contact.
          for (const invoiceId of data.joinedInvoiceIds as string[]) {
            records.reminders.push({ invoiceId, step: 0, at });
            records.invoicesOfCase.set(data.caseId, [...(records.invoicesOfCase.get(data.caseId) ?? []), invoiceId]);
          }
        }
        else if (batch.topic === PaymentReconciledV1.topic && typeof data.paymentId === 'string') {
          records.reconciliations.push({ paymentId: data.paymentId, eventId: String(data.id), paidTotalCents: Number(data.paidTotalCents) });
        }
      }
    },
  });
  await within(joined, 60_000, 'the chaos observer did not join its group within 60 s');
  return records;
}

/** A dead letter's original bytes: the services run without DLQ_ENCRYPTION_KEY, so sealed under the development key. */
function deadLetterValue(message: KafkaMessage): string {
  if (!message.value) return '';
  if (message.headers?.['dlq-encoding']?.toString() !== DEAD_LETTER_ENCODING) return message.value.toString('utf8');
  try {
    return openDeadLetter(developmentDeadLetterKey(), 'value', message.value).toString('utf8');
  } catch {
    return '(sealed under another key)';
  }
}

/** The envelope's data, with the envelope's id copied in as `id`. */
function dataOf(value: string): Record<string, unknown> | undefined {
  try {
    const envelope = JSON.parse(value) as { id?: unknown; data?: Record<string, unknown> };
    return envelope.data && typeof envelope.data === 'object' ? { ...envelope.data, id: envelope.id } : undefined;
  } catch {
    return undefined;
  }
}

/** Every consumer group of the pipeline and what it reads: the bench's, plus payments. */
export const chaosLagGroups = (tenant: string): Record<string, string[]> => ({ ...lagGroups(tenant), [CONSUMER_GROUPS.paymentPayments]: [PaymentReceivedV1.topic] });

/** Per consumer group, topic and partition: an offset the group has to commit to have consumed what was there. */
export type Backlog = Map<string, Map<string, Map<number, number>>>;

export interface LagReader {
  /** The groups' total lag, or undefined when the broker does not answer. */
  lag(): Promise<number | undefined>;
  /** The topics' end offsets now, per group: what the groups have to get through. */
  backlog(): Promise<Backlog | undefined>;
  /** Whether every group has committed up to the backlog's offsets; undefined when the broker does not answer. */
  consumed(backlog: Backlog): Promise<boolean | undefined>;
  close(): Promise<void>;
}

export async function openLagReader(brokers: string[], tenant: string): Promise<LagReader> {
  let admin: Admin | undefined;
  const connect = async () => {
    const fresh = new Kafka({ clientId: 'chaos-lag', brokers, logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
    await fresh.connect();
    return fresh;
  };
  const guarded = async <T>(work: (client: Admin) => Promise<T>): Promise<T | undefined> => {
    try {
      admin ??= await connect();
      return await work(admin);
    } catch {
      await admin?.disconnect().catch(() => undefined);
      admin = undefined;
      return undefined;
    }
  };
  return {
    backlog: () =>
      guarded(async (client) => {
        const backlog: Backlog = new Map();
        for (const [groupId, topics] of Object.entries(chaosLagGroups(tenant))) {
          const perTopic = new Map<string, Map<number, number>>();
          for (const topic of topics) perTopic.set(topic, new Map((await client.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)])));
          backlog.set(groupId, perTopic);
        }
        return backlog;
      }),
    consumed: (backlog) =>
      guarded(async (client) => {
        for (const [groupId, perTopic] of backlog) {
          const committed = await client.fetchOffsets({ groupId, topics: [...perTopic.keys()] });
          for (const [topic, ends] of perTopic) {
            const done = new Map((committed.find((c) => c.topic === topic)?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
            for (const [partition, end] of ends) if (end > 0 && (done.get(partition) ?? -1) < end) return false;
          }
        }
        return true;
      }),
    async lag() {
      try {
        admin ??= await connect();
        const groups = chaosLagGroups(tenant);
        const topics = [...new Set(Object.values(groups).flat())];
        const ends = new Map(await Promise.all(topics.map(async (t) => [t, await admin!.fetchTopicOffsets(t)] as const)));
        let total = 0;
        for (const [groupId, groupTopics] of Object.entries(groups)) {
          const committed = await admin.fetchOffsets({ groupId, topics: groupTopics });
          total += groupTopics.reduce((sum, topic) => sum + topicLag(ends.get(topic)!, committed.find((c) => c.topic === topic)?.partitions ?? []), 0);
        }
        return total;
      } catch {
        await admin?.disconnect().catch(() => undefined);
        admin = undefined;
        return undefined;
      }
    },
    close: async () => {
      await admin?.disconnect().catch(() => undefined);
    },
  };
}
