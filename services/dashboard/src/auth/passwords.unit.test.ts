import { hashPassword, verifyPassword } from './passwords.ts';

describe('password hashes', () => {
  test('a hash verifies its password only, and two hashes of one password differ (salted)', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    await expect(verifyPassword('correct horse battery', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct horse batterY', hash)).resolves.toBe(false);
    expect(await hashPassword('correct horse battery')).not.toBe(hash);
  });
  test('anything that is not a scrypt hash never verifies', async () => {
    await expect(verifyPassword('x', 'x')).resolves.toBe(false);
    await expect(verifyPassword('plain', 'plain')).resolves.toBe(false);
  });
});
