import { signLinkToken, verifyLinkToken } from './link-tokens.ts';

const SECRET = 'a-shared-secret-of-at-least-32-characters';
const NOW = new Date('2026-11-26T12:00:00Z');
const claims = { tenant: 'demo-bank', caseId: 'case-abc', expiresAt: new Date('2026-12-26T12:00:00Z') };

describe('self-service link tokens', () => {
  test('Given a token signed with the shared secret, then it verifies to its tenant, case and expiry', () => {
    expect(verifyLinkToken(signLinkToken(claims, SECRET), SECRET, NOW)).toEqual({ valid: true, claims });
  });

  test('Given a token after its expiry, then it is refused as expired', () => {
    expect(verifyLinkToken(signLinkToken(claims, SECRET), SECRET, new Date('2026-12-26T12:00:00Z'))).toEqual({ valid: false, reason: 'expired' });
  });

  test('Given a payload changed to another case, or another secret, then the signature fails', () => {
    const token = signLinkToken(claims, SECRET);
    const forged = `${Buffer.from(JSON.stringify({ t: 'demo-bank', c: 'case-other', e: 1_800_000_000 })).toString('base64url')}.${token.split('.')[1]}`;
    expect(verifyLinkToken(forged, SECRET, NOW)).toEqual({ valid: false, reason: 'bad-signature' });
    expect(verifyLinkToken(token, 'another-secret-of-at-least-32-characters', NOW)).toEqual({ valid: false, reason: 'bad-signature' });
  });

  test('Given garbage, then it is malformed, never an exception', () => {
    for (const garbage of ['', 'abc', 'a.b.c', '.']) expect(verifyLinkToken(garbage, SECRET, NOW).valid).toBe(false);
  });
});
