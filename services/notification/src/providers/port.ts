import type { MessageChannel, OutboundMessage } from '../channels.ts';

/** The channels providers serve ('voice' spelled out for as long as the contracts' channel list lacks it). */
export type ProviderChannel = OutboundMessage['channel'] | 'voice';

/** An outbound message as the provider adapters take it: what the dispatcher sends, plus what some channels use. */
export interface ProviderMessage extends Omit<OutboundMessage, 'channel'> {
  channel: ProviderChannel;
  /** E-mail only; the adapter's default subject otherwise. */
  subject?: string;
  /**
   * WhatsApp only: an approved template (needed outside the 24-hour window a debtor's own message opens), its body's
   * parameters in order. Without it the message goes as text.
   */
  template?: { name: string; language: string; parameters: string[] };
}

/**
 * Whether the provider took a message with this reference: true, false only when it surely did not, undefined when
 * it cannot say. For a provider with no such lookup (the WhatsApp Cloud API) the receipts store can answer true once
 * a receipt for the reference came, and undefined otherwise, never false.
 */
export type SentLookup = (reference: string) => Promise<boolean | undefined>;

/** One provider for one channel. */
export interface ProviderAdapter extends MessageChannel {
  readonly channel: ProviderChannel;
  send(message: ProviderMessage): Promise<void>;
  /** False while its circuit is open: sends are refused without calling the provider. */
  available(): boolean;
  /** Stops the breaker's timers. */
  close(): void;
}
