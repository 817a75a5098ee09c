import { createProviderClient, providerAdapter, type ProviderClientOptions } from './resilience.ts';
import type { ProviderAdapter, ProviderMessage } from './port.ts';

export interface SmsProviderOptions extends ProviderClientOptions {
  /** `X-API-TOKEN`. */
  apiToken: string;
  /** The sender id or short code the account is allowed to send from. */
  from: string;
}

/** A Zenvia-like SMS message: the number in digits, one text content, our reference as `externalId`. */
export function smsMessage(message: ProviderMessage, from: string): unknown {
  return { from, to: message.address.replace(/\D/g, ''), contents: [{ type: 'text', text: message.text }], externalId: message.reference };
}

/** SMS through a Zenvia-like API (`POST /v1/messages`). Not idempotent on `externalId`. */
export function createSmsProvider(options: SmsProviderOptions): ProviderAdapter {
  const client = createProviderClient({ channel: 'sms', provider: 'zenvia', headers: { 'x-api-token': options.apiToken }, idempotent: false }, options);
  return providerAdapter('sms', client, (message) => ({ path: '/v1/messages', body: smsMessage(message, options.from) }));
}
