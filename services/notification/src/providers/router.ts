import { ChannelUnavailableError } from './errors.ts';
import type { MessageChannel } from '../channels.ts';
import type { ProviderChannel, ProviderMessage } from './port.ts';

/** A channel's adapter: any `MessageChannel`, with `available` and `close` when it has a breaker (ProviderAdapter). */
type RoutedChannel = MessageChannel & { send(message: ProviderMessage): Promise<void>; available?(): boolean; close?(): void };

export interface ProviderRouter extends MessageChannel {
  send(message: ProviderMessage): Promise<void>;
  /** Closes every adapter that can be. */
  close(): void;
}

/**
 * One `MessageChannel` over one adapter per channel: each message goes to its channel's adapter; a channel with none,
 * or whose circuit is open, is refused with `ChannelUnavailableError` without calling anything (the dispatcher can
 * use another channel). `wasSent` asks every adapter that can say: true if one took it, false if all say not.
 */
export function providerRouter(adapters: Partial<Record<ProviderChannel, RoutedChannel>>): ProviderRouter {
  const all = Object.values(adapters).filter((adapter): adapter is RoutedChannel => adapter !== undefined);
  const lookups = all.flatMap((adapter) => (adapter.wasSent ? [adapter.wasSent.bind(adapter)] : []));
  return {
    async send(message) {
      const adapter = adapters[message.channel];
      if (!adapter) throw new ChannelUnavailableError(message.channel, 'no-adapter');
      if (adapter.available && !adapter.available()) throw new ChannelUnavailableError(message.channel, 'circuit-open');
      await adapter.send(message);
    },
    ...(lookups.length > 0
      ? {
          async wasSent(reference: string) {
            const answers = await Promise.all(lookups.map((lookup) => lookup(reference)));
            if (answers.includes(true)) return true;
            return answers.every((answer) => answer === false) ? false : undefined;
          },
        }
      : {}),
    close() {
      for (const adapter of all) adapter.close?.();
    },
  };
}
