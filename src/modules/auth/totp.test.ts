import { describe, expect, it } from 'vitest';
import { newRecoveryCodes, normalizeRecoveryCode, totpCode, totpStep, verifyTotp } from './totp.ts';

// RFC 6238 Appendix B, SHA-1 key "12345678901234567890"; our codes are the last 6 of the 8 digits.
const rfcKey = new TextEncoder().encode('12345678901234567890');

describe('R04: TOTP (RFC 6238)', () => {
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1234567890, '005924'],
    [2000000000, '279037'],
  ])('matches the RFC test vector at T=%i', (seconds, code) => {
    expect(totpCode(rfcKey, totpStep(new Date(seconds * 1000)))).toBe(code);
  });

  it('accepts one step of clock drift either way, no more', () => {
    const at = new Date(1111111109 * 1000);
    const step = totpStep(at);
    expect(verifyTotp(rfcKey, totpCode(rfcKey, step - 1), at, null)).toBe(step - 1);
    expect(verifyTotp(rfcKey, totpCode(rfcKey, step + 1), at, null)).toBe(step + 1);
    expect(verifyTotp(rfcKey, totpCode(rfcKey, step - 2), at, null)).toBeNull();
  });

  it('should not accept a code of a step already used, or an older one (replay guard)', () => {
    const at = new Date(1111111109 * 1000);
    const step = totpStep(at);
    const code = totpCode(rfcKey, step);
    expect(verifyTotp(rfcKey, code, at, step)).toBeNull();
    expect(verifyTotp(rfcKey, totpCode(rfcKey, step - 1), at, step - 1)).toBeNull();
    expect(verifyTotp(rfcKey, code, at, step - 1)).toBe(step);
  });

  it('rejects malformed codes', () => {
    expect(verifyTotp(rfcKey, '12345', new Date(), null)).toBeNull();
    expect(verifyTotp(rfcKey, 'abcdef', new Date(), null)).toBeNull();
  });

  it('issues ten distinct recovery codes, read back whatever the case and separators', () => {
    const codes = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    expect(codes[0]).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(normalizeRecoveryCode(codes[0]!.toUpperCase().replace('-', ' '))).toBe(codes[0]);
  });
});
