import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { maskOldSessionIds } from '../../../../common/journal-session-ids.ts';
import { get, query, saveFile, type EntryWithProof, type JournalEntry, type JournalStatus } from '../../api/index.ts';
import { CopyButton, ErrorBox, Field, Loading, Modal, Notice, useApi, usePageTitle } from '../../components.tsx';
import { AccountPicker } from '../../components/AccountPicker.tsx';
import { accountLabel, useRoleName, type AccountRef } from '../../components/names.ts';
import { WitnessStatus } from '../../components/WitnessStatus.tsx';
import { formatDateTimeSeconds, isMessageKey, journalEventTypes, useI18n, type MessageKey, type Translate } from '../../i18n.ts';
import { can, useMe } from '../../session.ts';
import { UnitSelect } from '../../UnitSelect.tsx';

const PAGE_SIZE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CITIZEN_ID = /^\d{12}$/;
const OTHER_TYPE = '__other';

export type JournalOutcome = 'success' | 'failure' | 'refused';
type UnitName = NonNullable<JournalEntry['unit']>;

/** The readable name of an event type; unknown types show as they are. */
export function eventLabel(type: string, t: Translate): string {
  const key = `journal.type.${type}`;
  return isMessageKey(key) ? t(key) : type;
}

/** The number of citizens an entry concerns; tolerates a server that sends the hashes themselves. */
const citizenCount = (c: unknown): number => (typeof c === 'number' ? c : Array.isArray(c) ? c.length : 0);

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

function None() {
  const { t } = useI18n();
  return <span className="muted">{t('common.none')}</span>;
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

/** An actor as "Full name" over "username", or the bare id when the server gave no name. */
function ActorName({ entry, withUnit }: { entry: JournalEntry; withUnit?: boolean }) {
  if (entry.actor) {
    return (
      <>
        <span className="strong nowrap">{entry.actor.fullName}</span>
        <div className="muted small">
          <code>{entry.actor.username}</code>
          {withUnit && entry.actorUnit && <> · {entry.actorUnit.name}</>}
        </div>
      </>
    );
  }
  if (entry.actorAccountId) return <code title={entry.actorAccountId}>{short(entry.actorAccountId)}</code>;
  return <None />;
}

// ——— Time range: dates (and optional times) in the browser's time zone ———

/** "2025-03-01" + "14:30" (or "") → the ISO instant; for the upper bound an empty time means the next midnight. */
function localInstant(date: string, time: string, bound: 'from' | 'to'): string | undefined {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!d) return undefined;
  const [y, m, day] = [Number(d[1]), Number(d[2]) - 1, Number(d[3])];
  const tm = /^(\d{2}):(\d{2})$/.exec(time);
  if (!tm) return new Date(y, m, bound === 'to' ? day + 1 : day).toISOString();
  // "Until 14:30" includes the whole minute 14:30; the server's upper bound is exclusive.
  return new Date(y, m, day, Number(tm[1]), Number(tm[2]) + (bound === 'to' ? 1 : 0)).toISOString();
}

// ——— Filters ———

interface Draft {
  typeChoice: string;
  typeOther: string;
  actor: AccountRef | null;
  actorText: string;
  unitId: string;
  citizenId: string;
  targetId: string;
  fromDate: string;
  fromTime: string;
  toDate: string;
  toTime: string;
}
const emptyDraft: Draft = { typeChoice: '', typeOther: '', actor: null, actorText: '', unitId: '', citizenId: '', targetId: '', fromDate: '', fromTime: '', toDate: '', toTime: '' };

/** The query parameters of the entries and export APIs. The citizen ID lives here and in the draft only: never in the page's URL. */
interface Params {
  type?: string;
  actorAccountId?: string;
  unitId?: string;
  citizenId?: string;
  targetId?: string;
  from?: string;
  to?: string;
}

function problemsOf(d: Draft) {
  const actorText = d.actorText.trim();
  const from = localInstant(d.fromDate, d.fromTime, 'from');
  const to = localInstant(d.toDate, d.toTime, 'to');
  return {
    actor: !d.actor && actorText !== '' && !UUID.test(actorText),
    citizen: d.citizenId !== '' && !CITIZEN_ID.test(d.citizenId),
    range: !!from && !!to && from >= to,
  };
}

function paramsOf(d: Draft): Params {
  const actorText = d.actorText.trim();
  const type = d.typeChoice === OTHER_TYPE ? d.typeOther.trim() : d.typeChoice;
  const clean = (v: string | undefined) => (v ? v : undefined);
  return {
    type: clean(type),
    actorAccountId: d.actor?.id ?? (UUID.test(actorText) ? actorText.toLowerCase() : undefined),
    unitId: clean(d.unitId),
    citizenId: clean(d.citizenId),
    targetId: clean(d.targetId.trim()),
    from: localInstant(d.fromDate, d.fromTime, 'from'),
    to: localInstant(d.toDate, d.toTime, 'to'),
  };
}

const GROUPS = ['auth', 'account', 'session', 'unit', 'procedure', 'dossier', 'document', 'npd', 'integration', 'monitoring', 'incident', 'calendar', 'journal'] as const;

/** Known event types grouped by their prefix, with "other" for a code typed by hand. */
function TypeSelect({ id, value, onChange }: { id: string; value: string; onChange: (v: string) => void }) {
  const { t } = useI18n();
  const types = journalEventTypes();
  const groupOf = (type: string) => {
    const prefix = type.split('.')[0] ?? '';
    return (GROUPS as readonly string[]).includes(prefix) ? prefix : 'other';
  };
  const groups = [...GROUPS, 'other'].map((g) => ({ g, items: types.filter((type) => groupOf(type) === g) })).filter((x) => x.items.length > 0);
  return (
    <select id={id} name="type" value={value} onChange={(e) => onChange(e.target.value)} data-testid="journal-type">
      <option value="">{t('journal.allTypes')}</option>
      {groups.map(({ g, items }) => (
        <optgroup key={g} label={t(`journal.group.${g}` as MessageKey)}>
          {items.map((type) => (
            <option key={type} value={type}>
              {eventLabel(type, t)} · {type}
            </option>
          ))}
        </optgroup>
      ))}
      <option value={OTHER_TYPE}>{t('journal.otherType')}</option>
    </select>
  );
}

// ——— The status card: latest checkpoint, witness, fail-closed ———

function StatusCard({ status, error }: { status: JournalStatus | undefined; error: unknown }) {
  const { t } = useI18n();
  const cp = status?.checkpoint;
  return (
    <section className="card" data-testid="journal-checkpoint" aria-labelledby="journal-status-title">
      <h2 id="journal-status-title">{t('journal.statusTitle')}</h2>
      <ErrorBox error={error} />
      {!status && !error && <Loading />}
      {status && (
        <>
          <div className="status-grid">
            <div className="status-tile">
              <h3>{t('journal.checkpointTitle')}</h3>
              {!cp ? (
                <p className="muted">{t('journal.noCheckpoint')}</p>
              ) : (
                <dl className="facts facts-compact">
                  <dt>{t('journal.treeSize')}</dt>
                  <dd>
                    <span className="stat-value" data-testid="checkpoint-size" data-size={cp.size}>
                      {cp.size.toLocaleString('vi-VN')}
                    </span>{' '}
                    <span className="muted">{t('journal.entriesUnit')}</span>
                  </dd>
                  <dt>{t('journal.checkpointAt')}</dt>
                  <dd>{formatDateTimeSeconds(cp.at)}</dd>
                  <dt>{t('journal.root')}</dt>
                  <dd>
                    <Hash value={cp.root} n={16} /> <CopyButton text={cp.root} />
                  </dd>
                </dl>
              )}
            </div>
            <WitnessStatus status={status} />
          </div>
          {cp && (
            <details className="note-details">
              <summary>{t('journal.note')}</summary>
              <div className="note-head">
                <span className="hint">{t('journal.noteHint')}</span>
                <CopyButton text={cp.note} />
              </div>
              <pre className="signed-note" data-testid="checkpoint-note">
                {cp.note}
              </pre>
            </details>
          )}
        </>
      )}
    </section>
  );
}

// ——— One entry, with its proof ———

function EntryDialog({ listed, onClose, onFilter }: { listed: JournalEntry; onClose: () => void; onFilter: (change: Partial<Draft>) => void }) {
  const { t } = useI18n();
  const roleName = useRoleName();
  const seq = listed.seq;
  const { data, error } = useApi<EntryWithProof>(`/api/journal/entries/${seq}`);
  const e = data?.entry;
  let status = '';
  let proven = false;
  if (data && e) {
    if (e.position === null) status = t('journal.notIntegrated');
    else if (data.inclusionProof && data.checkpoint) {
      proven = true;
      status = t('journal.included', { position: e.position, k: data.inclusionProof.length, size: data.checkpoint.size });
    } else status = t('journal.notCheckpointed', { position: e.position });
  }
  const none = <None />;
  const filterButton = (label: MessageKey, change: Partial<Draft>, testId: string) => (
    <button type="button" className="btn btn-small btn-ghost" onClick={() => onFilter(change)} data-testid={testId}>
      {t(label)}
    </button>
  );
  const unitName = (ref: UnitName | null | undefined, id: string | null) =>
    ref ? (
      <>
        {ref.name} <code className="muted small">{short(id)}</code>
      </>
    ) : id ? (
      <code>{id}</code>
    ) : (
      none
    );
  return (
    <Modal title={t('journal.entryTitle', { seq })} onClose={onClose} wide testId="journal-entry-dialog">
      <ErrorBox error={error} testId="dialog-error" />
      {!data && !error && <Loading />}
      {data && e && (
        <>
          <div className={proven ? 'proof-status proof-ok' : 'proof-status proof-pending'}>
            <span className={proven ? 'badge badge-active' : 'badge badge-refused'}>{t(proven ? 'journal.proofStatus.included' : 'journal.proofStatus.pending')}</span>{' '}
            <span data-testid="inclusion-status">{status}</span>
          </div>
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
            <dd>
              {e.actor ? (
                <>
                  {e.actor.fullName} <code className="small">{e.actor.username}</code>
                </>
              ) : e.actorAccountId ? (
                <code>{e.actorAccountId}</code>
              ) : (
                none
              )}
              {e.actorAccountId && filterButton('journal.filterByActor', { actor: e.actor ?? { id: e.actorAccountId, username: '', fullName: '' }, actorText: e.actor ? accountLabel(e.actor) : e.actorAccountId }, 'filter-by-actor')}
            </dd>
            <dt>{t('journal.actorUnit')}</dt>
            <dd>{unitName(e.actorUnit, e.actorUnitId)}</dd>
            <dt>{t('journal.actorRoles')}</dt>
            <dd>{e.actorRoles.length ? e.actorRoles.map(roleName).join(', ') : none}</dd>
            <dt>{t('journal.target')}</dt>
            <dd>
              {e.targetId || e.targetType ? (
                <>
                  {e.targetType && <span className="muted">{e.targetType} </span>}
                  {e.targetId && <code>{e.targetId}</code>}
                </>
              ) : (
                none
              )}
              {e.targetId && filterButton('journal.filterByTarget', { targetId: e.targetId }, 'filter-by-target')}
            </dd>
            <dt>{t('journal.unit')}</dt>
            <dd>
              {unitName(e.unit, e.unitId)}
              {e.unitId && filterButton('journal.filterByUnit', { unitId: e.unitId }, 'filter-by-unit')}
            </dd>
            {e.citizens !== undefined && (
              <>
                <dt>{t('journal.citizensLabel')}</dt>
                <dd data-testid="entry-citizens">{citizenCount(e.citizens) > 0 ? t('journal.citizensValue', { n: citizenCount(e.citizens) }) : none}</dd>
              </>
            )}
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
            {data.checkpoint && (
              <>
                <dt>{t('journal.proofAgainst')}</dt>
                <dd>
                  {t('journal.entriesCount', { n: data.checkpoint.size })} · <Hash value={data.checkpoint.root} n={16} />
                </dd>
              </>
            )}
          </dl>
          {data.inclusionProof && data.inclusionProof.length > 0 && (
            <details className="note-details">
              <summary>{t('journal.proofHashes', { k: data.inclusionProof.length })}</summary>
              <ol className="proof-list">
                {data.inclusionProof.map((h, i) => (
                  <li key={i}>
                    <code className="hash-full">{h}</code>
                  </li>
                ))}
              </ol>
            </details>
          )}
          <h3 className="details-title">{t('journal.details')}</h3>
          <pre className="json-block" data-testid="entry-details">
            {JSON.stringify(maskOldSessionIds(e.details), null, 2)}
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

// ——— Export: fetch + blob, so that errors show on the page and no URL with a personal ID lands in the downloads list ———

const downloadExport = (params: Params) => saveFile(`/api/journal/export${query({ ...params })}`);

// ——— The page ———

export function JournalPage() {
  const { t } = useI18n();
  const me = useMe();
  usePageTitle(t('journal.title'));
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [applied, setApplied] = useState<Params>({});
  const [items, setItems] = useState<JournalEntry[] | null>(null);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<JournalEntry | null>(null);
  const [version, setVersion] = useState(0);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const [exported, setExported] = useState<string | null>(null);
  const status = useApi<JournalStatus>('/api/journal/checkpoint');
  const reloadStatus = status.reload;
  const tableRef = useRef<HTMLElement>(null);
  const pickAccounts = can(me, 'accounts.read');

  const problems = problemsOf(draft);
  const invalid = problems.actor || problems.citizen || problems.range;

  const load = useCallback(
    async (beforeSeq: number | undefined, isCurrent: () => boolean = () => true) => {
      setLoading(true);
      setError(null);
      try {
        const page = await get<{ items: JournalEntry[] }>(`/api/journal/entries${query({ ...applied, beforeSeq, limit: PAGE_SIZE })}`);
        if (!isCurrent()) return;
        setItems((old) => (beforeSeq === undefined ? page.items : [...(old ?? []), ...page.items]));
        setMore(page.items.length === PAGE_SIZE);
      } catch (e) {
        if (isCurrent()) setError(e);
      } finally {
        if (isCurrent()) setLoading(false);
      }
    },
    [applied],
  );

  useEffect(() => {
    let current = true;
    void load(undefined, () => current);
    return () => {
      current = false;
    };
  }, [load, version]);

  const applyDraft = (next: Draft) => {
    setDraft(next);
    setApplied(paramsOf(next));
    setExported(null);
    setExportError(null);
  };
  const apply = (event: FormEvent) => {
    event.preventDefault();
    if (!invalid) applyDraft(draft);
  };
  const clear = () => applyDraft(emptyDraft);
  const set =
    <K extends keyof Draft>(key: K) =>
    (value: Draft[K]) =>
      setDraft((d) => ({ ...d, [key]: value }));

  const exportSelection = async () => {
    if (invalid || exporting) return;
    const params = paramsOf(draft);
    setApplied(params);
    setExporting(true);
    setExportError(null);
    setExported(null);
    try {
      setExported(await downloadExport(params));
    } catch (e) {
      setExportError(e);
    } finally {
      setExporting(false);
    }
  };

  const [verifyBefore, verifyAfter] = t('journal.exportHint').split('{command}');
  const filtered = Object.values(applied).some((v) => v !== undefined);

  return (
    <div className="page" data-testid="journal-page">
      <div className="page-head">
        <h1>{t('journal.title')}</h1>
        <div className="button-row">
          <button
            type="button"
            className="btn"
            onClick={() => {
              setVersion((v) => v + 1);
              reloadStatus();
            }}
            data-testid="journal-refresh"
          >
            ↻ {t('journal.refresh')}
          </button>
        </div>
      </div>
      {status.data?.failClosed && (
        <div className="alert alert-error alert-banner" role="alert" data-testid="fail-closed-banner">
          <svg className="alert-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
            <circle cx="12" cy="12" r="11" fill="currentColor" />
            <rect x="10.7" y="5.5" width="2.6" height="8.5" rx="1.2" fill="#fff" />
            <circle cx="12" cy="17.6" r="1.6" fill="#fff" />
          </svg>
          <div>
            <strong>{t('journal.failClosedTitle')}</strong>
            <p>{t('journal.failClosedText')}</p>
          </div>
        </div>
      )}
      <p className="muted">{t('journal.intro')}</p>
      <StatusCard status={status.data} error={status.error} />

      <section className="card" aria-labelledby="journal-search-title">
        <h2 id="journal-search-title">{t('journal.searchTitle')}</h2>
        <form role="search" aria-labelledby="journal-search-title" onSubmit={apply} autoComplete="off" noValidate data-testid="journal-filters">
          <div className="journal-filters">
            <Field label={t('journal.filterActor')} hint={problems.actor ? t('journal.filterActorInvalid') : undefined}>
              {(id, hint) =>
                pickAccounts ? (
                  <AccountPicker id={id} text={draft.actorText} value={draft.actor} invalid={problems.actor} describedBy={hint} onChange={(text, actor) => setDraft((d) => ({ ...d, actorText: text, actor }))} />
                ) : (
                  <input
                    id={id}
                    type="text"
                    name="actor"
                    value={draft.actorText}
                    onChange={(e) => setDraft((d) => ({ ...d, actorText: e.target.value, actor: null }))}
                    placeholder={t('journal.filterActorIdPlaceholder')}
                    aria-invalid={problems.actor}
                    aria-describedby={hint}
                    spellCheck={false}
                    data-testid="journal-actor"
                  />
                )
              }
            </Field>
            <Field label={t('journal.filterUnit')} hint={t('journal.filterUnitHint')}>
              {(id, hint) => <UnitSelect id={id} name="unitId" value={draft.unitId} onChange={set('unitId')} emptyLabel={t('journal.allUnits')} describedBy={hint} />}
            </Field>
            <Field label={t('journal.filterType')}>
              {(id) => (
                <>
                  <TypeSelect id={id} value={draft.typeChoice} onChange={set('typeChoice')} />
                  {draft.typeChoice === OTHER_TYPE && (
                    <input
                      type="text"
                      className="sub-input"
                      name="typeOther"
                      aria-label={t('journal.otherTypeLabel')}
                      value={draft.typeOther}
                      onChange={(e) => set('typeOther')(e.target.value)}
                      placeholder={t('journal.filterTypePlaceholder')}
                      maxLength={100}
                      spellCheck={false}
                      autoFocus
                    />
                  )}
                </>
              )}
            </Field>
            <TimeBound
              legend={t('journal.filterFrom')}
              date={draft.fromDate}
              time={draft.fromTime}
              dateLabel={t('journal.fromDate')}
              timeLabel={t('journal.fromTime')}
              onDate={set('fromDate')}
              onTime={set('fromTime')}
              name="from"
            />
            <TimeBound
              legend={t('journal.filterTo')}
              date={draft.toDate}
              time={draft.toTime}
              dateLabel={t('journal.toDate')}
              timeLabel={t('journal.toTime')}
              onDate={set('toDate')}
              onTime={set('toTime')}
              name="to"
              problem={problems.range ? t('journal.rangeInvalid') : undefined}
            />
            <Field label={t('journal.filterCitizen')} hint={problems.citizen ? t('journal.filterCitizenInvalid') : t('journal.filterCitizenHint')}>
              {(id, hint) => (
                <input
                  id={id}
                  type="text"
                  name="citizen-search"
                  inputMode="numeric"
                  autoComplete="off"
                  maxLength={12}
                  spellCheck={false}
                  value={draft.citizenId}
                  onChange={(e) => set('citizenId')(e.target.value.replace(/\D/g, ''))}
                  aria-invalid={problems.citizen}
                  aria-describedby={hint}
                  data-testid="journal-citizen"
                />
              )}
            </Field>
            <Field label={t('journal.filterTarget')}>
              {(id) => <input id={id} type="text" name="targetId" value={draft.targetId} onChange={(e) => set('targetId')(e.target.value)} placeholder={t('journal.filterTargetPlaceholder')} maxLength={100} spellCheck={false} data-testid="journal-target" />}
            </Field>
          </div>
          <div className="filter-actions">
            <div className="toolbar-buttons">
              <button type="submit" className="btn btn-primary" disabled={invalid} data-testid="journal-apply">
                {t('journal.apply')}
              </button>
              <button type="button" className="btn" onClick={clear} data-testid="journal-clear">
                {t('journal.clear')}
              </button>
            </div>
            <div className="export-box">
              <button type="button" className="btn" onClick={() => void exportSelection()} disabled={invalid || exporting} aria-describedby="journal-export-hint" data-testid="journal-export">
                ⤓ {exporting ? t('journal.exporting') : t('journal.export')}
              </button>
              <p className="hint" id="journal-export-hint">
                {verifyBefore}
                <code>{t('journal.verifyCommand')}</code>
                {verifyAfter}
              </p>
            </div>
          </div>
          <ErrorBox error={exportError} testId="export-error" />
          {exported && (
            <Notice kind="success" testId="export-done">
              {t('journal.exported', { file: exported })}
            </Notice>
          )}
        </form>
      </section>

      <ErrorBox error={error} />
      {!items && !error && <Loading />}
      {items && (
        <section ref={tableRef} className={loading ? 'card table-card is-loading' : 'card table-card'} aria-busy={loading} aria-label={t('journal.resultsLabel')}>
          {items.length === 0 ? (
            <p className="muted" data-testid="journal-empty">
              {filtered ? t('common.noResults') : t('journal.empty')}
            </p>
          ) : (
            <div className="table-wrap">
              <table className="table journal-table" data-testid="journal-table">
                <caption className="visually-hidden">{t('journal.tableCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('journal.at')}</th>
                    <th scope="col">{t('journal.type')}</th>
                    <th scope="col">{t('journal.outcome')}</th>
                    <th scope="col">{t('journal.actor')}</th>
                    <th scope="col">{t('journal.unit')}</th>
                    <th scope="col">{t('journal.target')}</th>
                    <th scope="col">{t('journal.ip')}</th>
                    <th scope="col">{t('journal.reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((e) => (
                    <tr
                      key={e.seq}
                      className="row-clickable"
                      data-testid="journal-row"
                      data-type={e.type}
                      data-seq={e.seq}
                      tabIndex={0}
                      aria-label={t('journal.rowLabel', { seq: e.seq, type: eventLabel(e.type, t), at: formatDateTimeSeconds(e.at) })}
                      onClick={() => setOpen(e)}
                      onKeyDown={(event) => {
                        if (event.target !== event.currentTarget) return;
                        if (event.key === 'Enter' || event.key === ' ') {
                          event.preventDefault();
                          setOpen(e);
                        }
                      }}
                    >
                      <td className="nowrap">
                        <DateTime iso={e.at} />
                      </td>
                      <td>
                        <span className="strong">{eventLabel(e.type, t)}</span>
                        <div>
                          <code className="muted small">{e.type}</code>
                        </div>
                      </td>
                      <td>
                        <OutcomeBadge outcome={e.outcome} />
                      </td>
                      <td data-testid="journal-actor-cell">
                        <ActorName entry={e} withUnit />
                      </td>
                      <td data-testid="journal-unit-cell">{e.unit ? e.unit.name : e.unitId ? <code title={e.unitId}>{short(e.unitId)}</code> : <None />}</td>
                      <td>
                        {e.targetId || e.targetType ? (
                          <>
                            {e.targetType && <span className="muted small">{e.targetType} </span>}
                            {e.targetId && <code title={e.targetId}>{short(e.targetId)}</code>}
                          </>
                        ) : (
                          citizenCount(e.citizens) === 0 && <None />
                        )}
                        {citizenCount(e.citizens) > 0 && (
                          <div>
                            <span className="badge badge-kind" title={t('journal.citizensTitle', { n: citizenCount(e.citizens) })} data-testid="citizens-badge">
                              {t('journal.citizens', { n: citizenCount(e.citizens) })}
                            </span>
                          </div>
                        )}
                      </td>
                      <td>{e.ip ? <code>{e.ip}</code> : <None />}</td>
                      <td className="journal-reason">{e.reason || <None />}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <div className="pager">
            <span className="muted" data-testid="journal-count" aria-live="polite">
              {more || items.length === 0 ? t('journal.shown', { n: items.length }) : t('journal.end', { n: items.length })}
            </span>
            {more && (
              <button type="button" className="btn btn-small" disabled={loading} onClick={() => void load(items[items.length - 1]!.seq)} data-testid="journal-more">
                {t('journal.loadMore')}
              </button>
            )}
          </div>
        </section>
      )}
      {open !== null && (
        <EntryDialog
          listed={open}
          onClose={() => {
            const seq = open.seq;
            setOpen(null);
            // Back to the row the dialog was opened from, for keyboard users.
            window.requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-testid=journal-row][data-seq="${seq}"]`)?.focus());
          }}
          onFilter={(change) => {
            setOpen(null);
            applyDraft({ ...draft, ...change });
            tableRef.current?.scrollIntoView({ block: 'start' });
          }}
        />
      )}
    </div>
  );
}

/** A date and an optional time, grouped under one legend. */
function TimeBound({
  legend,
  date,
  time,
  dateLabel,
  timeLabel,
  onDate,
  onTime,
  name,
  problem,
}: {
  legend: string;
  date: string;
  time: string;
  dateLabel: string;
  timeLabel: string;
  onDate: (v: string) => void;
  onTime: (v: string) => void;
  name: string;
  problem?: string;
}) {
  const { t } = useI18n();
  const id = useId();
  return (
    <fieldset className="field time-bound">
      <legend>{legend}</legend>
      <div className="time-bound-inputs">
        <input
          type="date"
          name={`${name}Date`}
          aria-label={dateLabel}
          value={date}
          onChange={(e) => {
            onDate(e.target.value);
            if (!e.target.value) onTime('');
          }}
          aria-invalid={!!problem}
          aria-describedby={`${id}-hint`}
          data-testid={`journal-${name}-date`}
        />
        <input type="time" name={`${name}Time`} aria-label={timeLabel} value={time} onChange={(e) => onTime(e.target.value)} disabled={!date} aria-describedby={`${id}-hint`} data-testid={`journal-${name}-time`} />
      </div>
      <div className="hint" id={`${id}-hint`}>
        {problem ?? t('journal.timeOptional')}
      </div>
    </fieldset>
  );
}
