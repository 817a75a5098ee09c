import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Request signatures, in the style of Stripe and the Standard Webhooks spec:
 *   x-regua-timestamp: <unix seconds>
 *   x-regua-signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")> [v1=<…> during key rotation]
 * A signature outside the tolerance window is refused, so a captured request cannot be replayed later.
 */
export function sign(secret: string, timestamp: number, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export function verifySignature(options: { secret: string; timestampHeader: string | undefined; signatureHeader: string | undefined; rawBody: Buffer; nowSeconds: number; toleranceSeconds: number }): SignatureCheck {
  const { timestampHeader, signatureHeader } = options;
  if (!timestampHeader || !/^\d{1,12}$/.test(timestampHeader)) return { ok: false, reason: 'x-regua-timestamp must be unix seconds' };
  const timestamp = Number(timestampHeader);
  if (Math.abs(options.nowSeconds - timestamp) > options.toleranceSeconds) return { ok: false, reason: `timestamp outside the ${options.toleranceSeconds}s window` };
  const candidates = (signatureHeader ?? '')
    .split(/[\s,]+/)
    .filter((part) => part.startsWith('v1='))
    .map((part) => part.slice(3));
  if (candidates.length === 0) return { ok: false, reason: 'x-regua-signature must hold v1=<hex>' };
  const expected = Buffer.from(sign(options.secret, timestamp, options.rawBody), 'hex');
  const match = candidates.some((candidate) => {
    const given = Buffer.from(candidate, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return match ? { ok: true } : { ok: false, reason: 'signature does not match' };
}
