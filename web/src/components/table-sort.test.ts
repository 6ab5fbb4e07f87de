import { describe, expect, it } from 'vitest';
import { nextSort, sortRows } from './table-sort.ts';

const names = ['Đặng Văn Đức', 'Dương Thị Dung', 'Ánh', 'An', 'Bình', 'Ân'];

describe('sorting a table', () => {
  it('sorts Vietnamese names in Vietnamese order: A, Ă, Â and D, Đ are letters of their own; tones do not make a letter', () => {
    expect(sortRows(names, (n) => n, false, 'vi')).toEqual(['An', 'Ánh', 'Ân', 'Bình', 'Dương Thị Dung', 'Đặng Văn Đức']);
  });

  it('sorts counts as numbers, not as text (10 after 9)', () => {
    expect(sortRows([{ n: 10 }, { n: 9 }, { n: 100 }], (r) => r.n, false, 'vi').map((r) => r.n)).toEqual([9, 10, 100]);
    expect(sortRows([{ n: 10 }, { n: 9 }, { n: 100 }], (r) => r.n, true, 'vi').map((r) => r.n)).toEqual([100, 10, 9]);
  });

  it('should not put a blank (no rate yet) first in either direction', () => {
    const rows = [{ v: null }, { v: 0.5 }, { v: 0.9 }];
    expect(sortRows(rows, (r) => r.v, false, 'en').map((r) => r.v)).toEqual([0.5, 0.9, null]);
    expect(sortRows(rows, (r) => r.v, true, 'en').map((r) => r.v)).toEqual([0.9, 0.5, null]);
  });

  it('should not reorder the rows it was given (a new array)', () => {
    const rows = [3, 1, 2];
    sortRows(rows, (r) => r, false, 'en');
    expect(rows).toEqual([3, 1, 2]);
  });

  it('a click flips the same column; another column starts with its natural order (largest counts first)', () => {
    expect(nextSort(null, 'name', false)).toEqual({ key: 'name', descending: false });
    expect(nextSort(null, 'received', true)).toEqual({ key: 'received', descending: true });
    expect(nextSort({ key: 'name', descending: false }, 'name', false)).toEqual({ key: 'name', descending: true });
    expect(nextSort({ key: 'name', descending: true }, 'received', true)).toEqual({ key: 'received', descending: true });
  });
});
