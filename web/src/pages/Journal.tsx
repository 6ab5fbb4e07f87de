import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { get, query } from '../api.ts';
import { CopyButton, ErrorBox, Field, Loading, Modal, useApi, usePageTitle } from '../components.tsx';
import { formatDateTimeSeconds, isMessageKey, useI18n, type Translate } from '../i18n.ts';

const PAGE_SIZE = 50;
const VERIFY_COMMAND = 'npx motcua journal verify-export';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type JournalOutcome = 'success' | 'failure' | 'refused';
export interface JournalEntry {
  seq: number;
  position: number | null;
  at: string;
  type: string;
  outcome: JournalOutcome | string;
  actorAccountId: string | null;
  actorUnitId: string | null;
  actorRoles: string[];
  targetType: string | null;
  targetId: string | null;
  unitId: string | null;
  reason: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}
interface Checkpoint {
  size: number;
  root: string;
  note: string;
}
interface EntryWithProof {
  entry: JournalEntry;
  leafHash: string | null;
  checkpoint: Checkpoint | null;
  inclusionProof: string[] | null;
}

/** The readable name of an event type; unknown types show as they are. */
export function eventLabel(type: string, t: Translate): string {
  const key = `journal.type.${type}`;
  return isMessageKey(key) ? t(key) : type;
}

const short = (value: string | null | undefined, n = 8) => (value ? (value.length > n + 1 ? `${value.slice(0, n)}…` : value) : '');

function Hash({ value, n = 16 }: { value: string | null | undefined; n?: number }) {
  const { t } = useI18n();
  if (!value) return <span className="muted">{t('common.none')}</span>;
  return (
    <code className="hash" title={value}>
      {short(value, n)}
    </code>
  );
}

function OutcomeBadge({ outcome }: { outcome: string }) {
  const { t } = useI18n();
  const known = outcome === 'success' || outcome === 'failure' || outcome === 'refused';
  const css = outcome === 'success' ? 'badge-active' : outcome === 'failure' ? 'badge-locked' : 'badge-refused';
  return (
    <span className={`badge ${css}`} data-testid="outcome-badge" data-outcome={outcome}>
      {known ? t(`journal.outcome.${outcome}`) : outcome}
    </span>
  );
}

/** "2025-03-01" in the browser's time zone → the ISO instant of 00:00 that day (plus `days`). */
function localMidnight(date: string, days = 0): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days).toISOString();
}

function CheckpointCard({ version }: { version: number }) {
  const { t } = useI18n();
  const { data, error, reload } = useApi<{ checkpoint: (Checkpoint & { at: string }) | null }>('/api/journal/checkpoint');
  useEffect(() => {
    if (version > 0) reload();
  }, [version, reload]);
  const [before, after] = t('journal.verifyHint').split('{command}');
  return (
    <section className="card" data-testid="journal-checkpoint">
      <h2>{t('journal.checkpointTitle')}</h2>
      <ErrorBox error={error} />
      {!data && !error && <Loading />}
      {data && !data.checkpoint && <p className="muted">{t('journal.noCheckpoint')}</p>}
      {data?.checkpoint && (
        <>
          <dl className="facts">
            <dt>{t('journal.treeSize')}</dt>
            <dd data-testid="checkpoint-size">{data.checkpoint.size}</dd>
            <dt>{t('journal.checkpointAt')}</dt>
            <dd>{formatDateTimeSeconds(data.checkpoint.at)}</dd>
            <dt>{t('journal.root')}</dt>
            <dd>
              <Hash value={data.checkpoint.root} n={24} />
            </dd>
          </dl>
          <div className="note-head">
            <h3>{t('journal.note')}</h3>
            <CopyButton text={data.checkpoint.note} />
          </div>
          <pre className="signed-note" data-testid="checkpoint-note">
            {data.checkpoint.note}
          </pre>
        </>
      )}
      <p className="hint">
        {before}
        <code>{VERIFY_COMMAND}</code>
        {after}
      </p>
    </section>
  );
}

function EntryDialog({ seq, onClose }: { seq: number; onClose: () => void }) {
  const { t } = useI18n();
  const { data, error } = useApi<EntryWithProof>(`/api/journal/entries/${seq}`);
  const e = data?.entry;
  let status = '';
  if (e) {
    if (e.position === null) status = t('journal.notIntegrated');
    else if (data.inclusionProof && data.checkpoint) status = t('journal.included', { position: e.position, k: data.inclusionProof.length, size: data.checkpoint.size });
    else status = t('journal.notCheckpointed', { position: e.position });
  }
  const none = <span className="muted">{t('common.none')}</span>;
  return (
    <Modal title={t('journal.entryTitle', { seq })} onClose={onClose} wide testId="journal-entry-dialog">
      <ErrorBox error={error} testId="dialog-error" />
      {!data && !error && <Loading />}
      {e && (
        <>
          <dl className="facts">
            <dt>{t('journal.at')}</dt>
            <dd>{formatDateTimeSeconds(e.at)}</dd>
            <dt>{t('journal.type')}</dt>
            <dd>
              {eventLabel(e.type, t)} <code className="muted small">{e.type}</code>
            </dd>
            <dt>{t('journal.outcome')}</dt>
            <dd>
              <OutcomeBadge outcome={e.outcome} />
            </dd>
            <dt>{t('journal.actor')}</dt>
            <dd>{e.actorAccountId ? <code>{e.actorAccountId}</code> : none}</dd>
            <dt>{t('journal.actorUnit')}</dt>
            <dd>{e.actorUnitId ? <code>{e.actorUnitId}</code> : none}</dd>
            <dt>{t('journal.actorRoles')}</dt>
            <dd>{e.actorRoles.length ? e.actorRoles.join(', ') : none}</dd>
            <dt>{t('journal.target')}</dt>
            <dd>{e.targetId || e.targetType ? <>{e.targetType && <span className="muted">{e.targetType} </span>}{e.targetId && <code>{e.targetId}</code>}</> : none}</dd>
            <dt>{t('journal.unit')}</dt>
            <dd>{e.unitId ? <code>{e.unitId}</code> : none}</dd>
            <dt>{t('journal.reason')}</dt>
            <dd>{e.reason || none}</dd>
            <dt>{t('journal.ip')}</dt>
            <dd>{e.ip ? <code>{e.ip}</code> : none}</dd>
            <dt>{t('journal.userAgent')}</dt>
            <dd className="small">{e.userAgent || none}</dd>
            <dt>{t('journal.requestId')}</dt>
            <dd>{e.requestId ? <code>{e.requestId}</code> : none}</dd>
            <dt>{t('journal.seq')}</dt>
            <dd>{e.seq}</dd>
            <dt>{t('journal.position')}</dt>
            <dd data-testid="entry-position">{e.position ?? none}</dd>
            <dt>{t('journal.leafHash')}</dt>
            <dd>{data.leafHash ? <code className="hash-full">{data.leafHash}</code> : none}</dd>
            <dt>{t('journal.proof')}</dt>
            <dd data-testid="inclusion-status">{status}</dd>
          </dl>
          <h3 className="details-title">{t('journal.details')}</h3>
          <pre className="json-block" data-testid="entry-details">
            {JSON.stringify(e.details, null, 2)}
          </pre>
        </>
      )}
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
    </Modal>
  );
}

const emptyFilters = { type: '', from: '', to: '', actorAccountId: '' };
type Filters = typeof emptyFilters;

export function JournalPage() {
  const { t } = useI18n();
  usePageTitle(t('journal.title'));
  const [draft, setDraft] = useState<Filters>(emptyFilters);
  const [filters, setFilters] = useState<Filters>(emptyFilters);
  const [items, setItems] = useState<JournalEntry[] | null>(null);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [version, setVersion] = useState(0);

  const actorInvalid = draft.actorAccountId.trim() !== '' && !UUID.test(draft.actorAccountId.trim());

  const load = useCallback(
    async (beforeSeq: number | undefined, isCurrent: () => boolean = () => true) => {
      setLoading(true);
      setError(null);
      try {
        const path = `/api/journal/entries${query({
          type: filters.type.trim(),
          actorAccountId: filters.actorAccountId.trim(),
          from: localMidnight(filters.from),
          to: localMidnight(filters.to, 1),
          beforeSeq,
          limit: PAGE_SIZE,
        })}`;
        const page = await get<{ items: JournalEntry[] }>(path);
        if (!isCurrent()) return;
        setItems((old) => (beforeSeq === undefined ? page.items : [...(old ?? []), ...page.items]));
        setMore(page.items.length === PAGE_SIZE);
      } catch (e) {
        if (isCurrent()) setError(e);
      } finally {
        if (isCurrent()) setLoading(false);
      }
    },
    [filters],
  );

  useEffect(() => {
    let current = true;
    void load(undefined, () => current);
    return () => {
      current = false;
    };
  }, [load, version]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    if (actorInvalid) return;
    setFilters({ ...draft });
  };
  const set = (key: keyof Filters) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));

  return (
    <div className="page" data-testid="journal-page">
      <div className="page-head">
        <h1>{t('journal.title')}</h1>
        <div className="button-row">
          <button type="button" className="btn" onClick={() => setVersion((v) => v + 1)} data-testid="journal-refresh">
            ↻ {t('journal.refresh')}
          </button>
        </div>
      </div>
      <p className="muted">{t('journal.intro')}</p>
      <CheckpointCard version={version} />
      <form className="toolbar" role="search" onSubmit={apply} autoComplete="off">
        <Field label={t('journal.filterType')}>
          {(id) => <input id={id} type="search" name="type" value={draft.type} onChange={(e) => set('type')(e.target.value)} placeholder={t('journal.filterTypePlaceholder')} maxLength={100} data-testid="journal-type" />}
        </Field>
        <Field label={t('journal.filterFrom')}>{(id) => <input id={id} type="date" name="from" value={draft.from} onChange={(e) => set('from')(e.target.value)} />}</Field>
        <Field label={t('journal.filterTo')}>{(id) => <input id={id} type="date" name="to" value={draft.to} onChange={(e) => set('to')(e.target.value)} />}</Field>
        <Field label={t('journal.filterActor')} hint={actorInvalid ? t('journal.filterActorInvalid') : undefined}>
          {(id, hint) => (
            <input
              id={id}
              type="text"
              name="actorAccountId"
              value={draft.actorAccountId}
              onChange={(e) => set('actorAccountId')(e.target.value)}
              placeholder={t('journal.filterActorPlaceholder')}
              aria-invalid={actorInvalid}
              aria-describedby={hint}
              spellCheck={false}
            />
          )}
        </Field>
        <div className="toolbar-buttons">
          <button type="submit" className="btn btn-primary" disabled={actorInvalid} data-testid="journal-apply">
            {t('journal.apply')}
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => {
              setDraft(emptyFilters);
              setFilters(emptyFilters);
            }}
          >
            {t('journal.clear')}
          </button>
        </div>
      </form>
      <ErrorBox error={error} />
      {!items && !error && <Loading />}
      {items && (
        <section className={loading ? 'card table-card is-loading' : 'card table-card'} aria-busy={loading}>
          {items.length === 0 ? (
            <p className="muted">{t('common.noResults')}</p>
          ) : (
            <div className="table-wrap">
              <table className="table journal-table" data-testid="journal-table">
                <thead>
                  <tr>
                    <th>{t('journal.at')}</th>
                    <th>{t('journal.type')}</th>
                    <th>{t('journal.outcome')}</th>
                    <th>{t('journal.actor')}</th>
                    <th>{t('journal.target')}</th>
                    <th>{t('journal.ip')}</th>
                    <th>{t('journal.reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((e) => (
                    <tr
                      key={e.seq}
                      className="row-clickable"
                      data-testid="journal-row"
                      data-type={e.type}
                      tabIndex={0}
                      onClick={() => setOpen(e.seq)}
                      onKeyDown={(event) => {
                        if (event.key === 'Enter' || event.key === ' ') {
                          event.preventDefault();
                          setOpen(e.seq);
                        }
                      }}
                    >
                      <td className="nowrap">{formatDateTimeSeconds(e.at)}</td>
                      <td className="nowrap">
                        <span title={e.type}>{eventLabel(e.type, t)}</span>
                      </td>
                      <td>
                        <OutcomeBadge outcome={e.outcome} />
                      </td>
                      <td>{e.actorAccountId ? <code title={e.actorAccountId}>{short(e.actorAccountId)}</code> : <span className="muted">{t('common.none')}</span>}</td>
                      <td className="nowrap">
                        {e.targetId || e.targetType ? (
                          <>
                            {e.targetType && <span className="muted small">{e.targetType} </span>}
                            {e.targetId && <code title={e.targetId}>{short(e.targetId)}</code>}
                          </>
                        ) : (
                          <span className="muted">{t('common.none')}</span>
                        )}
                      </td>
                      <td>{e.ip ? <code>{e.ip}</code> : <span className="muted">{t('common.none')}</span>}</td>
                      <td className="journal-reason">{e.reason || <span className="muted">{t('common.none')}</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <div className="pager">
            <span className="muted" data-testid="journal-count">
              {more || items.length === 0 ? t('journal.shown', { n: items.length }) : t('journal.end')}
            </span>
            {more && (
              <button type="button" className="btn btn-small" disabled={loading} onClick={() => void load(items[items.length - 1]!.seq)} data-testid="journal-more">
                {t('journal.loadMore')}
              </button>
            )}
          </div>
        </section>
      )}
      {open !== null && <EntryDialog seq={open} onClose={() => setOpen(null)} />}
    </div>
  );
}
