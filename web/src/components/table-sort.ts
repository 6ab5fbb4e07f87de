import type { Lang } from '../i18n.ts';

export type SortValue = string | number | null;
export interface Sort {
  key: string;
  descending: boolean;
}

/** Rows in the order of one column: numbers as numbers, text in the language's order (Vietnamese: "Đ" after "D"), blanks last either way. */
export function sortRows<R>(rows: readonly R[], value: (row: R) => SortValue, descending: boolean, lang: Lang): R[] {
  const collator = new Intl.Collator(lang === 'vi' ? 'vi' : 'en', { numeric: true, sensitivity: 'base' });
  const direction = descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    return direction * (typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y)));
  });
}

/** A click on a column's header: the same column flips; another starts with its natural order (largest numbers first). */
export const nextSort = (current: Sort | null, key: string, numeric: boolean): Sort =>
  current?.key === key ? { key, descending: !current.descending } : { key, descending: numeric };
