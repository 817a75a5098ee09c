import { createProviderClient, providerAdapter, type ProviderClientOptions } from './resilience.ts';
import type { ProviderAdapter, ProviderMessage } from './port.ts';

export interface VoiceProviderOptions extends ProviderClientOptions {
  /** `Authorization: Bearer`. */
  apiKey: string;
}

/** A voice bot call: the number in E.164, the message as the script read out, our reference. */
export function voiceCall(message: ProviderMessage): unknown {
  return { to: `+${message.address.replace(/\D/g, '')}`, script: message.text, reference: message.reference };
}

/** Calls through a voice bot (`POST /v1/calls`). It places one call per reference, so failed attempts are resent. */
export function createVoiceProvider(options: VoiceProviderOptions): ProviderAdapter {
  const client = createProviderClient({ channel: 'voice', provider: 'voice-bot', headers: { authorization: `Bearer ${options.apiKey}` }, idempotent: true }, options);
  return providerAdapter('voice', client, (message) => ({ path: '/v1/calls', body: voiceCall(message) }));
}
