import { useState, type HTMLAttributes, type MouseEvent, type ReactNode } from 'react';
import { useI18n } from '../i18n.ts';
import { navigate } from '../router.tsx';
import { nextSort, sortRows, type Sort, type SortValue } from './table-sort.ts';

export interface Column<R> {
  key: string;
  label: ReactNode;
  cell: (row: R) => ReactNode;
  /** Given, the column sorts by it (its header becomes a button). */
  sortValue?: (row: R) => SortValue;
  numeric?: boolean;
  nowrap?: boolean;
  /** The cell that names the row (scope="row"). */
  rowHeader?: boolean;
}

/**
 * The one table of the app: a caption for screen readers, sortable columns, the empty text in place of an empty
 * table, rows that open their page on a click (a link inside stays the keyboard's way there), actions per row, an
 * optional footer (totals), and a dimmed look while a newer answer is awaited.
 */
export function DataTable<R>({
  caption,
  columns,
  rows,
  rowKey,
  empty,
  rowHref,
  rowProps,
  actions,
  footer,
  busy = false,
  testId,
  emptyTestId,
}: {
  caption: string;
  columns: Column<R>[];
  rows: readonly R[];
  rowKey: (row: R) => string;
  empty: ReactNode;
  rowHref?: (row: R) => string;
  rowProps?: (row: R) => HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string | number | undefined>;
  actions?: (row: R) => ReactNode;
  footer?: ReactNode;
  busy?: boolean;
  testId?: string;
  emptyTestId?: string;
}) {
  const { t, lang } = useI18n();
  const [sort, setSort] = useState<Sort | null>(null);
  const sortColumn = sort && columns.find((c) => c.key === sort.key && c.sortValue);
  const shown = sortColumn ? sortRows(rows, sortColumn.sortValue!, sort.descending, lang) : rows;
  const open = (event: MouseEvent<HTMLTableRowElement>, row: R) => {
    if (!rowHref || (event.target as HTMLElement).closest('a, button, input, select, textarea, label')) return;
    navigate(rowHref(row));
  };
  const cellClass = (c: Column<R>) => [c.numeric && 'num', c.nowrap && 'nowrap'].filter(Boolean).join(' ') || undefined;

  if (rows.length === 0) {
    return (
      <p className="muted" data-testid={emptyTestId}>
        {empty}
      </p>
    );
  }
  return (
    <div className={busy ? 'table-wrap is-loading' : 'table-wrap'} aria-busy={busy}>
      <table className="table" data-testid={testId}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => {
              const state = sort?.key === c.key ? (sort.descending ? 'descending' : 'ascending') : undefined;
              return (
                <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined} aria-sort={c.sortValue ? state : undefined}>
                  {c.sortValue ? (
                    <button type="button" className="sort-button" onClick={() => setSort((s) => nextSort(s, c.key, !!c.numeric))} data-testid={`sort-${c.key}`}>
                      {c.label}
                      <span className={state ? 'sort-mark active' : 'sort-mark'} aria-hidden="true">
                        {state === 'ascending' ? '▲' : state === 'descending' ? '▼' : '↕'}
                      </span>
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              );
            })}
            {actions && (
              <th scope="col" className="actions-col">
                <span className="visually-hidden">{t('common.actions')}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => {
            const { className, ...props } = rowProps?.(row) ?? {};
            return (
            <tr key={rowKey(row)} {...props} className={[rowHref && 'row-clickable', className].filter(Boolean).join(' ') || undefined} onClick={rowHref ? (e) => open(e, row) : undefined}>
              {columns.map((c) =>
                c.rowHeader ? (
                  <th key={c.key} scope="row" className={cellClass(c)}>
                    {c.cell(row)}
                  </th>
                ) : (
                  <td key={c.key} className={cellClass(c)} data-col={c.key}>
                    {c.cell(row)}
                  </td>
                ),
              )}
              {actions && <td className="actions-col">{actions(row)}</td>}
            </tr>
            );
          })}
        </tbody>
        {footer && <tfoot>{footer}</tfoot>}
      </table>
    </div>
  );
}
