// What happens to a message after the provider took it, decided up front from the seeded random: delivered or
// failed, then read (or, for a call, heard to the end), then perhaps a reply. Pure: the webhook sender (webhook.ts)
// posts each receipt when its time comes.
import { createHmac } from 'node:crypto';
import type { SandboxChannel } from './providers.ts';
import { between, type Random } from './random.ts';

export type ReceiptStatus = 'delivered' | 'read' | 'failed' | 'replied';

/**
 * The body of each receipt webhook POST (JSON), signed in `X-Regua-Signature: sha256=<hex>`, the HMAC-SHA256 of the
 * raw body under the shared webhook secret. `providerStatus` is the provider's own word for it: a call "answered" is
 * `delivered`, a call "completed" (the script heard to the end) is `read`.
 */
export interface ReceiptBody {
  provider: string;
  channel: SandboxChannel;
  reference: string;
  providerMessageId: string;
  status: ReceiptStatus;
  /** ISO 8601, when it happened at the provider. */
  at: string;
  providerStatus: string;
  replyText?: string;
  error?: string;
}

export const SIGNATURE_HEADER = 'x-regua-signature';

/** `sha256=<hex>` of the raw body under `secret`. */
export function signReceipt(rawBody: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** Ranges in ms, each from the step before. */
export interface ReceiptDelays {
  /** From acceptance to delivered (or failed). */
  deliveredMs: [number, number];
  /** From delivered to read (a call: answered to completed). */
  readMs: [number, number];
  /** From read (SMS: delivered) to the reply. */
  replyMs: [number, number];
}

/** Shares in [0, 1]. */
export interface ReceiptRates {
  failed: number;
  /** Of those delivered: read (e-mail opened, WhatsApp read, a call heard to the end; SMS has no read receipts). */
  read: number;
  /** Of those delivered: answered with a text (e-mail, SMS, WhatsApp). */
  reply: number;
}

export const DEFAULT_DELAYS: ReceiptDelays = { deliveredMs: [300, 3_000], readMs: [2_000, 30_000], replyMs: [5_000, 60_000] };
export const DEFAULT_RATES: ReceiptRates = { failed: 0.05, read: 0.6, reply: 0.08 };
/** Replies debtors send: opt-outs, "already paid", and one that mentions stopping without being an opt-out. */
export const DEFAULT_REPLIES = ['PARAR', 'Sair', 'já paguei', 'Já paguei ontem, segue comprovante', 'quero negociar', 'Não quero mais receber', 'não vou parar de pagar, só atrasei'];

export interface PlannedReceipt {
  /** From acceptance. */
  afterMs: number;
  status: ReceiptStatus;
  providerStatus: string;
  replyText?: string;
  error?: string;
}

const WORDS: Record<SandboxChannel, { delivered: string; read?: string; failed: string; error: string; replied?: string }> = {
  email: { delivered: 'delivered', read: 'open', failed: 'bounce', error: '550 5.1.1 The email account that you tried to reach does not exist', replied: 'inbound' },
  sms: { delivered: 'DELIVERED', failed: 'NOT_DELIVERED', error: 'carrier rejected the message', replied: 'MO' },
  whatsapp: { delivered: 'delivered', read: 'read', failed: 'failed', error: '131026: Message undeliverable', replied: 'text' },
  voice: { delivered: 'answered', read: 'completed', failed: 'no-answer', error: 'no answer after 30 s' },
};

export function planReceipts(channel: SandboxChannel, random: Random, delays: ReceiptDelays, rates: ReceiptRates, replies: readonly string[]): PlannedReceipt[] {
  const words = WORDS[channel];
  const deliveredAt = between(random, delays.deliveredMs);
  if (random() < rates.failed) return [{ afterMs: deliveredAt, status: 'failed', providerStatus: words.failed, error: words.error }];
  const plan: PlannedReceipt[] = [{ afterMs: deliveredAt, status: 'delivered', providerStatus: words.delivered }];
  const replying = words.replied !== undefined && replies.length > 0 && random() < rates.reply;
  // Replying to an e-mail or a WhatsApp message means having read it.
  const read = words.read !== undefined && (replying || random() < rates.read);
  let last = deliveredAt;
  if (read) {
    last += between(random, delays.readMs);
    plan.push({ afterMs: last, status: 'read', providerStatus: words.read! });
  }
  if (replying) {
    last += between(random, delays.replyMs);
    plan.push({ afterMs: last, status: 'replied', providerStatus: words.replied!, replyText: replies[Math.floor(random() * replies.length)]! });
  }
  return plan;
}
