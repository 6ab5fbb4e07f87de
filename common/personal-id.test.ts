import { describe, expect, it } from 'vitest';
import { isValidPersonalId } from './personal-id.ts';

const today = new Date('2026-03-02T00:00:00Z');

describe('R18: the personal ID that makes an account unique', () => {
  it.each([
    ['001085012345', true], // Hà Nội, male born 1985
    ['019301012345', true], // Thái Nguyên, female born 2001
    ['096200000001', true],
    ['01908501234', false], // 11 digits
    ['0190850123456', false],
    ['01908501234a', false],
    ['000085012345', false], // no province 000
    ['003085012345', false], // 03 is not a province code
    ['019485012345', false], // born in the 2100s
    ['019227012345', false], // born in 2027: the future
  ])('%s → %s', (id, valid) => {
    expect(isValidPersonalId(id, today)).toBe(valid);
  });
});
