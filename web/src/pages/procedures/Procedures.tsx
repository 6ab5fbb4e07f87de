import { keepPreviousData } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { BulkSkip, OfferLevel } from '../../../../common/schemas/procedures.ts';
import { $api, answer, client, type BulkOfferResult, type CatalogueProcedure, type OfferedProcedure } from '../../api/index.ts';
import { ConfirmDialog, Field, Notice, usePageTitle } from '../../components.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { Loaded } from '../../components/Loaded.tsx';
import { useI18n } from '../../i18n.ts';
import { Link } from '../../router.tsx';

const PAGE_SIZE = 20;
const LEVELS = ['commune', 'province'] as const satisfies readonly OfferLevel[];

/** A text filter that asks the server once typing pauses. */
function useTyped(initial = '') {
  const [text, setText] = useState(initial);
  const [settled, setSettled] = useState(initial);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(text.trim()), 300);
    return () => window.clearTimeout(timer);
  }, [text]);
  return { text, setText, settled };
}

export function LevelBadge({ level }: { level: string }) {
  const { t } = useI18n();
  return <span className={`badge level-${level}`}>{t(`procedures.level.${level as OfferLevel}`)}</span>;
}

/** The procedures the province offers: what the desks receive, with each one's rules. */
function OfferedList() {
  const { t } = useI18n();
  const search = useTyped();
  const [level, setLevel] = useState<OfferLevel | ''>('');
  const [status, setStatus] = useState<'offered' | 'withdrawn' | 'all'>('offered');
  const offered = $api.useQuery('get', '/api/procedures/offered', { params: { query: { q: search.settled || undefined, level: level || undefined, status } } }, { placeholderData: keepPreviousData });
  const columns: Column<OfferedProcedure>[] = [
    { key: 'code', label: t('procedures.code'), cell: (p) => <code>{p.code}</code>, sortValue: (p) => p.code, nowrap: true },
    {
      key: 'name',
      label: t('procedures.name'),
      cell: (p) => (
        <>
          <Link to={`/procedures/${p.id}`}>{p.name}</Link>
          <div className="muted small">{p.field}</div>
        </>
      ),
      sortValue: (p) => p.name,
      rowHeader: true,
    },
    { key: 'level', label: t('procedures.levelColumn'), cell: (p) => <LevelBadge level={p.level} />, sortValue: (p) => p.level },
    { key: 'days', label: t('procedures.days'), cell: (p) => p.current.processingDays, sortValue: (p) => p.current.processingDays, numeric: true },
    { key: 'documents', label: t('procedures.documentsColumn'), cell: (p) => p.current.documents.length || <span className="badge badge-warning">{t('procedures.notDeclared')}</span>, numeric: true },
    {
      key: 'fields',
      label: t('procedures.fieldsColumn'),
      cell: (p) => (p.current.npdFields.length ? p.current.npdFields.length : <span className="muted small">{t('procedures.noLookups')}</span>),
      numeric: true,
    },
    { key: 'version', label: t('procedures.version'), cell: (p) => `v${p.currentVersion}`, sortValue: (p) => p.currentVersion, numeric: true },
    {
      key: 'status',
      label: t('procedures.status'),
      cell: (p) => <span className={`badge ${p.status === 'offered' ? 'badge-active' : 'badge-left'}`}>{t(`procedures.status.${p.status}`)}</span>,
    },
  ];
  return (
    <>
      <form className="toolbar" role="search" onSubmit={(e) => e.preventDefault()} autoComplete="off">
        <Field label={t('procedures.search')}>
          {(id) => <input id={id} type="search" value={search.text} onChange={(e) => search.setText(e.target.value)} placeholder={t('procedures.searchPlaceholder')} data-testid="offered-search" />}
        </Field>
        <Field label={t('procedures.levelColumn')}>
          {(id) => (
            <select id={id} value={level} onChange={(e) => setLevel(e.target.value as OfferLevel | '')} data-testid="offered-level">
              <option value="">{t('procedures.allLevels')}</option>
              {LEVELS.map((l) => (
                <option key={l} value={l}>
                  {t(`procedures.level.${l}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('procedures.status')}>
          {(id) => (
            <select id={id} value={status} onChange={(e) => setStatus(e.target.value as typeof status)} data-testid="offered-status">
              <option value="offered">{t('procedures.status.offered')}</option>
              <option value="withdrawn">{t('procedures.status.withdrawn')}</option>
              <option value="all">{t('procedures.allStatuses')}</option>
            </select>
          )}
        </Field>
      </form>
      <Loaded query={offered}>
        {(data) => (
          <section className="card table-card">
            <p className="muted small table-count" data-testid="offered-count">
              {t('procedures.offeredCount', { n: data.items.length })}
            </p>
            <DataTable
              caption={t('procedures.offeredTab')}
              columns={columns}
              rows={data.items}
              rowKey={(p) => p.id}
              rowHref={(p) => `/procedures/${p.id}`}
              rowProps={(p) => ({ 'data-testid': 'offered-row', 'data-code': p.code, 'data-level': p.level })}
              empty={t('procedures.offeredEmpty')}
              busy={offered.isFetching}
              testId="offered-table"
            />
          </section>
        )}
      </Loaded>
    </>
  );
}

/** What a bulk offer did, in words: how many were offered, and why each of the others was left out. */
function BulkOutcome({ result }: { result: BulkOfferResult }) {
  const { t } = useI18n();
  const byReason = new Map<string, BulkOfferResult['skipped']>();
  for (const s of result.skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s]);
  return (
    <Notice kind={result.offered.length ? 'success' : 'warning'} testId="bulk-outcome">
      <strong>{t('procedures.bulkOffered', { n: result.offered.length })}</strong>
      {[...byReason].map(([reason, items]) => (
        <div key={reason} data-reason={reason}>
          {t(`procedures.skip.${reason as BulkSkip}`, { n: items.length })}: <span className="mono small">{items.map((s) => s.code).join(', ')}</span>
        </div>
      ))}
    </Notice>
  );
}

/** The national catalogue (2,642 procedures): search it, offer one with its rules, or many at one level at once. */
function CatalogueSearch() {
  const { t } = useI18n();
  const search = useTyped();
  const [level, setLevel] = useState<OfferLevel>('commune');
  const [issuingBody, setIssuingBody] = useState('');
  const [field, setField] = useState('');
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [confirming, setConfirming] = useState<'selected' | 'matching' | null>(null);
  const [outcome, setOutcome] = useState<BulkOfferResult | null>(null);
  const filter = { q: search.settled || undefined, level, issuingBody: issuingBody || undefined, field: field || undefined };
  useEffect(() => setOffset(0), [search.settled, level, issuingBody, field]);
  const facets = $api.useQuery('get', '/api/procedures/catalogue/facets', { params: { query: { level } } });
  const catalogue = $api.useQuery('get', '/api/procedures/catalogue', { params: { query: { ...filter, limit: PAGE_SIZE, offset } } }, { placeholderData: keepPreviousData });
  const bulk = $api.useMutation('post', '/api/procedures/offered/bulk');
  const offeredHere = (p: CatalogueProcedure) => p.offerings.find((o) => o.level === level);
  const mayOffer = catalogue.data?.abilities.offer ?? false;
  const toggle = (code: string) => setSelected((s) => (s.has(code) ? new Set([...s].filter((c) => c !== code)) : new Set([...s, code])));

  const columns: Column<CatalogueProcedure>[] = [
    ...(mayOffer
      ? [
          {
            key: 'pick',
            label: <span className="visually-hidden">{t('procedures.pick')}</span>,
            cell: (p: CatalogueProcedure) =>
              !offeredHere(p) && (
                <input type="checkbox" checked={selected.has(p.code)} onChange={() => toggle(p.code)} aria-label={t('procedures.pickOne', { code: p.code })} data-testid="catalogue-pick" />
              ),
          },
        ]
      : []),
    { key: 'code', label: t('procedures.code'), cell: (p) => <code>{p.code}</code>, nowrap: true },
    {
      key: 'name',
      label: t('procedures.name'),
      cell: (p) => (
        <>
          {p.name}
          <div className="muted small">
            {p.field} · {p.issuingBody}
          </div>
        </>
      ),
      rowHeader: true,
    },
    { key: 'days', label: t('procedures.suggestedDays'), cell: (p) => p.suggestedWorkingDays ?? <span className="muted small">{t('procedures.noTimeLimit')}</span>, numeric: true },
    {
      key: 'offered',
      label: t('procedures.offeredAt'),
      cell: (p) =>
        p.offerings.map((o) => (
          <Link key={o.id} to={`/procedures/${o.id}`} className="nowrap">
            <LevelBadge level={o.level} /> {o.status === 'withdrawn' && <span className="muted small">({t('procedures.status.withdrawn')})</span>}
          </Link>
        )),
    },
  ];

  const offer = async (codes: string[]) => {
    const result = await bulk.mutateAsync({ body: { level, codes } });
    setOutcome(result);
    setSelected(new Set());
    setConfirming(null);
    void catalogue.refetch();
  };

  return (
    <>
      <form className="toolbar" role="search" onSubmit={(e) => e.preventDefault()} autoComplete="off">
        <Field label={t('procedures.search')}>
          {(id) => <input id={id} type="search" value={search.text} onChange={(e) => search.setText(e.target.value)} placeholder={t('procedures.catalogueSearchPlaceholder')} data-testid="catalogue-search" />}
        </Field>
        <Field label={t('procedures.levelColumn')}>
          {(id) => (
            <select id={id} value={level} onChange={(e) => setLevel(e.target.value as OfferLevel)} data-testid="catalogue-level">
              {LEVELS.map((l) => (
                <option key={l} value={l}>
                  {t(`procedures.level.${l}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('procedures.issuingBody')}>
          {(id) => (
            <select id={id} value={issuingBody} onChange={(e) => setIssuingBody(e.target.value)} data-testid="catalogue-body">
              <option value="">{t('procedures.allBodies')}</option>
              {facets.data?.issuingBodies.map((b) => (
                <option key={b.name} value={b.name}>
                  {b.name} ({b.count})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('procedures.field')}>
          {(id) => (
            <select id={id} value={field} onChange={(e) => setField(e.target.value)} data-testid="catalogue-field">
              <option value="">{t('procedures.allFields')}</option>
              {facets.data?.fields.map((f) => (
                <option key={f.name} value={f.name}>
                  {f.name} ({f.count})
                </option>
              ))}
            </select>
          )}
        </Field>
      </form>
      {outcome && <BulkOutcome result={outcome} />}
      <Loaded query={catalogue}>
        {(data) => (
          <section className="card table-card">
            <div className="table-head">
              <p className="muted small table-count" data-testid="catalogue-count">
                {t('procedures.catalogueCount', { n: data.total })}
              </p>
              {mayOffer && (
                <div className="button-row">
                  <button type="button" className="btn btn-small" disabled={selected.size === 0} onClick={() => setConfirming('selected')} data-testid="offer-selected">
                    {t('procedures.offerSelected', { n: selected.size })}
                  </button>
                  <button type="button" className="btn btn-small btn-primary" disabled={data.total === 0} onClick={() => setConfirming('matching')} data-testid="offer-matching">
                    {t('procedures.offerMatching', { n: data.total })}
                  </button>
                </div>
              )}
            </div>
            <DataTable
              caption={t('procedures.catalogueTab')}
              columns={columns}
              rows={data.items}
              rowKey={(p) => p.code}
              rowHref={(p) => `/procedures/catalogue/${p.code}`}
              rowProps={(p) => ({ 'data-testid': 'catalogue-row', 'data-code': p.code })}
              empty={t('common.noResults')}
              busy={catalogue.isFetching}
              testId="catalogue-table"
            />
            {data.total > PAGE_SIZE && (
              <div className="pager">
                <span className="muted">{t('common.showing', { from: offset + 1, to: Math.min(offset + PAGE_SIZE, data.total), total: data.total })}</span>
                <button type="button" className="btn btn-small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
                  ‹ {t('common.previous')}
                </button>
                <button type="button" className="btn btn-small" disabled={offset + PAGE_SIZE >= data.total} onClick={() => setOffset(offset + PAGE_SIZE)}>
                  {t('common.next')} ›
                </button>
              </div>
            )}
            {confirming && (
              <ConfirmDialog
                title={t('procedures.bulkTitle', { n: confirming === 'selected' ? selected.size : data.total, level: t(`procedures.level.${level}`) })}
                text={
                  <>
                    <p>{t('procedures.bulkText')}</p>
                    <p className="hint">{t('procedures.bulkHint')}</p>
                  </>
                }
                confirmLabel={t('procedures.bulkConfirm')}
                onClose={() => setConfirming(null)}
                onConfirm={async () => {
                  const codes = confirming === 'selected' ? [...selected] : (await answer(client.GET('/api/procedures/catalogue/codes', { params: { query: filter } }))).codes;
                  await offer(codes);
                }}
                testId="bulk-dialog"
              />
            )}
          </section>
        )}
      </Loaded>
    </>
  );
}

/** R22, R24: the procedures the province offers, and the national catalogue it offers them from. */
export function ProceduresPage() {
  const { t } = useI18n();
  usePageTitle(t('procedures.title'));
  const [tab, setTab] = useState<'offered' | 'catalogue'>(() => (new URLSearchParams(location.search).get('tab') === 'catalogue' ? 'catalogue' : 'offered'));
  useEffect(() => history.replaceState(null, '', tab === 'catalogue' ? '/procedures?tab=catalogue' : '/procedures'), [tab]);
  return (
    <div className="page" data-testid="procedures-page">
      <div className="page-head">
        <h1>{t('procedures.title')}</h1>
        <Link to="/calendar" className="btn">
          {t('nav.calendar')}
        </Link>
      </div>
      <p className="muted">{t('procedures.intro')}</p>
      <div className="tabs" role="tablist" aria-label={t('procedures.title')}>
        {(['offered', 'catalogue'] as const).map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            id={`procedures-tab-${name}`}
            aria-selected={tab === name}
            aria-controls="procedures-panel"
            className={tab === name ? 'tab active' : 'tab'}
            onClick={() => setTab(name)}
            data-testid={`procedures-tab-${name}`}
          >
            {t(`procedures.${name}Tab`)}
          </button>
        ))}
      </div>
      <div id="procedures-panel" role="tabpanel" aria-labelledby={`procedures-tab-${tab}`}>
        {tab === 'offered' ? <OfferedList /> : <CatalogueSearch />}
      </div>
    </div>
  );
}
