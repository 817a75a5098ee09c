import { randomBytes } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { DEAD_LETTER_ENCODING } from './dead-letter-cipher.ts';
import { deadLetterRecord, openDeadLetterRecord, type DeadLetterInfo } from './dead-letter.ts';

const key = randomBytes(32);
const value = JSON.stringify({ debtor: { document: '12345678909', email: 'ana@example.com', phone: '+5511912345678' } });
const message = { key: Buffer.from('tenant-a:12345678909'), value: Buffer.from(value), headers: { 'event-id': 'e-1' }, offset: '7', timestamp: '0', attributes: 0 } as unknown as KafkaMessage;
const info: DeadLetterInfo = { reason: 'handler-rejected', error: 'debtor 123.456.789-09 (ana@example.com) refused', sourceTopic: 'ns.t', partition: 2, offset: '7', consumerGroup: 'g', attempts: 1, failedAt: new Date('2026-11-25T10:00:00Z') };

describe('a dead-letter record', () => {
  test('Given a message with personal data, then its key and value are sealed and the record says how', () => {
    const record = deadLetterRecord(message, info, key);
    expect(record.value!.includes('12345678909')).toBe(false);
    expect(record.key!.includes('12345678909')).toBe(false);
    expect(record.headers).toMatchObject({ 'event-id': 'e-1', 'dlq-encoding': DEAD_LETTER_ENCODING, 'dlq-reason': 'handler-rejected', 'dlq-source-offset': '7' });
  });

  test('Given an error naming a CPF and an e-mail, then dlq-error masks them', () => {
    expect(deadLetterRecord(message, info, key).headers['dlq-error']).toBe('debtor [number] ([email]) refused');
  });

  test('Given a sealed record, then opening it with the key gives the original key and value back', () => {
    const record = deadLetterRecord(message, info, key);
    expect(openDeadLetterRecord(record, key)).toEqual({ key: message.key, value: message.value });
  });

  test('Given a record dead-lettered before encryption (no dlq-encoding), then it opens as it is', () => {
    expect(openDeadLetterRecord({ key: message.key, value: message.value, headers: { 'dlq-reason': 'invalid-json' } }, key)).toEqual({ key: message.key, value: message.value });
  });

  test('Given an unknown dlq-encoding, then opening refuses', () => {
    expect(() => openDeadLetterRecord({ key: null, value: Buffer.from('x'), headers: { 'dlq-encoding': 'rot13:v9' } }, key)).toThrow('unknown dlq-encoding');
  });
});
