import type { ReactNode, Ref } from 'react';
import type { JournalEntry } from '../../api/index.ts';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { formatDateTimeSeconds, useI18n } from '../../i18n.ts';
import { citizenCount, eventLabel, None, OutcomeBadge, short } from './journal-parts.tsx';

/** "dd/mm/yyyy" over "HH:mm:ss", to keep the table narrow. */
function DateTime({ iso }: { iso: string }) {
  const [date, time] = formatDateTimeSeconds(iso).split(' ');
  return (
    <time dateTime={iso}>
      {date}
      <div className="muted small">{time}</div>
    </time>
  );
}

/** An actor as "Full name" over "username" (and their unit), or the bare id when the server gave no name. */
function ActorName({ entry }: { entry: JournalEntry }) {
  if (entry.actor) {
    return (
      <>
        <span className="strong nowrap">{entry.actor.fullName}</span>
        <div className="muted small">
          <code>{entry.actor.username}</code>
          {entry.actorUnit && <> · {entry.actorUnit.name}</>}
        </div>
      </>
    );
  }
  if (entry.actorAccountId) return <code title={entry.actorAccountId}>{short(entry.actorAccountId)}</code>;
  return <None />;
}

function Target({ entry: e }: { entry: JournalEntry }) {
  const { t } = useI18n();
  const citizens = citizenCount(e.citizens);
  return (
    <>
      {e.targetId || e.targetType ? (
        <>
          {e.targetType && <span className="muted small">{e.targetType} </span>}
          {e.targetId && <code title={e.targetId}>{short(e.targetId)}</code>}
        </>
      ) : (
        citizens === 0 && <None />
      )}
      {citizens > 0 && (
        <div>
          <span className="badge badge-kind" title={t('journal.citizensTitle', { n: citizens })} data-testid="citizens-badge">
            {t('journal.citizens', { n: citizens })}
          </span>
        </div>
      )}
    </>
  );
}

/** The journal's own look (smaller type, tighter cells) around the table; the empty text keeps the card's. */
const Styled = ({ on, children }: { on: boolean; children: ReactNode }) => (on ? <div className="journal-table">{children}</div> : children);

/**
 * The entries found, newest first, a page at a time: a row opens the entry with its proof (a click, or Enter or
 * Space on the focused row), "load more" asks for the page before the last entry shown.
 */
export function JournalResults({
  items,
  more,
  busy,
  filtered,
  onOpen,
  onMore,
  ref,
}: {
  items: JournalEntry[];
  more: boolean;
  busy: boolean;
  filtered: boolean;
  onOpen: (entry: JournalEntry) => void;
  onMore: () => void;
  ref?: Ref<HTMLElement>;
}) {
  const { t } = useI18n();
  const columns: Column<JournalEntry>[] = [
    { key: 'at', label: t('journal.at'), cell: (e) => <DateTime iso={e.at} />, nowrap: true },
    {
      key: 'type',
      label: t('journal.type'),
      cell: (e) => (
        <>
          <span className="strong">{eventLabel(e.type, t)}</span>
          <div>
            <code className="muted small">{e.type}</code>
          </div>
        </>
      ),
    },
    { key: 'outcome', label: t('journal.outcome'), cell: (e) => <OutcomeBadge outcome={e.outcome} /> },
    {
      key: 'actor',
      label: t('journal.actor'),
      cell: (e) => (
        <div data-testid="journal-actor-cell">
          <ActorName entry={e} />
        </div>
      ),
    },
    {
      key: 'unit',
      label: t('journal.unit'),
      cell: (e) => <div data-testid="journal-unit-cell">{e.unit ? e.unit.name : e.unitId ? <code title={e.unitId}>{short(e.unitId)}</code> : <None />}</div>,
    },
    { key: 'target', label: t('journal.target'), cell: (e) => <Target entry={e} /> },
    { key: 'ip', label: t('journal.ip'), cell: (e) => (e.ip ? <code>{e.ip}</code> : <None />) },
    { key: 'reason', label: t('journal.reason'), cell: (e) => <div className="journal-reason">{e.reason || <None />}</div> },
  ];
  return (
    <section ref={ref} className={busy ? 'card table-card is-loading' : 'card table-card'} aria-busy={busy} aria-label={t('journal.resultsLabel')}>
      <Styled on={items.length > 0}>
        <DataTable
          caption={t('journal.tableCaption')}
          columns={columns}
          rows={items}
          rowKey={(e) => String(e.seq)}
          rowProps={(e) => ({
            className: 'row-clickable',
            'data-testid': 'journal-row',
            'data-type': e.type,
            'data-seq': e.seq,
            tabIndex: 0,
            'aria-label': t('journal.rowLabel', { seq: e.seq, type: eventLabel(e.type, t), at: formatDateTimeSeconds(e.at) }),
            // DataTable's own click is for rows that open a page (rowHref); this one opens a dialog.
            onClickCapture: () => onOpen(e),
            onKeyDown: (event) => {
              if (event.target !== event.currentTarget) return;
              if (event.key === 'Enter' || event.key === ' ') {
                event.preventDefault();
                onOpen(e);
              }
            },
          })}
          empty={filtered ? t('common.noResults') : t('journal.empty')}
          emptyTestId="journal-empty"
          testId="journal-table"
        />
      </Styled>
      <div className="pager">
        <span className="muted" data-testid="journal-count" aria-live="polite">
          {more || items.length === 0 ? t('journal.shown', { n: items.length }) : t('journal.end', { n: items.length })}
        </span>
        {more && (
          <button type="button" className="btn btn-small" disabled={busy} onClick={onMore} data-testid="journal-more">
            {t('journal.loadMore')}
          </button>
        )}
      </div>
    </section>
  );
}
