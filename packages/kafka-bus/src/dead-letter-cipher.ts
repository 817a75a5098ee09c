import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** The `dlq-encoding` header value of dead letters sealed by this module. */
export const DEAD_LETTER_ENCODING = 'aes-256-gcm:v1';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const BASE64_32_BYTES = /^[A-Za-z0-9+/]{43}=$/;

/** Which part of the record a sealed buffer was, bound into the tag so a key and a value cannot be swapped. */
export type SealedPart = 'key' | 'value';

/**
 * The key dead letters are sealed under: the configured one (32 bytes, base64), or outside production a fixed
 * development key, so a laptop needs no set-up. Production refuses to run with personal data in clear.
 */
export function deadLetterKeyFrom(setting: { configured: string | undefined; nodeEnv: string }): Buffer {
  if (setting.configured) return parseDeadLetterKey(setting.configured);
  if (setting.nodeEnv === 'production') throw new Error('DLQ_ENCRYPTION_KEY is required in production (32 random bytes, base64: openssl rand -base64 32)');
  return developmentDeadLetterKey();
}

/** Known to anyone who reads this file: it keeps personal data out of plain sight on laptops, nothing more. */
export function developmentDeadLetterKey(): Buffer {
  return createHash('sha256').update('regua development dead-letter key; never used in production').digest();
}

export function parseDeadLetterKey(base64: string): Buffer {
  if (!BASE64_32_BYTES.test(base64)) throw new Error('DLQ_ENCRYPTION_KEY must be 32 bytes in base64 (44 characters ending in =)');
  return Buffer.from(base64, 'base64');
}

/** `iv ‖ tag ‖ ciphertext`, a fresh random IV per call. */
export function sealDeadLetter(key: Buffer, part: SealedPart, plaintext: Buffer): Buffer {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES }).setAAD(Buffer.from(part));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** Throws if the buffer was not sealed under this key as this part (wrong key, tampering, truncation). */
export function openDeadLetter(key: Buffer, part: SealedPart, sealed: Buffer): Buffer {
  assertKey(key);
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('sealed dead letter is too short');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES }).setAAD(Buffer.from(part));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

function assertKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new Error(`a dead-letter key has ${KEY_BYTES} bytes, got ${key.length}`);
}
