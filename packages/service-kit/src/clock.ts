import { createHash, randomUUID } from 'node:crypto';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export type IdGenerator = () => string;
export const randomId: IdGenerator = randomUUID;

/**
 * The id of an event caused by another, the same on every redelivery: reprocessing a message publishes
 * the same id again, and downstream consumers drop it as a duplicate.
 */
export function derivedEventId(causeId: string, purpose: string): string {
  const hex = createHash('sha256').update(`${causeId}\u0000${purpose}`).digest('hex');
  // Laid out as an RFC 9562 version 8 (custom) UUID.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
