import { RetriableError } from '@regua/errors';

/**
 * Errors that say a dependency is unreachable, not that the message is wrong: retrying later will work, so a
 * consumer waits them out instead of dead-lettering. Recognised by name and code, so that this package needs
 * neither the MongoDB driver nor mongoose.
 */
const INFRASTRUCTURE_ERROR_NAMES = new Set([
  // MongoDB driver
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoPoolClearedError',
  'PoolClearedOnNetworkError',
  'MongoPoolClosedError',
  'MongoWaitQueueTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoServerClosedError',
  // mongoose
  'MongooseServerSelectionError',
  'DisconnectedError',
  // kafkajs
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSLockTimeout',
]);

/** Server answers of a replica set in an election or shutting down (the driver's retryable codes). */
const MONGO_UNAVAILABLE_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/** Causes are followed this deep: wrappers wrap wrappers (RetriableError → KafkaJSNumberOfRetriesExceeded → …). */
const MAX_CAUSE_DEPTH = 5;

export function isInfrastructureError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > MAX_CAUSE_DEPTH) return false;
  if (error instanceof RetriableError) return true;
  const e = error as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  const name = typeof e.name === 'string' ? e.name : '';
  if (INFRASTRUCTURE_ERROR_NAMES.has(name)) return true;
  if (typeof e.code === 'string' && NETWORK_ERROR_CODES.has(e.code)) return true;
  if (name.startsWith('Mongo') && typeof e.code === 'number' && MONGO_UNAVAILABLE_CODES.has(e.code)) return true;
  // mongoose queues operations while disconnected and fails them with a plain MongooseError after a while.
  if (name === 'MongooseError' && typeof e.message === 'string' && e.message.includes('buffering timed out')) return true;
  const inner = [e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])];
  return inner.some((cause) => isInfrastructureError(cause, depth + 1));
}
