import type { IHeaders, KafkaMessage } from 'kafkajs';

export type DeadLetterReason = 'invalid-json' | 'schema-validation' | 'unknown-topic' | 'handler-rejected' | 'retries-exhausted';

export interface DeadLetterInfo {
  reason: DeadLetterReason;
  error: string;
  sourceTopic: string;
  partition: number;
  offset: string;
  consumerGroup: string;
  attempts: number;
  failedAt: Date;
}

/** The original bytes and headers travel unchanged; why it failed goes in `dlq-*` headers. */
export function deadLetterRecord(message: KafkaMessage, info: DeadLetterInfo): { key: Buffer | null; value: Buffer | null; headers: IHeaders } {
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      'dlq-reason': info.reason,
      'dlq-error': info.error.slice(0, 4000),
      'dlq-source-topic': info.sourceTopic,
      'dlq-source-partition': String(info.partition),
      'dlq-source-offset': info.offset,
      'dlq-consumer-group': info.consumerGroup,
      'dlq-attempts': String(info.attempts),
      'dlq-failed-at': info.failedAt.toISOString(),
    },
  };
}

export { deadLetterTopicFor } from '@regua/contracts';
