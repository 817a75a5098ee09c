/**
 * Runs `work` every `intervalMs`, never overlapping itself, and on demand via `kick()` (for example right
 * after a write, so the outbox does not wait a whole interval).
 */
export function periodic(intervalMs: number, work: () => Promise<void>, onError: (error: unknown) => void) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = true;

  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await work();
        } catch (error) {
          onError(error);
        }
      } while (again && !stopped);
    })();
    try {
      await running;
    } finally {
      running = undefined;
    }
  };

  return {
    start() {
      stopped = false;
      timer = setInterval(() => void run(), intervalMs);
      void run();
    },
    kick() {
      if (!stopped) void run();
    },
    /** Runs once now and waits for it; for tests and for draining before stop. */
    runNow: run,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
