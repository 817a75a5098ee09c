// Posts receipts to the configured webhook when their time comes, signed, retrying a few times on a non-2xx answer
// or no answer (like providers do; they give up after a while, and so does this).
import { SIGNATURE_HEADER, signReceipt, type ReceiptBody } from './receipts.ts';

export interface WebhookSettings {
  url: string;
  secret: string;
  /** Attempts after the first. */
  retries: number;
  /** Before the first retry; doubles with each. */
  retryDelayMs: number;
  timeoutMs: number;
}

/** One receipt and how its posting went. */
export interface ReceiptDelivery {
  body: ReceiptBody;
  attempts: number;
  state: 'pending' | 'delivered' | 'gave-up';
  lastError?: string;
}

export interface WebhookSender {
  /** Posts the receipt `afterMs` from now (its `at` is when it is posted first). */
  schedule(receipt: Omit<ReceiptBody, 'at'>, afterMs: number): void;
  deliveries(): ReceiptDelivery[];
  clear(): void;
  /** Cancels what is still to be posted and aborts what is in flight. */
  close(): void;
}

export function createWebhookSender(settings: WebhookSettings): WebhookSender {
  const timers = new Set<NodeJS.Timeout>();
  const closing = new AbortController();
  let deliveries: ReceiptDelivery[] = [];

  function later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  }

  async function post(delivery: ReceiptDelivery, raw: string): Promise<void> {
    delivery.attempts++;
    try {
      const answer = await fetch(settings.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signReceipt(raw, settings.secret) },
        body: raw,
        signal: AbortSignal.any([closing.signal, AbortSignal.timeout(settings.timeoutMs)]),
      });
      await answer.body?.cancel();
      if (answer.ok) {
        delivery.state = 'delivered';
        return;
      }
      delivery.lastError = `HTTP ${answer.status}`;
    } catch (error) {
      delivery.lastError = (error as Error).message;
    }
    if (closing.signal.aborted) return;
    if (delivery.attempts > settings.retries) {
      delivery.state = 'gave-up';
      return;
    }
    later(settings.retryDelayMs * 2 ** (delivery.attempts - 1), () => void post(delivery, raw));
  }

  return {
    schedule(receipt, afterMs) {
      later(afterMs, () => {
        const body: ReceiptBody = { ...receipt, at: new Date().toISOString() };
        const delivery: ReceiptDelivery = { body, attempts: 0, state: 'pending' };
        deliveries.push(delivery);
        void post(delivery, JSON.stringify(body));
      });
    },
    deliveries: () => [...deliveries],
    clear() {
      deliveries = [];
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      closing.abort();
    },
  };
}
