import type { SandboxChannel } from './providers.ts';

/** One request to a provider route, as it came (credentials left out), and how the stand-in answered it. */
export interface RecordedRequest {
  /** Order of arrival, from 1. */
  seq: number;
  /** `sendgrid`, `zenvia`, `whatsapp-cloud`, `voice-bot`, or `generic` (the `POST /` route). */
  provider: string;
  channel?: SandboxChannel;
  /** Régua's reference, when the body carried one where the provider keeps it. */
  reference?: string;
  method: string;
  /** Path and query, as requested. */
  path: string;
  /** Lower-case names; `authorization`, `x-api-token` and `x-api-key` are left out. */
  headers: Record<string, string>;
  /** The parsed JSON, or the raw text when it is not JSON. */
  body: unknown;
  receivedAt: string;
  outcome: 'pending' | 'accepted' | 'duplicate' | 'unauthorized' | 'invalid' | 'server-error' | 'timeout';
  /** The provider took the message (it is sent and its receipts follow): accepted, or a fault that took it anyway. */
  taken: boolean;
  providerMessageId?: string;
}

export interface RequestFilter {
  channel?: string;
  reference?: string;
}

const CREDENTIAL_HEADERS = new Set(['authorization', 'x-api-token', 'x-api-key']);

export function withoutCredentials(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || CREDENTIAL_HEADERS.has(name.toLowerCase())) continue;
    kept[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

export function matches(request: RecordedRequest, filter: RequestFilter): boolean {
  return (filter.channel === undefined || request.channel === filter.channel) && (filter.reference === undefined || request.reference === filter.reference);
}
