/** Tells the live views which tenants' figures changed, after each run is written. In-process: one replica's views. */
export interface ChangeFeed {
  publish(tenants: Iterable<string>): void;
  subscribe(listener: (tenant: string) => void): () => void;
}

export function createChangeFeed(): ChangeFeed {
  const listeners = new Set<(tenant: string) => void>();
  return {
    publish(tenants) {
      for (const tenant of tenants) for (const listener of listeners) listener(tenant);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
