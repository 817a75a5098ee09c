import { createProviderClient, providerAdapter, type ProviderClientOptions } from './resilience.ts';
import type { ProviderAdapter, ProviderMessage } from './port.ts';

export interface EmailProviderOptions extends ProviderClientOptions {
  /** SendGrid API key (`Authorization: Bearer`). */
  apiKey: string;
  from: { email: string; name?: string };
  /** For messages that bring no subject. */
  defaultSubject: string;
}

/** SendGrid v3 mail send: one recipient, plain text, our reference in `custom_args` (receipts carry it back). */
export function sendGridMail(message: ProviderMessage, options: Pick<EmailProviderOptions, 'from' | 'defaultSubject'>): unknown {
  return {
    personalizations: [{ to: [{ email: message.address }], custom_args: { reference: message.reference } }],
    from: options.from,
    subject: message.subject ?? options.defaultSubject,
    content: [{ type: 'text/plain', value: message.text }],
  };
}

/** E-mail through SendGrid's v3 API (`POST /v3/mail/send`, 202). SendGrid keeps no idempotency key. */
export function createEmailProvider(options: EmailProviderOptions): ProviderAdapter {
  const client = createProviderClient({ channel: 'email', provider: 'sendgrid', headers: { authorization: `Bearer ${options.apiKey}` }, idempotent: false }, options);
  return providerAdapter('email', client, (message) => ({ path: '/v3/mail/send', body: sendGridMail(message, options) }));
}
