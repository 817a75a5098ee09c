// Adapter: a kafkajs consumer of its own that timestamps each stage's events for the bench's invoices, and
// a sampler of the services' consumer lag.
import { CONSUMER_GROUPS, deadLetterTopicFor, DebtorEnrichedV1, DebtorScoredV1, inboundInvoicesTopicFor, InvoiceRegisteredV1, InvoiceUpdatedV1, CasePlannedV1 } from '@regua/contracts';
import { sleep } from '@regua/local-infra';
import { Kafka, logLevel } from 'kafkajs';
import { topicLag } from './stats.ts';
import { within } from './timers.ts';

export const STAGES = [
  { stage: 'registered', topic: InvoiceRegisteredV1.topic },
  { stage: 'enriched', topic: DebtorEnrichedV1.topic },
  { stage: 'scored', topic: DebtorScoredV1.topic },
  { stage: 'contact planned', topic: CasePlannedV1.topic },
] as const;
export type Stage = (typeof STAGES)[number]['stage'];

const INBOUND_DLQ = deadLetterTopicFor(CONSUMER_GROUPS.ingestionInbound);

export interface Observation {
  /** Per stage: invoice id → ms (since the bench's start) its first event arrived. */
  arrivals: Record<Stage, Map<string, number>>;
  /** Events for an invoice already seen at that stage (redeliveries, or later reminder steps). */
  repeats: Record<Stage, number>;
  updatedEvents: number;
  /** Kafka-door records ingestion dead-lettered (the invalid ones, if all is well). */
  inboundDeadLetters: number;
  stop(): Promise<void>;
}

export async function observeStages(brokers: string[], expected: ReadonlySet<string>, now: () => number): Promise<Observation> {
  const kafka = new Kafka({ clientId: 'bench-observer', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-observer-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 100 });
  const byTopic = new Map<string, Stage>(STAGES.map((s) => [s.topic, s.stage]));
  const observation: Observation = {
    arrivals: Object.fromEntries(STAGES.map((s) => [s.stage, new Map()])) as Observation['arrivals'],
    repeats: Object.fromEntries(STAGES.map((s) => [s.stage, 0])) as Observation['repeats'],
    updatedEvents: 0,
    inboundDeadLetters: 0,
    stop: () => consumer.disconnect(),
  };

  await consumer.connect();
  await consumer.subscribe({ topics: [...byTopic.keys(), InvoiceUpdatedV1.topic, INBOUND_DLQ], fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const at = now();
      if (batch.topic === INBOUND_DLQ) {
        observation.inboundDeadLetters += batch.messages.length;
        return;
      }
      for (const message of batch.messages) {
        for (const invoiceId of invoiceIdsOf(message.value)) {
          if (!expected.has(invoiceId)) continue;
          if (batch.topic === InvoiceUpdatedV1.topic) {
            observation.updatedEvents++;
            continue;
          }
          const stage = byTopic.get(batch.topic)!;
          const seen = observation.arrivals[stage];
          if (seen.has(invoiceId)) observation.repeats[stage]++;
          else seen.set(invoiceId, at);
        }
      }
    },
  });
  await within(joined, 60_000, 'the observer consumer did not join its group within 60 s');
  return observation;
}

/** The invoice an event is about, or the invoices that joined a case (`case.planned`). */
function invoiceIdsOf(value: Buffer | null): string[] {
  try {
    const envelope = JSON.parse(value?.toString('utf8') ?? '') as { data?: { invoiceId?: unknown; joinedInvoiceIds?: unknown } };
    if (typeof envelope.data?.invoiceId === 'string') return [envelope.data.invoiceId];
    return Array.isArray(envelope.data?.joinedInvoiceIds) ? envelope.data.joinedInvoiceIds.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

/** The services' consumer groups on the pipeline's path, and the topics they read (the Kafka door is the tenant's own topic). */
export const lagGroups = (tenant: string): Record<string, string[]> => ({
  [CONSUMER_GROUPS.ingestionInbound]: [inboundInvoicesTopicFor(tenant)],
  [CONSUMER_GROUPS.enrichment]: [InvoiceRegisteredV1.topic],
  [CONSUMER_GROUPS.scoring]: [DebtorEnrichedV1.topic],
  [CONSUMER_GROUPS.notification]: [DebtorScoredV1.topic],
  [CONSUMER_GROUPS.paymentInvoices]: [InvoiceRegisteredV1.topic, InvoiceUpdatedV1.topic],
});

export interface LagSample {
  t: number;
  lag: Record<string, number>;
}

/** Samples each group's lag every `everyMs` until stopped. */
export async function sampleLag(brokers: string[], tenant: string, now: () => number, everyMs = 2000) {
  const groups = lagGroups(tenant);
  const admin = new Kafka({ clientId: 'bench-lag', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const samples: LagSample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const topics = [...new Set(Object.values(groups).flat())];
        const ends = new Map(await Promise.all(topics.map(async (t) => [t, await admin.fetchTopicOffsets(t)] as const)));
        const lag: Record<string, number> = {};
        for (const [groupId, groupTopics] of Object.entries(groups)) {
          const committed = await admin.fetchOffsets({ groupId, topics: groupTopics });
          lag[groupId] = groupTopics.reduce((sum, topic) => sum + topicLag(ends.get(topic)!, committed.find((c) => c.topic === topic)?.partitions ?? []), 0);
        }
        samples.push({ t: now() / 1000, lag });
      } catch {
        /* a missed sample is not worth stopping the bench for */
      }
      await sleep(everyMs);
    }
  })();
  return {
    samples,
    async stop() {
      running = false;
      await loop;
      await admin.disconnect();
    },
  };
}
