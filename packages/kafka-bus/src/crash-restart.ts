import type { Consumer } from 'kafkajs';
import type { Logger } from 'pino';

/** kafkajs's name for "no broker answered which one coordinates this group" (it treats it as not retriable). */
const COORDINATOR_NOT_FOUND = 'KafkaJSGroupCoordinatorNotFound';
const DEFAULT_RESTART_DELAY_MS = 1_000;

export interface CrashSupervisorOptions {
  groupId: string;
  logger: Logger;
  /** Connects, subscribes and runs the consumer again, as it was first started. */
  restart: () => Promise<void>;
  /** True once the bus is disconnecting: nothing is restarted then. */
  closing: () => boolean;
  /** The consumer is down for good: said in /readyz. */
  stopped: (reason: string) => void;
  restartDelayMs?: number;
}

/**
 * kafkajs restarts a crashed consumer by itself only after a retriable error. It gives up on a group coordinator it
 * could not find in time, yet that is transient: a new broker still creating or loading its offsets topic, a busy one
 * whose answer timed out, or a coordinator that moved. Such a consumer is started again, after a pause, for as long
 * as the bus runs (each start retries the lookup with kafkajs's own back-off). Any other crash kafkajs does not
 * restart leaves the consumer down, and is reported. Returns the last crash's message, for start-up errors.
 */
export function superviseCrashes(consumer: Pick<Consumer, 'on' | 'events'>, options: CrashSupervisorOptions): { lastCrash: () => string | undefined } {
  let lastCrash: string | undefined;
  const delayMs = options.restartDelayMs ?? DEFAULT_RESTART_DELAY_MS;
  const restartLater = () => {
    setTimeout(() => {
      if (options.closing()) return;
      // A restart that crashes again comes back here through CRASH; one that throws before running is retried too.
      options.restart().catch((error: unknown) => {
        options.logger.warn({ err: error, groupId: options.groupId }, 'consumer restart failed; trying again');
        if (!options.closing()) restartLater();
      });
    }, delayMs).unref();
  };
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    lastCrash = payload.error.message;
    if (payload.restart || options.closing()) return;
    if (payload.error.name === COORDINATOR_NOT_FOUND) {
      options.logger.warn({ err: payload.error, groupId: options.groupId, restartInMs: delayMs }, 'group coordinator not found: restarting the consumer');
      restartLater();
      return;
    }
    options.stopped(`consumer group ${options.groupId} stopped: ${payload.error.message}`);
    options.logger.error({ err: payload.error, groupId: options.groupId }, 'consumer stopped after a crash');
  });
  return { lastCrash: () => lastCrash };
}
