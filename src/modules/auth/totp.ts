import crypto from 'node:crypto';
import { encodeBase32NoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';

const PERIOD_SECONDS = 30;
const DIGITS = 6;

export function newTotpKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(20));
}

export const totpKeyToText = (key: Uint8Array) => encodeBase32NoPadding(key);
export const totpKeyFromText = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
export const totpKeyToStorage = (key: Uint8Array) => Buffer.from(key).toString('hex');

export function totpUri(issuer: string, accountName: string, key: Uint8Array): string {
  // the query is form-encoded (a space as "+"), which some authenticator apps show as written: spaces as %20
  return createTOTPKeyURI(issuer, accountName, key, PERIOD_SECONDS, DIGITS).replace(/([?&]issuer=)([^&]*)/, (_, name: string, value: string) => name + value.replaceAll('+', '%20'));
}

export function totpStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / PERIOD_SECONDS);
}

export function totpCode(key: Uint8Array, step: number): string {
  return generateHOTP(key, BigInt(step), DIGITS);
}

/**
 * RFC 6238 with one step of drift either way. Returns the matched step, or null. A step at or before
 * `lastStep` is refused, so a code (or an older one) can never be used twice: the replay guard.
 */
export function verifyTotp(key: Uint8Array, code: string, at: Date, lastStep: number | null): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const now = totpStep(at);
  for (const step of [now - 1, now, now + 1]) {
    if (lastStep !== null && step <= lastStep) continue;
    const expected = Buffer.from(totpCode(key, step));
    if (crypto.timingSafeEqual(expected, Buffer.from(code))) return step;
  }
  return null;
}

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
/** Ten single-use recovery codes, xxxxx-xxxxx (about 49 bits each). */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: 10 }, () => {
    const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[crypto.randomInt(RECOVERY_ALPHABET.length)]);
    return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
  });
}

export function normalizeRecoveryCode(code: string): string {
  return code.trim().toLowerCase().replace(/[^a-z0-9]/g, '').replace(/^(.{5})(.{5})$/, '$1-$2');
}
