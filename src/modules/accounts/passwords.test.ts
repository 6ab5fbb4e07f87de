import { describe, expect, it } from 'vitest';
import { generateOneTimePassword, hashPassword, passwordProblems, verifyPassword } from './passwords.ts';

const who = { username: 'lan.nt', fullName: 'Nguyễn Thị Lan', personalId: '019185001234' };

describe('R50: password strength', () => {
  it.each([
    ['Ab1', ['too_short']],
    ['lowercase-only-1', ['needs_uppercase']],
    ['UPPERCASE-ONLY-1', ['needs_lowercase']],
    ['OnlyLettersHere', ['needs_digit_or_symbol']],
    ['Sông-Cầu-mùa-thu-2026', []],
    ['Mật khẩu Có Dấu 2026', []],
    // spaces count neither as characters nor as a symbol
    ['        A1a', ['too_short']],
    ['Mật khẩu Có Dấu', ['needs_digit_or_symbol']],
    ['A1a b2c  d', ['too_short']],
  ])('%s → %j', (password, problems) => {
    expect(passwordProblems(password, who)).toEqual(problems);
  });

  it('rejects a password containing the username, the name (without diacritics) or the personal ID', () => {
    expect(passwordProblems('Xin-chao-lan.nt-9', who)).toContain('contains_identity');
    expect(passwordProblems('NguyenThiLan-99', who)).toContain('contains_identity');
    expect(passwordProblems('Nguyễn!2026abc', who)).toContain('contains_identity');
    expect(passwordProblems('Id-019185001234-x', who)).toContain('contains_identity');
  });

  it('rejects a common password whatever its case', () => {
    expect(passwordProblems('Password123', who)).toContain('common');
    expect(passwordProblems('Qwerty123', who)).toContain('common');
  });

  it('one-time passwords pass the policy and differ every time', () => {
    const a = generateOneTimePassword();
    expect(passwordProblems(a, who)).toEqual([]);
    expect(generateOneTimePassword()).not.toBe(a);
  });

  it('R07: passwords are stored as argon2id hashes', async () => {
    const hash = await hashPassword('Sông-Cầu-mùa-thu-2026');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'Sông-Cầu-mùa-thu-2026')).toBe(true);
    expect(await verifyPassword(hash, 'sông-cầu-mùa-thu-2026')).toBe(false);
  });
});
