/** A pause that does not keep the process alive by itself (for timeouts raced against real work). */
export const idle = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Rejects with `message` if `promise` has not settled within `ms`; the timer never holds the process. */
export function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return Promise.race([promise, idle(ms).then(() => Promise.reject(new Error(message)))]);
}
