import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NPD_FIELD_NAMES } from '../procedures/npd-fields.ts';
import { keepDeclared, NPD_WIRE_NAMES } from './fields.ts';

const wireNames = Object.values(NPD_WIRE_NAMES);

describe('R24: only the declared fields leave the gateway', () => {
  it('should keep nothing outside the declared fields, for any procedure and any answer the NPD sends', () => {
    fc.assert(
      fc.property(
        fc.subarray([...NPD_FIELD_NAMES]),
        // an answer with any of the known fields, plus fields nobody declared (the NPD may send more than asked)
        fc.dictionary(fc.oneof(fc.constantFrom(...wireNames), fc.string({ minLength: 1, maxLength: 12 })), fc.jsonValue()),
        (declared, answer) => {
          const kept = keepDeclared(answer, declared);
          for (const key of Object.keys(kept)) expect(declared).toContain(key);
          for (const field of declared) {
            const wire = NPD_WIRE_NAMES[field];
            if (Object.hasOwn(answer, wire)) expect(kept[field]).toEqual(answer[wire]);
            else expect(Object.hasOwn(kept, field)).toBe(false);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('should not be fooled by inherited or prototype keys in the answer', () => {
    const answer = JSON.parse('{"__proto__": {"TonGiao": "Phật giáo"}, "HoVaTen": "Nguyễn Văn An"}') as Record<string, unknown>;
    expect(keepDeclared(answer, ['ho_ten'])).toEqual({ ho_ten: 'Nguyễn Văn An' });
    expect(keepDeclared(answer, ['ton_giao'])).toEqual({});
  });

  it('should name every field of the vocabulary on the wire exactly once', () => {
    expect(Object.keys(NPD_WIRE_NAMES).sort()).toEqual([...NPD_FIELD_NAMES].sort());
    expect(new Set(wireNames).size).toBe(wireNames.length);
  });
});
