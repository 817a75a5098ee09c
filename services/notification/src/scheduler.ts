import cron from 'node-cron';

/** Runs `work` on a cron expression without overlapping runs. */
export function cronJob(expression: string, work: () => Promise<unknown>, onError: (error: unknown) => void) {
  if (!cron.validate(expression)) throw new Error(`invalid cron expression: ${expression}`);
  let task: ReturnType<typeof cron.schedule> | undefined;
  let running: Promise<unknown> | undefined;
  const tick = async () => {
    if (running) return;
    running = work().catch(onError);
    await running;
    running = undefined;
  };
  return {
    start() {
      task = cron.schedule(expression, tick);
    },
    async stop() {
      await task?.stop();
      await running;
    },
  };
}
