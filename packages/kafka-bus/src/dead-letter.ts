import type { IHeaders, KafkaMessage } from 'kafkajs';
import { maskPersonalData } from '@regua/telemetry';
import { DEAD_LETTER_ENCODING, openDeadLetter, sealDeadLetter } from './dead-letter-cipher.ts';

export const DEAD_LETTER_REASONS = ['invalid-json', 'schema-validation', 'unknown-topic', 'handler-rejected', 'retries-exhausted'] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

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

/**
 * The original key and value, sealed under `key` (they carry CPFs, phones and e-mails, and dead letters are kept
 * a month); the original headers unchanged; why it failed in `dlq-*` headers, with personal data masked.
 */
export function deadLetterRecord(message: KafkaMessage, info: DeadLetterInfo, key: Buffer): { key: Buffer | null; value: Buffer | null; headers: IHeaders } {
  return {
    key: message.key ? sealDeadLetter(key, 'key', message.key) : null,
    value: message.value ? sealDeadLetter(key, 'value', message.value) : null,
    headers: {
      ...message.headers,
      'dlq-encoding': DEAD_LETTER_ENCODING,
      'dlq-reason': info.reason,
      'dlq-error': maskPersonalData(info.error).slice(0, 4000),
      'dlq-source-topic': info.sourceTopic,
      'dlq-source-partition': String(info.partition),
      'dlq-source-offset': info.offset,
      'dlq-consumer-group': info.consumerGroup,
      'dlq-attempts': String(info.attempts),
      'dlq-failed-at': info.failedAt.toISOString(),
    },
  };
}

/** The original key and value of a dead letter; those written before encryption (no `dlq-encoding`) are in clear. */
export function openDeadLetterRecord(record: Pick<KafkaMessage, 'key' | 'value' | 'headers'>, key: Buffer): { key: Buffer | null; value: Buffer | null } {
  const encoding = headerText(record.headers, 'dlq-encoding');
  if (encoding === undefined) return { key: record.key ?? null, value: record.value ?? null };
  if (encoding !== DEAD_LETTER_ENCODING) throw new Error(`unknown dlq-encoding ${encoding}`);
  return {
    key: record.key ? openDeadLetter(key, 'key', record.key) : null,
    value: record.value ? openDeadLetter(key, 'value', record.value) : null,
  };
}

export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

export { deadLetterTopicFor } from '@regua/contracts';
