import crypto from 'node:crypto';
import fs from 'node:fs';
import { hash, verify } from '@node-rs/argon2';
import { invalid } from '../../platform/errors.ts';
import { foldVietnamese } from '../../../common/text.ts';

// argon2id (OWASP's m=19 MiB, t=2, p=1); the enum is const, so its value is written out (2 = argon2id).
const ARGON2 = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => hash(password, ARGON2);
export const verifyPassword = (stored: string, password: string) => verify(stored, password).catch(() => false);

/** Verified when no account matched, so an unknown username costs the same time as a known one. */
let decoyHash: Promise<string> | undefined;
export function verifyDecoy(password: string): Promise<boolean> {
  decoyHash ??= hashPassword(crypto.randomBytes(16).toString('hex'));
  return decoyHash.then((h) => verifyPassword(h, password));
}

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set(
    fs.readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8').split('\n').filter(Boolean),
  );
  return common;
}

export type PasswordProblem = 'too_short' | 'too_long' | 'needs_lowercase' | 'needs_uppercase' | 'needs_digit_or_symbol' | 'contains_identity' | 'common';

export const PASSWORD_PROBLEMS: Record<PasswordProblem, { vi: string; en: string }> = {
  too_short: { vi: 'Mật khẩu phải có ít nhất 8 ký tự.', en: 'At least 8 characters.' },
  too_long: { vi: 'Mật khẩu dài tối đa 128 ký tự.', en: 'At most 128 characters.' },
  needs_lowercase: { vi: 'Mật khẩu phải có chữ thường.', en: 'Needs a lowercase letter.' },
  needs_uppercase: { vi: 'Mật khẩu phải có chữ hoa.', en: 'Needs an uppercase letter.' },
  needs_digit_or_symbol: { vi: 'Mật khẩu phải có chữ số hoặc ký tự đặc biệt.', en: 'Needs a digit or a special character.' },
  contains_identity: { vi: 'Mật khẩu không được chứa tên đăng nhập, họ tên hoặc số định danh.', en: 'Must not contain the username, name or personal ID.' },
  common: { vi: 'Mật khẩu này quá phổ biến, dễ bị đoán.', en: 'This password is too common.' },
};

/** R50: the letters' strength rule, plus the identity and common-password checks. */
export function passwordProblems(password: string, identity: { username: string; fullName: string; personalId: string }): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  // spaces are welcome in a passphrase but count for nothing: eight spaces and "A1a" is a three-character password
  if ([...password.replace(/\s/gu, '')].length < 8) problems.push('too_short');
  if (password.length > 128) problems.push('too_long');
  if (!/\p{Ll}/u.test(password)) problems.push('needs_lowercase');
  if (!/\p{Lu}/u.test(password)) problems.push('needs_uppercase');
  if (!/[^\p{L}\s]/u.test(password)) problems.push('needs_digit_or_symbol');
  const folded = foldVietnamese(password).replace(/\s/g, '');
  const nameParts = foldVietnamese(identity.fullName).split(' ').filter((p) => p.length >= 4);
  const identityParts = [foldVietnamese(identity.username), identity.personalId, foldVietnamese(identity.fullName).replace(/\s/g, ''), ...nameParts];
  if (identityParts.some((part) => part.length >= 4 && folded.includes(part))) problems.push('contains_identity');
  if (commonPasswords().has(password.toLowerCase())) problems.push('common');
  return problems;
}

const ALPHABETS = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789'];
/** A one-time password for a new or reset account: 14 characters from all three classes, no look-alikes. */
export function generateOneTimePassword(): string {
  const all = ALPHABETS.join('');
  const chars = ALPHABETS.map((a) => a[crypto.randomInt(a.length)]!);
  while (chars.length < 14) chars.push(all[crypto.randomInt(all.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = crypto.randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

export function assertStrongPassword(password: string, identity: { username: string; fullName: string; personalId: string }): void {
  const problems = passwordProblems(password, identity);
  if (problems.length === 0) return;
  throw invalid(
    'weak_password',
    problems.map((p) => PASSWORD_PROBLEMS[p].vi).join(' '),
    problems.map((p) => PASSWORD_PROBLEMS[p].en).join(' '),
    { problems },
  );
}
