import axios from 'axios';
import type { SentLookup } from './port.ts';

/**
 * The lookup a provider (or the provider sandbox) answers at `GET <url>/messages?reference=` with `{ sent: boolean }`,
 * the same one `httpProviderChannel.wasSent` uses; undefined when it does not answer that.
 */
export function httpSentLookup(options: { url: string; timeoutMs: number; channel?: string }): SentLookup {
  const http = axios.create({ baseURL: options.url.replace(/\/+$/, ''), timeout: options.timeoutMs });
  return async (reference) => {
    try {
      const answer = await http.get<{ sent?: unknown }>('/messages', { params: { reference, ...(options.channel ? { channel: options.channel } : {}) } });
      return typeof answer.data.sent === 'boolean' ? answer.data.sent : undefined;
    } catch {
      return undefined;
    }
  };
}
