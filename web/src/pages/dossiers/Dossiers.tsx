import { keepPreviousData } from '@tanstack/react-query';
import { useEffect, useState, type KeyboardEvent } from 'react';
import { DOSSIER_STATUSES, type DossierStatus } from '../../../../common/dossier-workflow.ts';
import { $api, query, type DeadlineStatus, type DossierQueue, type DossierSummary, type Me } from '../../api/index.ts';
import { Field, usePageTitle } from '../../components.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { Loaded } from '../../components/Loaded.tsx';
import { useUnitName } from '../../components/names.ts';
import { formatDate, formatDateTime, useI18n } from '../../i18n.ts';
import { Link } from '../../router.tsx';
import { can, useMe } from '../../session.ts';

const PAGE_SIZE = 25;

export function DossierStatusBadge({ status }: { status: DossierStatus }) {
  const { t } = useI18n();
  return (
    <span className={`badge dossier-status dossier-status-${status}`} data-testid="dossier-status" data-status={status}>
      {t(`dossier.status.${status}`)}
    </span>
  );
}

/** Overdue red, due soon amber, paused grey: the colours officers look for first. */
export function DeadlineBadge({ status }: { status: DeadlineStatus | null }) {
  const { t } = useI18n();
  if (!status) return null;
  return (
    <span className={`badge deadline deadline-${status}`} data-testid="deadline-badge" data-deadline={status}>
      {t(`dossier.deadline.${status}`)}
    </span>
  );
}

/** A promised date is stored as the end of its day (the next midnight in Vietnam): the day is the one before. */
export function formatDueDate(iso: string | null): string {
  return iso ? formatDate(new Date(Date.parse(iso) - 1).toISOString()) : formatDate(null);
}

/** The promised date; after an apology the new one, with the old one struck through. */
export function DueDate({ dueAt, apologyDueAt }: { dueAt: string | null; apologyDueAt: string | null }) {
  if (apologyDueAt) {
    return (
      <span className="nowrap" data-testid="due-date">
        {dueAt && <s className="muted">{formatDueDate(dueAt)}</s>} <strong>{formatDueDate(apologyDueAt)}</strong>
      </span>
    );
  }
  return (
    <span className="nowrap" data-testid="due-date">
      {formatDueDate(dueAt)}
    </span>
  );
}

/** The queues this officer works in: the desk's, the processing unit's, and the dossiers assigned to them. */
export function queuesOf(me: Me): DossierQueue[] {
  const queues: DossierQueue[] = [];
  if (can(me, 'dossiers.receive')) queues.push('desk');
  if (can(me, 'dossiers.process') || can(me, 'dossiers.approve')) queues.push('processing');
  if (can(me, 'dossiers.process')) queues.push('mine');
  return queues;
}

function initialFilters(queues: DossierQueue[]): { queue: DossierQueue; status: DossierStatus | ''; q: string } {
  const params = new URLSearchParams(location.search);
  const queue = params.get('queue') as DossierQueue | null;
  const status = params.get('status') as DossierStatus | null;
  return {
    queue: queue && queues.includes(queue) ? queue : (queues[0] ?? 'desk'),
    status: status && (DOSSIER_STATUSES as readonly string[]).includes(status) ? status : '',
    q: params.get('q') ?? '',
  };
}

export function DossiersPage() {
  const { t } = useI18n();
  const me = useMe();
  const unitName = useUnitName();
  usePageTitle(t('dossiers.title'));
  const queues = queuesOf(me);
  const [initial] = useState(() => initialFilters(queues));
  const [queue, setQueue] = useState<DossierQueue>(initial.queue);
  const [status, setStatus] = useState<DossierStatus | ''>(initial.status);
  const [q, setQ] = useState(initial.q);
  const [search, setSearch] = useState(initial.q.trim());
  const [offset, setOffset] = useState(0);

  useEffect(() => {
    const timer = window.setTimeout(() => {
      setSearch(q.trim());
      setOffset(0);
    }, 300);
    return () => window.clearTimeout(timer);
  }, [q]);

  // The queue and filters stay in the address, so going back from a dossier returns to the same list. A personal
  // ID typed in the search never goes there (it would stay in the browser's history).
  useEffect(() => {
    const kept = /^\d{12}$/.test(search) ? '' : search;
    history.replaceState(null, '', `/dossiers${query({ queue, status, q: kept })}`);
  }, [queue, status, search]);

  // One more than a page tells whether there is a next page; the page shown stays (dimmed) while the next is asked for.
  const dossiers = $api.useQuery(
    'get',
    '/api/dossiers',
    { params: { query: { queue, status: status || undefined, q: search || undefined, limit: PAGE_SIZE + 1, offset } } },
    { placeholderData: keepPreviousData },
  );
  const hasNext = (dossiers.data?.items.length ?? 0) > PAGE_SIZE;

  const columns: Column<DossierSummary>[] = [
    {
      key: 'code',
      label: t('dossiers.code'),
      cell: (d) => (
        <Link to={`/dossiers/${d.id}`}>
          <code>{d.code}</code>
        </Link>
      ),
      sortValue: (d) => d.code,
      nowrap: true,
    },
    {
      key: 'procedure',
      label: t('dossiers.procedure'),
      cell: (d) => (
        <>
          {d.procedure.name}
          <div className="muted small">{d.procedure.code}</div>
        </>
      ),
      sortValue: (d) => d.procedure.name,
    },
    { key: 'applicant', label: t('dossiers.applicant'), cell: (d) => d.applicant.fullName, sortValue: (d) => d.applicant.fullName },
    { key: 'received', label: t('dossiers.received'), cell: (d) => formatDateTime(d.receivedAt), sortValue: (d) => d.receivedAt, nowrap: true },
    {
      key: 'due',
      label: t('dossiers.due'),
      cell: (d) => (
        <>
          <DueDate dueAt={d.dueAt} apologyDueAt={d.apologyDueAt} />
          <div>
            <DeadlineBadge status={d.deadlineStatus} />
          </div>
        </>
      ),
      sortValue: (d) => d.apologyDueAt ?? d.dueAt,
    },
    { key: 'status', label: t('dossiers.status'), cell: (d) => <DossierStatusBadge status={d.status} /> },
    {
      key: 'where',
      label: t('dossiers.where'),
      cell: (d) => (
        <>
          {d.processingUnit ? unitName(d.processingUnit) : <span className="muted">{t('common.none')}</span>}
          {d.assignee && <div className="muted small">{d.assignee.fullName}</div>}
        </>
      ),
      sortValue: (d) => (d.processingUnit ? unitName(d.processingUnit) : null),
    },
  ];

  const choose = (name: DossierQueue) => {
    setQueue(name);
    setOffset(0);
  };
  // The tabs pattern: the arrow keys move between the queues.
  const onTabKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step || queues.length < 2) return;
    event.preventDefault();
    const next = queues[(queues.indexOf(queue) + step + queues.length) % queues.length]!;
    choose(next);
    document.getElementById(`queue-tab-${next}`)?.focus();
  };

  return (
    <div className="page" data-testid="dossiers-page">
      <div className="page-head">
        <h1>{t('dossiers.title')}</h1>
        {can(me, 'dossiers.receive') && (
          <Link to="/reception" className="btn btn-primary">
            + {t('dossiers.receive')}
          </Link>
        )}
      </div>
      <div className="tabs" role="tablist" aria-label={t('dossiers.tabs')} onKeyDown={onTabKey}>
        {queues.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            id={`queue-tab-${name}`}
            aria-selected={queue === name}
            tabIndex={queue === name ? 0 : -1}
            aria-controls="queue-panel"
            className={queue === name ? 'tab active' : 'tab'}
            onClick={() => choose(name)}
            data-testid={`queue-${name}`}
          >
            {t(`dossiers.tab.${name}`)}
          </button>
        ))}
      </div>
      <div id="queue-panel" role="tabpanel" aria-labelledby={`queue-tab-${queue}`}>
        <form className="toolbar" role="search" onSubmit={(e) => e.preventDefault()} autoComplete="off">
          <Field label={t('dossiers.search')}>
            {(id) => (
              <input id={id} type="search" name="q" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('dossiers.searchPlaceholder')} spellCheck={false} data-testid="dossier-search" />
            )}
          </Field>
          <Field label={t('dossiers.status')}>
            {(id) => (
              <select
                id={id}
                name="status"
                value={status}
                onChange={(e) => {
                  setStatus(e.target.value as DossierStatus | '');
                  setOffset(0);
                }}
                data-testid="dossier-status-filter"
              >
                <option value="">{t('dossiers.allStatuses')}</option>
                {DOSSIER_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(`dossier.status.${s}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </form>
        <Loaded query={dossiers}>
          {(data) => (
            // .dossier-table: the cells of a row align at their top (a procedure's name runs on two lines)
            <section className="card table-card dossier-table">
              <DataTable
                caption={t('dossiers.title')}
                columns={columns}
                rows={data.items.slice(0, PAGE_SIZE)}
                rowKey={(d) => d.id}
                rowHref={(d) => `/dossiers/${d.id}`}
                rowProps={(d) => ({ 'data-testid': 'dossier-row', 'data-code': d.code, 'data-status': d.status })}
                empty={t('dossiers.empty')}
                emptyTestId="dossiers-empty"
                busy={dossiers.isFetching}
                testId="dossiers-table"
              />
              {(offset > 0 || hasNext) && (
                <div className="pager">
                  <span className="muted">{t('dossiers.page', { n: offset / PAGE_SIZE + 1 })}</span>
                  <button type="button" className="btn btn-small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
                    ‹ {t('common.previous')}
                  </button>
                  <button type="button" className="btn btn-small" disabled={!hasNext} onClick={() => setOffset(offset + PAGE_SIZE)}>
                    {t('common.next')} ›
                  </button>
                </div>
              )}
            </section>
          )}
        </Loaded>
      </div>
    </div>
  );
}
