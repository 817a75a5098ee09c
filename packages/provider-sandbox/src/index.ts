// A stand-in for Régua's message providers, for the stack and the tests: the request shapes of SendGrid (e-mail), a
// Zenvia-like SMS API, the WhatsApp Cloud API and a voice bot (providers.ts); delivery receipts posted to a webhook,
// signed, with seeded delays and outcomes (receipts.ts, webhook.ts); faults on demand (faults.ts); and a record of
// every request, so that tests judge "sent exactly once" by what the provider saw. See README.md.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSandboxApp, type SandboxState } from './app.ts';
import { applyFaults, FaultsUpdateSchema, NO_FAULTS, type FaultSettings, type FaultsUpdate } from './faults.ts';
import { matches, type RecordedRequest, type RequestFilter } from './journal.ts';
import { SANDBOX_CHANNELS, type SandboxChannel } from './providers.ts';
import { seededRandom } from './random.ts';
import { DEFAULT_DELAYS, DEFAULT_RATES, DEFAULT_REPLIES, planReceipts, type ReceiptDelays, type ReceiptRates } from './receipts.ts';
import { createWebhookSender, type ReceiptDelivery, type WebhookSender } from './webhook.ts';

export { SANDBOX_CHANNELS, type SandboxChannel } from './providers.ts';
export { NO_FAULTS, type FaultSettings, type FaultsUpdate } from './faults.ts';
export type { RecordedRequest, RequestFilter } from './journal.ts';
export { DEFAULT_DELAYS, DEFAULT_RATES, DEFAULT_REPLIES, SIGNATURE_HEADER, signReceipt, type ReceiptBody, type ReceiptDelays, type ReceiptRates, type ReceiptStatus } from './receipts.ts';
export type { ReceiptDelivery } from './webhook.ts';

export interface ProviderSandboxOptions {
  /** 0 (default): any free port. */
  port?: number;
  host?: string;
  /** The credential each channel's API accepts (bearer token; the SMS API's `X-API-TOKEN`). */
  tokens: Record<SandboxChannel, string>;
  /** Where receipts are posted; none are posted without it. */
  webhookUrl?: string;
  /** Signs each receipt (HMAC-SHA256 of the raw body); required with `webhookUrl`. */
  webhookSecret?: string;
  /** Receipt webhook: retries after the first attempt (default 3), the first retry's delay, doubling (500 ms), per-attempt timeout (5 s). */
  webhook?: { retries?: number; retryDelayMs?: number; timeoutMs?: number };
  delays?: Partial<ReceiptDelays>;
  rates?: Partial<ReceiptRates>;
  /** The texts replies are drawn from. */
  replies?: string[];
  faults?: Partial<Record<SandboxChannel, Partial<FaultSettings>>>;
  /** Drives faults, provider ids and receipts (default 1): the same seed and the same requests give the same run. */
  seed?: number;
}

export interface ProviderSandbox {
  url: string;
  /** Requests to provider routes, in order of arrival. */
  requests(filter?: RequestFilter): RecordedRequest[];
  /** Receipts posted or being posted. */
  receipts(filter?: { reference?: string }): ReceiptDelivery[];
  setFaults(update: FaultsUpdate): void;
  /** Forgets requests, receipts and references seen. */
  clear(): void;
  close(): Promise<void>;
}

export async function startProviderSandbox(options: ProviderSandboxOptions): Promise<ProviderSandbox> {
  if (options.webhookUrl && !options.webhookSecret) throw new Error('a webhook secret is required with a webhook URL: receipts are signed');
  const seed = options.seed ?? 1;
  const delays: ReceiptDelays = { ...DEFAULT_DELAYS, ...options.delays };
  const rates: ReceiptRates = { ...DEFAULT_RATES, ...options.rates };
  const replies = options.replies ?? DEFAULT_REPLIES;
  const receiptRandom = seededRandom(seed + 2);
  const webhook: WebhookSender | undefined = options.webhookUrl
    ? createWebhookSender({ url: options.webhookUrl, secret: options.webhookSecret!, retries: options.webhook?.retries ?? 3, retryDelayMs: options.webhook?.retryDelayMs ?? 500, timeoutMs: options.webhook?.timeoutMs ?? 5_000 })
    : undefined;

  const state: SandboxState = {
    tokens: options.tokens,
    faults: Object.fromEntries(SANDBOX_CHANNELS.map((channel) => [channel, { ...NO_FAULTS, ...options.faults?.[channel] }])) as Record<SandboxChannel, FaultSettings>,
    journal: [],
    acceptedIds: new Map(),
    random: { ids: seededRandom(seed), faults: seededRandom(seed + 1) },
    held: new Set(),
    taken(provider, channel, message, providerMessageId) {
      if (!webhook || message.reference === undefined) return;
      for (const { afterMs, ...receipt } of planReceipts(channel, receiptRandom, delays, rates, replies)) {
        webhook.schedule({ provider, channel, reference: message.reference, providerMessageId, ...receipt }, afterMs);
      }
    },
    receipts: () => webhook?.deliveries() ?? [],
    clear() {
      state.journal.length = 0;
      state.acceptedIds.clear();
      webhook?.clear();
    },
  };

  const app = createSandboxApp(state);
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(options.port ?? 0, options.host ?? '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1'}:${port}`,
    requests: (filter = {}) => state.journal.filter((r) => matches(r, filter)),
    receipts: (filter = {}) => state.receipts().filter((d) => filter.reference === undefined || d.body.reference === filter.reference),
    setFaults(update) {
      state.faults = applyFaults(state.faults, FaultsUpdateSchema.parse(update));
    },
    clear: () => state.clear(),
    async close() {
      webhook?.close();
      for (const response of state.held) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
