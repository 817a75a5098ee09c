import { createProviderClient, providerAdapter, type ProviderClientOptions } from './resilience.ts';
import type { ProviderAdapter, ProviderMessage } from './port.ts';

export interface WhatsAppProviderOptions extends ProviderClientOptions {
  /** A system user's access token (`Authorization: Bearer`). */
  accessToken: string;
  /** The business phone number's id in the Cloud API. */
  phoneNumberId: string;
  /** Graph API version; default v21.0. */
  apiVersion?: string;
}

/** A Cloud API message: a template when the message names one, text otherwise; our reference in `biz_opaque_callback_data`. */
export function cloudApiMessage(message: ProviderMessage): unknown {
  const common = { messaging_product: 'whatsapp', recipient_type: 'individual', to: message.address.replace(/\D/g, ''), biz_opaque_callback_data: message.reference };
  if (!message.template) return { ...common, type: 'text', text: { body: message.text, preview_url: false } };
  const { name, language, parameters } = message.template;
  return { ...common, type: 'template', template: { name, language: { code: language }, components: [{ type: 'body', parameters: parameters.map((text) => ({ type: 'text', text })) }] } };
}

/**
 * WhatsApp through the Cloud API (`POST /{version}/{phone-number-id}/messages`). It keeps no idempotency key and
 * cannot be asked about a reference: after an unknown outcome the message is sent again only once `lookup` says it
 * was not taken (with the receipts store as the lookup, never: a receipt settles it as taken), else OutcomeUnknownError.
 */
export function createWhatsAppProvider(options: WhatsAppProviderOptions): ProviderAdapter {
  const client = createProviderClient({ channel: 'whatsapp', provider: 'whatsapp-cloud', headers: { authorization: `Bearer ${options.accessToken}` }, idempotent: false }, options);
  const path = `/${options.apiVersion ?? 'v21.0'}/${encodeURIComponent(options.phoneNumberId)}/messages`;
  return providerAdapter('whatsapp', client, (message) => ({ path, body: cloudApiMessage(message) }));
}
