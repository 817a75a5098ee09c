import axios from 'axios';
import type { Logger } from '@regua/telemetry';
import type { Channel } from './domain/channel.ts';

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
  /** E-mail only. */
  subject?: string | undefined;
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

export interface HttpProviderOptions {
  /** The provider's base URL: messages are POSTed to it, and looked up at `<url>/messages?reference=`. */
  url: string;
  /** Per request; well under the dispatcher's claim lease, so a hung provider call never outlives its claim. */
  timeoutMs: number;
  logger: Logger;
}

/**
 * A provider reached over HTTP: `send` POSTs the message with its reference, `wasSent` asks the provider whether
 * it took a reference. A send whose outcome is unknown (timed out, connection lost, 5xx: the provider may have
 * taken it) is remembered, and the next send of that reference asks the provider first, so that the dispatcher's
 * retry does not send it a second time (providers such as the WhatsApp Cloud API keep no idempotency key).
 */
export function httpProviderChannel(options: HttpProviderOptions): MessageChannel {
  const base = options.url.replace(/\/+$/, '');
  const http = axios.create({ timeout: options.timeoutMs });
  const unsure = new Set<string>();

  async function wasSent(reference: string): Promise<boolean | undefined> {
    try {
      const answer = await http.get<{ sent?: unknown }>(`${base}/messages`, { params: { reference } });
      return typeof answer.data.sent === 'boolean' ? answer.data.sent : undefined;
    } catch (error) {
      options.logger.warn({ reference, err: describeError(error) }, 'provider could not say whether it took a message');
      return undefined;
    }
  }

  return {
    async send(message) {
      if (unsure.has(message.reference)) {
        const took = await wasSent(message.reference);
        if (took === undefined) throw new Error(`provider unreachable; whether it took ${message.reference} is still unknown`);
        unsure.delete(message.reference);
        if (took) return;
      }
      try {
        await http.post(base, { reference: message.reference, tenant: message.tenant, caseId: message.caseId, channel: message.channel, to: message.address, text: message.text });
      } catch (error) {
        if (outcomeUnknown(error)) unsure.add(message.reference);
        throw new Error(`provider refused or did not answer: ${describeError(error)}`, { cause: error });
      }
    },
    wasSent,
  };
}

/** The request may have reached the provider and been acted on: no answer, or a server error. */
function outcomeUnknown(error: unknown): boolean {
  if (!axios.isAxiosError(error)) return true;
  if (error.response) return error.response.status >= 500;
  // No response: refused before connecting (nothing sent) or lost after the request went out (maybe taken).
  return error.code !== 'ECONNREFUSED';
}

function describeError(error: unknown): string {
  if (axios.isAxiosError(error)) return error.response ? `HTTP ${error.response.status}` : `${error.code ?? 'error'}: ${error.message}`;
  return (error as Error).message;
}
