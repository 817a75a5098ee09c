import { AppError, RetriableError, ValidationError } from '@regua/errors';
import { isInfrastructureError } from './infrastructure-errors.ts';

/** Errors shaped like the drivers' own: only name, code and cause matter. */
function named(name: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, ...fields });
}

describe('isInfrastructureError', () => {
  test.each(['MongoNetworkError', 'MongoNetworkTimeoutError', 'MongoServerSelectionError', 'MongoPoolClearedError', 'MongoNotConnectedError', 'MongooseServerSelectionError'])('Given a MongoDB driver %s, then it is an outage', (name) => {
    expect(isInfrastructureError(named(name))).toBe(true);
  });

  test.each(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError'])('Given a kafkajs %s, then it is an outage', (name) => {
    expect(isInfrastructureError(named(name))).toBe(true);
  });

  test('Given a RetriableError from @regua/errors, then it is an outage', () => {
    expect(isInfrastructureError(new RetriableError('kafka publish failed'))).toBe(true);
  });

  test('Given a socket error with code ECONNREFUSED, then it is an outage', () => {
    expect(isInfrastructureError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27017'), { code: 'ECONNREFUSED' }))).toBe(true);
  });

  test('Given a MongoServerError with a primary-stepped-down code, then it is an outage; with a duplicate-key code, it is not', () => {
    expect(isInfrastructureError(named('MongoServerError', { code: 189 }))).toBe(true);
    expect(isInfrastructureError(named('MongoServerError', { code: 11000 }))).toBe(false);
  });

  test('Given mongoose failing an operation buffered while disconnected, then it is an outage', () => {
    expect(isInfrastructureError(Object.assign(new Error('Operation `cases.findOne()` buffering timed out after 10000ms'), { name: 'MongooseError' }))).toBe(true);
  });

  test('Given an outage wrapped in other errors (cause, originalError, errors), then it is still recognised', () => {
    expect(isInfrastructureError(new Error('store failed', { cause: named('MongoNetworkError') }))).toBe(true);
    expect(isInfrastructureError(named('KafkaJSNumberOfRetriesExceeded', { originalError: named('KafkaJSConnectionError') }))).toBe(true);
    expect(isInfrastructureError(new AggregateError([new Error('x'), named('MongoPoolClearedError')]))).toBe(true);
  });

  test('Given plain errors, validation errors and non-errors, then none is an outage', () => {
    expect(isInfrastructureError(new Error('cannot read properties of undefined'))).toBe(false);
    expect(isInfrastructureError(new TypeError('x is not a function'))).toBe(false);
    expect(isInfrastructureError(new ValidationError('bad', []))).toBe(false);
    expect(isInfrastructureError(new AppError('unavailable', 'not flagged retriable'))).toBe(false);
    expect(isInfrastructureError('ECONNREFUSED')).toBe(false);
    expect(isInfrastructureError(undefined)).toBe(false);
  });

  test('Given a cause chain that loops, then classification ends', () => {
    const looping: Error & { cause?: unknown } = new Error('a');
    looping.cause = looping;
    expect(isInfrastructureError(looping)).toBe(false);
  });
});
