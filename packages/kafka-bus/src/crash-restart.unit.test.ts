import { EventEmitter } from 'node:events';
import { KafkaJSGroupCoordinatorNotFound, KafkaJSNonRetriableError, type Consumer } from 'kafkajs';
import { createLogger } from '@regua/telemetry';
import { superviseCrashes } from './crash-restart.ts';

const logger = createLogger({ service: 'crash-restart-test', level: 'silent' });
const CRASH = 'consumer.crash';

/** The two members of a kafkajs consumer the supervisor uses; `crash` emits what kafkajs emits after a crash. */
function consumerStub() {
  const emitter = new EventEmitter();
  const consumer = { events: { CRASH }, on: (event: string, listener: (e: unknown) => void) => emitter.on(event, listener) } as unknown as Pick<Consumer, 'on' | 'events'>;
  return { consumer, crash: (error: Error, restart: boolean) => emitter.emit(CRASH, { type: CRASH, payload: { error, groupId: 'g', restart } }) };
}

function supervised(restart: () => Promise<void>, closing = () => false) {
  const { consumer, crash } = consumerStub();
  const stops: string[] = [];
  const supervisor = superviseCrashes(consumer, { groupId: 'g', logger, restart, closing, stopped: (reason) => stops.push(reason), restartDelayMs: 5 });
  return { crash, stops, supervisor };
}

/** kafkajs's own error, as its cluster throws it (its typings declare no constructor arguments, its code takes one). */
const CoordinatorNotFound = KafkaJSGroupCoordinatorNotFound as unknown as new (message: string) => Error;
const coordinatorNotFound = (message: string) => new CoordinatorNotFound(message);
const settle = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms));

describe('consumer crash supervision', () => {
  test('a group coordinator kafkajs gave up finding: the consumer is started again, and is not reported stopped', async () => {
    let restarts = 0;
    const { crash, stops, supervisor } = supervised(async () => void restarts++);
    crash(coordinatorNotFound('Failed to find group coordinator'), false);
    await settle();
    expect(restarts).toBe(1);
    expect(stops).toEqual([]);
    expect(supervisor.lastCrash()).toBe('Failed to find group coordinator');
  });

  test('a restart that fails before running is tried again', async () => {
    let attempts = 0;
    const { crash, stops } = supervised(async () => {
      attempts++;
      if (attempts < 3) throw new Error('broker not reachable yet');
    });
    crash(coordinatorNotFound('Failed to find group coordinator'), false);
    await settle(200);
    expect(attempts).toBe(3);
    expect(stops).toEqual([]);
  });

  test('any other crash kafkajs does not restart leaves the consumer down, reported with its reason', async () => {
    let restarts = 0;
    const { crash, stops } = supervised(async () => void restarts++);
    crash(new KafkaJSNonRetriableError('Cannot subscribe to topic while consumer is running'), false);
    await settle();
    expect(restarts).toBe(0);
    expect(stops).toEqual(['consumer group g stopped: Cannot subscribe to topic while consumer is running']);
  });

  test('a crash kafkajs restarts by itself, or one while the bus disconnects, starts nothing more', async () => {
    let restarts = 0;
    const restarting = supervised(async () => void restarts++);
    restarting.crash(coordinatorNotFound('coordinator moved'), true);
    const closing = supervised(async () => void restarts++, () => true);
    closing.crash(coordinatorNotFound('coordinator moved'), false);
    await settle();
    expect(restarts).toBe(0);
    expect([...restarting.stops, ...closing.stops]).toEqual([]);
  });
});
