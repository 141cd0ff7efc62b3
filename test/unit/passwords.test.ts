import { describe, expect, it } from 'vitest';
import { checkPassword, hashPassword } from '../../api/passwords.js';

describe('passwords', () => {
  it('are kept as argon2id hashes with a salt of their own, and checked against them', async () => {
    const [a, b] = await Promise.all([hashPassword('correct horse'), hashPassword('correct horse')]);
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct horse');
    expect(await checkPassword(a, 'correct horse')).toBe(true);
    expect(await checkPassword(b, 'correct horse')).toBe(true);
    expect(await checkPassword(a, 'Correct horse')).toBe(false);
  });

  it('without a stored hash (unknown e-mail, not set up yet) or with a broken one the answer is no', async () => {
    expect(await checkPassword(null, 'anything')).toBe(false);
    expect(await checkPassword(null, '')).toBe(false);
    expect(await checkPassword('not a hash', 'anything')).toBe(false);
  });
});
