import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * A delivery receipt, as providers post it to Régua's receipt webhook (the provider sandbox, packages/provider-sandbox,
 * posts exactly this): JSON, signed in `X-Regua-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw body under the
 * secret shared with the provider. Verify the signature on the raw bytes before parsing.
 * A call answered arrives as `delivered`, a call heard to the end as `read` (`providerStatus` keeps the provider's word).
 * Receipts of one message may arrive out of order, and more than once (providers retry): order them by status.
 */
export const ReceiptSchema = z
  .object({
    provider: z.string().min(1),
    channel: z.enum(['email', 'sms', 'whatsapp', 'voice']),
    reference: z.string().min(1),
    providerMessageId: z.string().min(1),
    status: z.enum(['delivered', 'read', 'failed', 'replied']),
    at: z.iso.datetime({ offset: true }),
    providerStatus: z.string().optional(),
    replyText: z.string().max(4096).optional(),
    error: z.string().optional(),
  })
  .refine((receipt) => receipt.status !== 'replied' || receipt.replyText !== undefined, { message: 'a reply carries its text', path: ['replyText'] });

export type Receipt = z.infer<typeof ReceiptSchema>;

export const SIGNATURE_HEADER = 'x-regua-signature';

/** The header value for `rawBody` under `secret`: `sha256=<hex>`. */
export function signatureOf(rawBody: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** Whether `header` is the signature of exactly these bytes under `secret` (constant-time). */
export function verifySignature(rawBody: Buffer, header: string | undefined, secret: string): boolean {
  if (!header || !secret) return false;
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match) return false;
  const given = Buffer.from(match[1]!.toLowerCase(), 'hex');
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(given, expected);
}

/** Words that, leading a reply, ask for no more messages. */
const OPT_OUT_WORDS = new Set(['parar', 'pare', 'parem', 'sair', 'cancelar', 'stop', 'descadastrar', 'remover']);
/** Phrases that, leading a reply, ask for no more messages. */
const OPT_OUT_PHRASES = ['nao quero mais receber', 'nao quero receber mais', 'nao quero mais mensagens', 'nao me mande mais', 'nao mande mais'];

/**
 * Whether a debtor's reply asks to stop the messages: an opt-out word as the reply's first word ("PARAR", "Sair.",
 * "stop please") or an opt-out phrase leading it ("Não quero mais receber essas mensagens"), whatever the case and
 * accents. A word further in does not count: "não vou parar de pagar" is no opt-out.
 */
export function isOptOutReply(text: string): boolean {
  const normalized = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  const [first] = normalized.split(' ');
  if (first !== undefined && OPT_OUT_WORDS.has(first)) return true;
  return OPT_OUT_PHRASES.some((phrase) => normalized === phrase || normalized.startsWith(`${phrase} `));
}
