import { createHmac } from 'node:crypto';
import { sign, verifySignature } from './signature.ts';

const secret = 'whsec-test-secret-value';
const body = Buffer.from('{"eventId":"x"}');
const NOW = 1_795_000_000;

describe('request signatures (HMAC-SHA256 over "<timestamp>.<raw body>")', () => {
  const check = (signatureHeader: string | undefined, timestamp = NOW, now = NOW, rawBody = body) =>
    verifySignature({ secret, rawBody, timestampHeader: String(timestamp), signatureHeader, nowSeconds: now, toleranceSeconds: 300 });

  test('the signature is the hex HMAC of the timestamp, a dot and the exact body bytes', () => {
    const expected = createHmac('sha256', secret).update(`${NOW}.{"eventId":"x"}`).digest('hex');
    expect(sign(secret, NOW, body)).toBe(expected);
  });

  test('a correct signature within the window is accepted, also among several during key rotation', () => {
    expect(check(`v1=${sign(secret, NOW, body)}`)).toEqual({ ok: true });
    expect(check(`v1=${'0'.repeat(64)} v1=${sign(secret, NOW, body)}`)).toEqual({ ok: true });
  });

  test('a signature made with another secret, or over another body, is refused', () => {
    expect(check(`v1=${sign('other-secret-value', NOW, body)}`)).toMatchObject({ ok: false, reason: 'signature does not match' });
    expect(check(`v1=${sign(secret, NOW, body)}`, NOW, NOW, Buffer.from('{"eventId":"y"}'))).toMatchObject({ ok: false });
  });

  test('a replay outside the tolerance window is refused even with a valid signature', () => {
    const old = NOW - 301;
    expect(check(`v1=${sign(secret, old, body)}`, old)).toMatchObject({ ok: false, reason: expect.stringContaining('window') });
  });

  test('missing or malformed headers are refused with a reason', () => {
    expect(check(undefined)).toMatchObject({ ok: false, reason: expect.stringContaining('v1=') });
    expect(verifySignature({ secret, rawBody: body, timestampHeader: 'yesterday', signatureHeader: 'v1=ab', nowSeconds: NOW, toleranceSeconds: 300 })).toMatchObject({ ok: false, reason: expect.stringContaining('unix seconds') });
  });
});
