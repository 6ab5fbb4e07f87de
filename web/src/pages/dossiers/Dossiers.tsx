import { useEffect, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { DOSSIER_STATUSES, type DossierStatus } from '../../../../common/dossier-workflow.ts';
import { query, type DeadlineStatus, type DossierQueue, type DossierSummary, type Me } from '../../api/index.ts';
import { ErrorBox, Field, Loading, useApi, usePageTitle } from '../../components.tsx';
import { useUnitName } from '../../components/names.ts';
import { formatDate, formatDateTime, useI18n } from '../../i18n.ts';
import { Link, navigate } from '../../router.tsx';
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

  // One more than a page tells whether there is a next page.
  const path = `/api/dossiers${query({ queue, status, q: search, limit: PAGE_SIZE + 1, offset })}`;
  const { data, error, loading } = useApi<{ items: DossierSummary[] }>(path);
  const items = data?.items.slice(0, PAGE_SIZE) ?? [];
  const hasNext = (data?.items.length ?? 0) > PAGE_SIZE;

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

  const open = (event: MouseEvent<HTMLTableRowElement>, id: string) => {
    if ((event.target as HTMLElement).closest('a, button')) return;
    navigate(`/dossiers/${id}`);
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
        <ErrorBox error={error} />
        {!data && !error && <Loading />}
        {data && (
          <section className={loading ? 'card table-card is-loading' : 'card table-card'} aria-busy={loading}>
            {items.length === 0 ? (
              <p className="muted" data-testid="dossiers-empty">
                {t('dossiers.empty')}
              </p>
            ) : (
              <div className="table-wrap">
                <table className="table dossier-table" data-testid="dossiers-table">
                  <thead>
                    <tr>
                      <th>{t('dossiers.code')}</th>
                      <th>{t('dossiers.procedure')}</th>
                      <th>{t('dossiers.applicant')}</th>
                      <th>{t('dossiers.received')}</th>
                      <th>{t('dossiers.due')}</th>
                      <th>{t('dossiers.status')}</th>
                      <th>{t('dossiers.where')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((d) => (
                      <tr key={d.id} className="row-clickable" onClick={(e) => open(e, d.id)} data-testid="dossier-row" data-code={d.code} data-status={d.status}>
                        <td className="nowrap">
                          <Link to={`/dossiers/${d.id}`}>
                            <code>{d.code}</code>
                          </Link>
                        </td>
                        <td>
                          {d.procedure.name}
                          <div className="muted small">{d.procedure.code}</div>
                        </td>
                        <td>{d.applicant.fullName}</td>
                        <td className="nowrap">{formatDateTime(d.receivedAt)}</td>
                        <td>
                          <DueDate dueAt={d.dueAt} apologyDueAt={d.apologyDueAt} />
                          <div>
                            <DeadlineBadge status={d.deadlineStatus} />
                          </div>
                        </td>
                        <td>
                          <DossierStatusBadge status={d.status} />
                        </td>
                        <td>
                          {d.processingUnit ? unitName(d.processingUnit) : <span className="muted">{t('common.none')}</span>}
                          {d.assignee && <div className="muted small">{d.assignee.fullName}</div>}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
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
      </div>
    </div>
  );
}
