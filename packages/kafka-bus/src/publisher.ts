import type { Producer } from 'kafkajs';
import type { EnvelopeHeader } from '@regua/contracts';
import { RetriableError } from '@regua/errors';
import { SpanKind, withSpan } from '@regua/telemetry';
import { context, injectHeaders, originContext, publishContext } from './tracing.ts';

export interface OutgoingMessage {
  topic: string;
  key: string;
  envelope: EnvelopeHeader & { data: unknown };
}

/** The port services publish through. */
export interface EventPublisher {
  /** Resolves once every message is acknowledged by all in-sync replicas. */
  publish(messages: OutgoingMessage[]): Promise<void>;
}

export function createPublisher(producer: Producer, ns: (topic: string) => string = (t) => t): EventPublisher {
  return {
    async publish(messages) {
      if (messages.length === 0) return;
      const byTopic = Map.groupBy(messages, (message) => ns(message.topic));

      const first = messages[0]!;
      const parent = publishContext(first.envelope.traceparent);
      await withSpan(`publish ${[...byTopic.keys()].join(',')}`, { kind: SpanKind.PRODUCER, parent, attributes: { 'messaging.system': 'kafka', 'messaging.batch.message_count': messages.length } }, async () => {
        // Each message keeps its own origin trace: a relay may publish envelopes from many requests at once.
        const topicMessages = [...byTopic].map(([topic, items]) => ({
          topic,
          messages: items.map((item) => ({
            key: item.key,
            value: JSON.stringify(item.envelope),
            headers: {
              ...injectHeaders(messages.length === 1 ? context.active() : originContext(item.envelope.traceparent)),
              'event-type': item.envelope.type,
              'event-id': item.envelope.id,
              'content-type': 'application/json',
            },
          })),
        }));
        try {
          await producer.sendBatch({ topicMessages, acks: -1 });
        } catch (error) {
          throw new RetriableError(`kafka publish failed: ${(error as Error).message}`, error);
        }
      });
    },
  };
}
