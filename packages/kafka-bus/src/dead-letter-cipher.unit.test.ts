import { randomBytes } from 'node:crypto';
import { deadLetterKeyFrom, openDeadLetter, parseDeadLetterKey, sealDeadLetter } from './dead-letter-cipher.ts';

const key = randomBytes(32);
const record = Buffer.from(JSON.stringify({ document: '123.456.789-09', email: 'ana@example.com', phone: '+55 11 91234-5678' }));

describe('dead-letter encryption', () => {
  test('Given a sealed value, when opened with the same key, then the original bytes come back', () => {
    expect(openDeadLetter(key, 'value', sealDeadLetter(key, 'value', record))).toEqual(record);
    expect(openDeadLetter(key, 'key', sealDeadLetter(key, 'key', Buffer.alloc(0)))).toEqual(Buffer.alloc(0));
  });

  test('Given a sealed value, then none of the personal data is readable in it, and two seals differ', () => {
    const sealed = sealDeadLetter(key, 'value', record);
    for (const secret of ['123.456.789-09', 'ana@example.com', '91234-5678']) expect(sealed.includes(secret)).toBe(false);
    expect(sealDeadLetter(key, 'value', record).equals(sealed)).toBe(false);
  });

  test('Given another key, a flipped byte or a key sealed as a value, then opening fails', () => {
    const sealed = sealDeadLetter(key, 'value', record);
    expect(() => openDeadLetter(randomBytes(32), 'value', sealed)).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => openDeadLetter(key, 'value', tampered)).toThrow();
    expect(() => openDeadLetter(key, 'key', sealed)).toThrow();
    expect(() => openDeadLetter(key, 'value', sealed.subarray(0, 10))).toThrow('too short');
  });

  test('Given a configured key, then it is used in every environment', () => {
    const configured = randomBytes(32).toString('base64');
    expect(deadLetterKeyFrom({ configured, nodeEnv: 'production' })).toEqual(Buffer.from(configured, 'base64'));
    expect(deadLetterKeyFrom({ configured, nodeEnv: 'development' })).toEqual(Buffer.from(configured, 'base64'));
  });

  test('Given no key, then development and test get one fixed 32-byte key and production refuses to start', () => {
    const dev = deadLetterKeyFrom({ configured: undefined, nodeEnv: 'development' });
    expect(dev).toHaveLength(32);
    expect(deadLetterKeyFrom({ configured: undefined, nodeEnv: 'test' })).toEqual(dev);
    expect(() => deadLetterKeyFrom({ configured: undefined, nodeEnv: 'production' })).toThrow('DLQ_ENCRYPTION_KEY is required in production');
  });

  test('Given a key that is not 32 bytes of base64, then it is refused', () => {
    expect(() => parseDeadLetterKey(randomBytes(16).toString('base64'))).toThrow('32 bytes');
    expect(() => parseDeadLetterKey('not base64 at all, not at all, not at all!!')).toThrow('32 bytes');
  });
});
