import type { Logger } from '@regua/telemetry';
import type { Channel } from './domain/cadence.ts';

export interface OutboundMessage {
  tenant: string;
  caseId: string;
  /**
   * Régua's id of this step (`caseId:step`), passed to providers that carry a client reference (WhatsApp Cloud
   * API's `biz_opaque_callback_data`, an e-mail header), so that `wasSent` can look it up.
   */
  reference: string;
  channel: Channel;
  address: string;
  text: string;
}

/** Port to the SMS / e-mail / WhatsApp providers. */
export interface MessageChannel {
  send(message: OutboundMessage): Promise<void>;
  /**
   * Whether the provider took the message with this reference, for a step whose dispatcher stopped between the
   * send and its confirmation; undefined (or absent) when the provider cannot say, and the step is sent again.
   */
  wasSent?(reference: string): Promise<boolean | undefined>;
}

/**
 * Sandbox channel: writes the message to the log instead of a provider (the default until a tenant
 * configures real providers). The address is masked, the text is not: it holds no document numbers.
 */
export function sandboxChannel(logger: Logger): MessageChannel {
  return {
    async send(message) {
      logger.info({ caseId: message.caseId, channel: message.channel, to: maskAddress(message.address), text: message.text }, 'message sent (sandbox)');
    },
  };
}

export function maskAddress(address: string): string {
  if (address.includes('@')) {
    const [user = '', domain = ''] = address.split('@');
    return `${user.slice(0, 1)}***@${domain}`;
  }
  return `${address.slice(0, 5)}*****${address.slice(-2)}`;
}
