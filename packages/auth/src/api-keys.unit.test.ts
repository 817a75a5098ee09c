import { apiKeyIndex, parseTenantSecrets, productionSecretProblems, tenantForKey } from './api-keys.ts';

describe('tenant keys and secrets', () => {
  test('Given tenant:key pairs, then each key finds its tenant and nothing else does', () => {
    const keys = apiKeyIndex(parseTenantSecrets('bank-a:key-of-bank-a-123, bank-b:key-of-bank-b-456', 'key'));
    expect(tenantForKey(keys, 'key-of-bank-b-456')).toBe('bank-b');
    expect(tenantForKey(keys, 'key-of-bank-c-789')).toBeUndefined();
  });

  test('Given a malformed entry, then the error names its position but repeats none of its text (it may be a key)', () => {
    const spec = 'bank-a:good-key-of-bank-a,sk_live_0123456789abcdef_without_tenant';
    expect(() => parseTenantSecrets(spec, 'key')).toThrow('entry 2 must be tenant:key');
    try {
      parseTenantSecrets(spec, 'key');
    } catch (error) {
      expect((error as Error).message).not.toMatch(/sk_live|0123/);
    }
  });

  test('Given a key that is too short, then the tenant is named and the key is not', () => {
    expect(() => parseTenantSecrets('bank-a:tiny-key', 'key')).toThrow(/^the key for tenant bank-a must have at least 12 characters$/);
  });

  test('Given the demo key, a placeholder or a short key, then production refuses each by tenant; a long random one passes', () => {
    const problems = productionSecretProblems(
      new Map([
        ['demo-bank', 'demo-key-change-me'],
        ['bank-p', 'please-CHANGE-ME-before-going-live-0000'],
        ['bank-s', 'a-key-of-twenty-nine-characte'],
        ['bank-ok', '6f1d2c9a8b7e4f3a0c5d6e7f8091a2b3'],
      ]),
      'key',
    );
    expect(problems).toEqual([
      expect.stringMatching(/^the key for tenant demo-bank is a demo or placeholder value/),
      expect.stringMatching(/^the key for tenant bank-p is a demo or placeholder value/),
      'the key for tenant bank-s must have at least 32 characters in production',
    ]);
    expect(problems.join('\n')).not.toMatch(/demo-key-change-me|twenty-nine/);
  });
});
