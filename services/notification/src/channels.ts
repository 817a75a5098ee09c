import type { Logger } from '@regua/telemetry';
import type { Channel } from './domain/cadence.ts';

export interface OutboundMessage {
  tenant: string;
  caseId: string;
  channel: Channel;
  address: string;
  text: string;
}

/** Port to the SMS / e-mail / WhatsApp providers. */
export interface MessageChannel {
  send(message: OutboundMessage): Promise<void>;
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
