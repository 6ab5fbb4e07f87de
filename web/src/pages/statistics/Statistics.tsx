import { keepPreviousData, useMutation } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useState, type KeyboardEvent, type ReactNode } from 'react';
import { vietnamParts } from '../../../../common/vietnam-time.ts';
import { $api, query, saveFile, useRoles, useUnits, type Statistics, type Unit } from '../../api/index.ts';
import { ErrorBox, Field, Loading, Notice, usePageTitle } from '../../components.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { useI18n, type Translate } from '../../i18n.ts';
import { useMe } from '../../session.ts';
import { UnitSelect } from '../../UnitSelect.tsx';

// ——— The answer of GET /api/statistics (see /api/docs) ———

type Counts = Statistics['total'];
type ProcedureRow = Statistics['byProcedure'][number];
type UnitRow = Statistics['byUnit'][number];
type FieldRow = Counts & { field: string };

// ——— The period ———

const PRESETS = ['month', 'lastMonth', 'quarter', 'year', 'custom'] as const;
type Preset = (typeof PRESETS)[number];

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
/** A calendar day (month from 0; a month or day out of range rolls over, day 0 is the last of the month before) as YYYY-MM-DD. */
const isoDay = (year: number, month: number, day: number) => new Date(Date.UTC(year, month, day)).toISOString().slice(0, 10);

/** First and last day of a preset period, in Vietnam's calendar whatever the browser's time zone. */
function presetRange(preset: Exclude<Preset, 'custom'>, now = new Date()): { from: string; to: string } {
  const { year: y, month } = vietnamParts(now);
  const m = month - 1;
  const range = (from: [number, number, number], to: [number, number, number]) => ({ from: isoDay(...from), to: isoDay(...to) });
  switch (preset) {
    case 'month':
      return range([y, m, 1], [y, m + 1, 0]);
    case 'lastMonth':
      return range([y, m - 1, 1], [y, m, 0]);
    case 'quarter':
      return range([y, m - (m % 3), 1], [y, m - (m % 3) + 3, 0]);
    case 'year':
      return range([y, 0, 1], [y, 11, 31]);
  }
}

/** "2025-05-01" as 01/05/2025, without going through a time zone. */
const showDay = (day: string) => (ISO_DAY.test(day) ? day.split('-').reverse().join('/') : day);

interface Selection {
  preset: Preset;
  from: string;
  to: string;
  unitId: string;
}

/** The period and unit are kept in the address (no personal data there), so a view can be bookmarked and shared. */
function initialSelection(): Selection {
  const params = new URLSearchParams(location.search);
  const preset = (PRESETS as readonly string[]).includes(params.get('period') ?? '') ? (params.get('period') as Preset) : 'month';
  const unitId = params.get('unitId') ?? '';
  if (preset === 'custom') {
    const from = params.get('from') ?? '';
    const to = params.get('to') ?? '';
    if (ISO_DAY.test(from) && ISO_DAY.test(to)) return { preset, from, to, unitId };
    return { preset: 'month', ...presetRange('month'), unitId };
  }
  return { preset, ...presetRange(preset), unitId };
}

// ——— Figures ———

const settledOf = (c: Counts) => c.settledOnTime + c.settledLate;
const onTimeRateOf = (c: Counts) => (settledOf(c) ? c.settledOnTime / settledOf(c) : null);

/** Adds rows up; the average days weighted by the dossiers settled. */
function sumCounts(rows: Counts[]): Counts {
  const total: Counts = { received: 0, online: 0, digitized: 0, reused: 0, settledOnTime: 0, settledLate: 0, inProgress: 0, overdue: 0, settledDays: null };
  let days = 0;
  for (const r of rows) {
    total.received += r.received;
    total.online += r.online;
    total.digitized += r.digitized;
    total.reused += r.reused;
    total.settledOnTime += r.settledOnTime;
    total.settledLate += r.settledLate;
    total.inProgress += r.inProgress;
    total.overdue += r.overdue;
    days += (r.settledDays ?? 0) * settledOf(r);
  }
  const settled = settledOf(total);
  total.settledDays = settled ? Math.round((days / settled) * 10) / 10 : null;
  return total;
}

function byField(rows: ProcedureRow[]): FieldRow[] {
  const groups = new Map<string, ProcedureRow[]>();
  for (const r of rows) groups.set(r.field, [...(groups.get(r.field) ?? []), r]);
  return [...groups].map(([field, list]) => ({ field, ...sumCounts(list) }));
}

function useFormat() {
  const { lang, t } = useI18n();
  return useMemo(() => {
    const locale = lang === 'vi' ? 'vi-VN' : 'en-GB';
    const count = new Intl.NumberFormat(locale);
    const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
    return {
      count: (n: number) => count.format(n),
      decimal: (n: number | null) => (n === null ? t('common.none') : decimal.format(n)),
      percent: (n: number | null) => (n === null ? t('common.none') : percent.format(n)),
    };
  }, [lang, t]);
}

// ——— Units: the officer's statistics scope, and names that tell one commune's desk from another's ———

/** The units where this officer holds statistics.read, highest first; the page starts on the first. */
function useScope() {
  const me = useMe();
  const { data: roles, error: rolesError } = useRoles();
  const { data: units, error: unitsError } = useUnits();
  return useMemo(() => {
    if (!roles || !units) return { error: rolesError || unitsError, ready: false as const };
    const byId = new Map(units.map((u) => [u.id, u]));
    const granting = new Set<string>(roles.filter((r) => r.permissions.includes('statistics.read')).map((r) => r.role));
    const depth = (u: Unit) => {
      let n = 0;
      for (let p = u.parentId; p; p = byId.get(p)?.parentId ?? null) n++;
      return n;
    };
    const roots = [...new Set(me.roles.filter((r) => granting.has(r.role)).map((r) => r.unit.id))]
      .map((id) => byId.get(id))
      .filter((u): u is Unit => !!u)
      .sort((a, b) => depth(a) - depth(b));
    const rootIds = new Set(roots.map((u) => u.id));
    const inScope = (unit: Unit) => {
      for (let u: Unit | undefined = unit; u; u = u.parentId ? byId.get(u.parentId) : undefined) if (rootIds.has(u.id)) return true;
      return false;
    };
    /** "Bộ phận Một cửa" is every commune's desk: the commune goes beside it. */
    const describe = (id: string, fallback: string): { name: string; within: string | null } => {
      const unit = byId.get(id);
      if (!unit) return { name: fallback, within: null };
      const parent = unit.parentId ? byId.get(unit.parentId) : undefined;
      const organisational = unit.kind !== 'province' && unit.kind !== 'commune';
      return { name: unit.fullName, within: organisational && parent && !unit.fullName.includes(parent.fullName) ? parent.fullName : null };
    };
    const allows = (id: string) => {
      const unit = byId.get(id);
      return !!unit && inScope(unit);
    };
    return { ready: true as const, roots, inScope, allows, describe, error: null };
  }, [me, roles, units, rolesError, unitsError]);
}

// ——— The page ———

const TABS = ['unit', 'field', 'procedure'] as const;
type Tab = (typeof TABS)[number];

export function StatisticsPage() {
  const { t } = useI18n();
  usePageTitle(t('stats.title'));
  const scope = useScope();
  const [selection, setSelection] = useState<Selection>(initialSelection);
  const [tab, setTab] = useState<Tab>('unit');
  const exportFile = useMutation({ mutationFn: (params: string) => saveFile(`/api/statistics/export${params}`) });

  // A unit from the address outside the officer's scope falls back to their own.
  const unitId = scope.ready ? (scope.allows(selection.unitId) ? selection.unitId : (scope.roots[0]?.id ?? '')) : '';
  const datesChosen = ISO_DAY.test(selection.from) && ISO_DAY.test(selection.to);
  const chosen = datesChosen && !!unitId;
  const params = chosen ? query({ from: selection.from, to: selection.to, unitId }) : null;
  // Until a period and a unit are chosen, the last answer stays on screen.
  const { data, error, isFetching: loading } = $api.useQuery(
    'get',
    '/api/statistics',
    { params: { query: { from: selection.from, to: selection.to, unitId } } },
    { enabled: chosen, placeholderData: keepPreviousData },
  );

  useEffect(() => {
    const kept = selection.preset === 'custom' ? { from: selection.from, to: selection.to } : {};
    history.replaceState(null, '', `/statistics${query({ period: selection.preset, ...kept, unitId: selection.unitId })}`);
  }, [selection]);

  const change = (next: Partial<Selection>) => {
    setSelection((s) => ({ ...s, ...next }));
    exportFile.reset();
  };
  const choosePreset = (preset: Preset) => change(preset === 'custom' ? { preset } : { preset, ...presetRange(preset) });

  const exporting = exportFile.isPending;
  const exportWorkbook = () => {
    if (params && !exporting) exportFile.mutate(params);
  };

  const stats = error ? undefined : data;
  const period = stats ? t('stats.showing', { unit: scope.ready ? scope.describe(stats.unit.id, stats.unit.name).name : stats.unit.name, from: showDay(stats.from), to: showDay(stats.to) }) : '';

  return (
    <div className="page page-wide" data-testid="statistics-page">
      <div className="page-head">
        <h1>{t('stats.title')}</h1>
        <div className="button-row">
          <button type="button" className="btn" onClick={exportWorkbook} disabled={!params || exporting} data-testid="stats-export">
            ⤓ {exporting ? t('stats.exporting') : t('stats.export')}
          </button>
        </div>
      </div>
      <p className="muted">{t('stats.intro')}</p>

      <section className="card" aria-labelledby="stats-filters-title">
        <h2 id="stats-filters-title" className="visually-hidden">
          {t('stats.filters')}
        </h2>
        <form className="stats-filters" role="search" aria-labelledby="stats-filters-title" onSubmit={(e) => e.preventDefault()} autoComplete="off">
          <Field label={t('stats.period')}>
            {(id) => (
              <select id={id} name="period" value={selection.preset} onChange={(e) => choosePreset(e.target.value as Preset)} data-testid="stats-period">
                {PRESETS.map((p) => (
                  <option key={p} value={p}>
                    {t(`stats.period.${p}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('stats.from')}>
            {(id) => <input id={id} type="date" name="from" value={selection.from} max={selection.to || undefined} onChange={(e) => change({ preset: 'custom', from: e.target.value })} data-testid="stats-from" />}
          </Field>
          <Field label={t('stats.to')}>
            {(id) => <input id={id} type="date" name="to" value={selection.to} min={selection.from || undefined} onChange={(e) => change({ preset: 'custom', to: e.target.value })} data-testid="stats-to" />}
          </Field>
          <Field label={t('stats.unit')} hint={t('stats.unitHint')}>
            {(id, hint) => <UnitSelect id={id} name="unitId" value={unitId} onChange={(v) => change({ unitId: v })} include={scope.ready ? scope.inScope : () => false} describedBy={hint} testId="stats-unit" />}
          </Field>
        </form>
        {!datesChosen && <p className="hint">{t('stats.pickDates')}</p>}
        {period && (
          <p className="stats-period" data-testid="stats-showing" aria-live="polite">
            {period}
          </p>
        )}
        <ErrorBox error={exportFile.error} testId="export-error" />
        {exportFile.data && (
          <Notice kind="success" testId="export-done">
            {t('stats.exported', { file: exportFile.data })}
          </Notice>
        )}
      </section>

      <ErrorBox error={error ?? scope.error} />
      {!stats && !error && !scope.error && datesChosen && <Loading />}
      {stats && scope.ready && (
        <div className={loading ? 'stats-body is-loading' : 'stats-body'} aria-busy={loading}>
          <Kpis stats={stats} />
          <p className="hint stats-note">{t('stats.note')}</p>
          <div className="stats-charts">
            <StackedBars
              title={t('stats.chart.units')}
              testId="chart-units"
              rows={stats.byUnit.map((r) => {
                const unit = scope.describe(r.unitId, r.unitName);
                return { key: r.unitId, name: unit.name, within: unit.within, counts: r };
              })}
            />
            <StackedBars title={t('stats.chart.fields')} testId="chart-fields" rows={byField(stats.byProcedure).map((r) => ({ key: r.field, name: r.field || t('stats.noField'), within: null, counts: r }))} />
          </div>
          <Tables stats={stats} tab={tab} setTab={setTab} period={period} describe={scope.describe} />
        </div>
      )}
    </div>
  );
}

// ——— KPI cards ———

function Kpis({ stats }: { stats: Statistics }) {
  const { t } = useI18n();
  const f = useFormat();
  const { total, indicators } = stats;
  const settled = settledOf(total);
  const cards: { id: string; label: string; value: string; raw: number | null; sub: string; tone?: 'good' | 'warn' | 'danger' }[] = [
    { id: 'received', label: t('stats.kpi.received'), value: f.count(total.received), raw: total.received, sub: t('stats.kpi.receivedSub', { n: f.count(total.online) }) },
    {
      id: 'on-time-rate',
      label: t('stats.kpi.onTimeRate'),
      value: f.percent(indicators.onTimeRate),
      raw: indicators.onTimeRate,
      sub: settled ? t('stats.kpi.onTimeSub', { onTime: f.count(total.settledOnTime), settled: f.count(settled) }) : t('stats.kpi.nothing'),
      tone: indicators.onTimeRate === null ? undefined : indicators.onTimeRate >= 0.95 ? 'good' : indicators.onTimeRate >= 0.8 ? 'warn' : 'danger',
    },
    {
      id: 'average-days',
      label: t('stats.kpi.averageDays'),
      value: indicators.averageSettledDays === null ? t('common.none') : t('stats.kpi.days', { n: Math.round(indicators.averageSettledDays * 10) / 10 }),
      raw: indicators.averageSettledDays,
      sub: indicators.averageSettledDays === null ? t('stats.kpi.nothing') : t('stats.kpi.averageSub'),
    },
    {
      id: 'online-share',
      label: t('stats.kpi.onlineShare'),
      value: f.percent(indicators.onlineShare),
      raw: indicators.onlineShare,
      sub: total.received ? t('stats.kpi.onlineSub', { online: f.count(total.online), received: f.count(total.received) }) : t('stats.kpi.nothing'),
    },
    {
      id: 'digitization-rate',
      label: t('stats.kpi.digitizationRate'),
      value: f.percent(indicators.digitizationRate),
      raw: indicators.digitizationRate,
      sub: total.received ? t('stats.kpi.digitizationSub', { digitized: f.count(total.digitized), received: f.count(total.received) }) : t('stats.kpi.nothing'),
    },
    {
      id: 'reuse-rate',
      label: t('stats.kpi.reuseRate'),
      value: f.percent(indicators.reuseRate),
      raw: indicators.reuseRate,
      sub: total.received ? t('stats.kpi.reuseSub', { reused: f.count(total.reused), received: f.count(total.received) }) : t('stats.kpi.nothing'),
    },
    { id: 'in-progress', label: t('stats.kpi.inProgress'), value: f.count(total.inProgress), raw: total.inProgress, sub: t('stats.kpi.inProgressSub') },
    { id: 'overdue', label: t('stats.kpi.overdue'), value: f.count(total.overdue), raw: total.overdue, sub: t('stats.kpi.overdueSub'), tone: total.overdue > 0 ? 'danger' : undefined },
  ];
  return (
    <section aria-label={t('stats.kpis')}>
      <ul className="kpis" data-testid="stats-kpis">
        {cards.map((c) => (
          <li key={c.id} className={c.tone ? `kpi kpi-${c.tone}` : 'kpi'} data-testid={`kpi-${c.id}`} data-value={c.raw ?? ''}>
            <span className="kpi-label">{c.label}</span>
            <span className="kpi-value">{c.value}</span>
            <span className="kpi-sub">{c.sub}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

// ——— Charts: SVG drawn by React, coloured by CSS classes (the CSP allows no inline style) ———

const SERIES = ['onTime', 'late', 'inProgress', 'overdue'] as const;
type Series = (typeof SERIES)[number];
/** Overdue dossiers are among those in progress: the bar shows them apart, so nothing is counted twice. */
const seriesOf = (c: Counts): Record<Series, number> => ({
  onTime: c.settledOnTime,
  late: c.settledLate,
  inProgress: Math.max(0, c.inProgress - c.overdue),
  overdue: c.overdue,
});
const MAX_BARS = 12;

interface BarInput {
  key: string;
  name: string;
  within: string | null;
  counts: Counts;
}

function Legend() {
  const { t } = useI18n();
  return (
    <ul className="chart-legend" aria-label={t('stats.chart.legend')}>
      {SERIES.map((s) => (
        <li key={s}>
          <svg className="legend-swatch" width="14" height="14" aria-hidden="true" focusable="false">
            <rect width="14" height="14" rx="2" className={`seg seg-${s}`} />
          </svg>
          {t(`stats.series.${s}`)}
        </li>
      ))}
    </ul>
  );
}

function StackedBars({ title, rows, testId }: { title: string; rows: BarInput[]; testId: string }) {
  const { t } = useI18n();
  const f = useFormat();
  const titleId = useId();
  const noteId = useId();
  const bars = useMemo(() => {
    const withTotals = rows
      .map((r) => {
        const values = seriesOf(r.counts);
        return { ...r, values, total: SERIES.reduce((n, s) => n + values[s], 0) };
      })
      .filter((r) => r.total > 0)
      .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name, 'vi'));
    if (withTotals.length <= MAX_BARS) return withTotals;
    const rest = withTotals.slice(MAX_BARS - 1);
    const counts = sumCounts(rest.map((r) => r.counts));
    const values = seriesOf(counts);
    return [...withTotals.slice(0, MAX_BARS - 1), { key: '__rest', name: t('stats.chart.others', { n: rest.length }), within: null, counts, values, total: SERIES.reduce((n, s) => n + values[s], 0) }];
  }, [rows, t]);
  const max = Math.max(1, ...bars.map((b) => b.total));
  return (
    <figure className="card chart" aria-labelledby={titleId} aria-describedby={bars.length > 0 ? noteId : undefined} data-testid={testId}>
      <figcaption id={titleId} className="chart-title">
        {title}
      </figcaption>
      {bars.length > 0 && <Legend />}
      {bars.length === 0 ? (
        <p className="muted" data-testid="chart-empty">
          {t('stats.empty')}
        </p>
      ) : (
        <ul className="bars">
          {bars.map((bar) => {
            let x = 0;
            const label = t('stats.chart.bar', {
              name: bar.within ? `${bar.name} (${bar.within})` : bar.name,
              onTime: f.count(bar.values.onTime),
              late: f.count(bar.values.late),
              inProgress: f.count(bar.values.inProgress),
              overdue: f.count(bar.values.overdue),
            });
            return (
              <li key={bar.key} className="bar-row" data-testid="chart-bar" data-key={bar.key} data-total={bar.total}>
                <span className="bar-label" aria-hidden="true">
                  <span className="bar-name">{bar.name}</span>
                  {bar.within && <span className="bar-within">{bar.within}</span>}
                </span>
                <svg className="bar" width="100%" height="26" role="img" aria-label={label}>
                  {SERIES.map((s) => {
                    const value = bar.values[s];
                    if (!value) return null;
                    const width = (value / max) * 100;
                    const start = x;
                    x += width;
                    return (
                      <g key={s}>
                        <rect x={`${start}%`} y="1" width={`${width}%`} height="24" className={`seg seg-${s}`} data-series={s}>
                          <title>{`${t(`stats.series.${s}`)}: ${f.count(value)}`}</title>
                        </rect>
                        {width >= 7 && (
                          <text x={`${start + width / 2}%`} y="13" className={`seg-text seg-text-${s}`} textAnchor="middle" dominantBaseline="central" aria-hidden="true">
                            {f.count(value)}
                          </text>
                        )}
                      </g>
                    );
                  })}
                </svg>
                <span className="bar-total" aria-hidden="true">
                  {f.count(bar.total)}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      {bars.length > 0 && (
        <p className="hint" id={noteId}>
          {t('stats.chart.totalNote')}
        </p>
      )}
    </figure>
  );
}

// ——— Tables: sortable, with their totals ———

/** The figures' columns, the same for every table; their sort value is also the total's `data-value`. */
function countColumns<R extends Counts>(t: Translate, f: ReturnType<typeof useFormat>): Column<R>[] {
  const count = (key: 'received' | 'online' | 'settledOnTime' | 'settledLate' | 'inProgress' | 'overdue', label: string): Column<R> => ({
    key,
    label,
    cell: (r) => f.count(r[key]),
    sortValue: (r) => r[key],
    numeric: true,
  });
  return [
    count('received', t('stats.col.received')),
    count('online', t('stats.col.online')),
    count('settledOnTime', t('stats.col.onTime')),
    count('settledLate', t('stats.col.late')),
    { key: 'onTimeRate', label: t('stats.col.onTimeRate'), cell: (r) => f.percent(onTimeRateOf(r)), sortValue: onTimeRateOf, numeric: true },
    count('inProgress', t('stats.col.inProgress')),
    count('overdue', t('stats.col.overdue')),
    { key: 'settledDays', label: t('stats.col.days'), cell: (r) => f.decimal(r.settledDays), sortValue: (r) => r.settledDays, numeric: true },
  ];
}

function Tables({
  stats,
  tab,
  setTab,
  period,
  describe,
}: {
  stats: Statistics;
  tab: Tab;
  setTab: (tab: Tab) => void;
  period: string;
  describe: (id: string, fallback: string) => { name: string; within: string | null };
}) {
  const { t } = useI18n();
  const fields = useMemo(() => byField(stats.byProcedure), [stats]);
  const onTabKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = TABS[(TABS.indexOf(tab) + step + TABS.length) % TABS.length]!;
    setTab(next);
    document.getElementById(`stats-tab-${next}`)?.focus();
  };
  return (
    <section className="card table-card stats-tables" aria-labelledby="stats-tables-title">
      <div className="stats-tables-head">
        <h2 id="stats-tables-title">{t('stats.tables')}</h2>
        <span className="hint">{t('stats.sortHint')}</span>
      </div>
      <div className="tabs" role="tablist" aria-labelledby="stats-tables-title" onKeyDown={onTabKey}>
        {TABS.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            id={`stats-tab-${name}`}
            aria-selected={tab === name}
            aria-controls="stats-tab-panel"
            tabIndex={tab === name ? 0 : -1}
            className={tab === name ? 'tab active' : 'tab'}
            onClick={() => setTab(name)}
            data-testid={`stats-tab-${name}`}
          >
            {t(`stats.tab.${name}`)}
          </button>
        ))}
      </div>
      <div id="stats-tab-panel" role="tabpanel" aria-labelledby={`stats-tab-${tab}`}>
        {tab === 'unit' && (
          <StatsTable<UnitRow>
            key="unit"
            caption={t('stats.caption.unit', { period })}
            rows={stats.byUnit}
            rowKey={(r) => r.unitId}
            lead={[
              {
                key: 'unit',
                label: t('stats.col.unit'),
                sortValue: (r) => describe(r.unitId, r.unitName).name,
                cell: (r) => {
                  const unit = describe(r.unitId, r.unitName);
                  return (
                    <>
                      {unit.name}
                      {unit.within && <div className="muted small">{unit.within}</div>}
                    </>
                  );
                },
              },
            ]}
            total={stats.total}
            testId="stats-table-unit"
          />
        )}
        {tab === 'field' && (
          <StatsTable<FieldRow>
            key="field"
            caption={t('stats.caption.field', { period })}
            rows={fields}
            rowKey={(r) => r.field}
            lead={[{ key: 'field', label: t('stats.col.field'), sortValue: (r) => r.field, cell: (r) => r.field || <span className="muted">{t('stats.noField')}</span> }]}
            total={stats.total}
            testId="stats-table-field"
          />
        )}
        {tab === 'procedure' && (
          <StatsTable<ProcedureRow>
            key="procedure"
            caption={t('stats.caption.procedure', { period })}
            rows={stats.byProcedure}
            rowKey={(r) => r.code}
            lead={[
              { key: 'code', label: t('stats.col.code'), sortValue: (r) => r.code, cell: (r) => <code>{r.code}</code>, nowrap: true },
              { key: 'name', label: t('stats.col.procedure'), sortValue: (r) => r.name, cell: (r) => <div className="stats-procedure-name">{r.name}</div> },
              { key: 'field', label: t('stats.col.field'), sortValue: (r) => r.field, cell: (r) => r.field },
            ]}
            total={stats.total}
            testId="stats-table-procedure"
          />
        )}
      </div>
    </section>
  );
}

/** The statistics' look (tabular figures, bold totals) around the table; the empty text keeps the panel's. */
const Styled = ({ on, children }: { on: boolean; children: ReactNode }) => (on ? <div className="stats-table">{children}</div> : children);

/** Rows named by their lead columns (the first names the row), every figure sortable, and the period's totals below. */
function StatsTable<R extends Counts>({ caption, rows, rowKey, lead, total, testId }: { caption: string; rows: R[]; rowKey: (r: R) => string; lead: Column<R>[]; total: Counts; testId: string }) {
  const { t } = useI18n();
  const f = useFormat();
  const counts = countColumns<Counts>(t, f);
  const columns: Column<R>[] = [...lead.map((c, i) => (i === 0 ? { ...c, rowHeader: true } : c)), ...countColumns<R>(t, f)];
  return (
    <Styled on={rows.length > 0}>
      <DataTable
        caption={caption}
        columns={columns}
        rows={rows}
        rowKey={rowKey}
        rowProps={(r) => ({ 'data-testid': 'stats-row', 'data-key': rowKey(r) })}
        empty={t('stats.empty')}
        emptyTestId="stats-table-empty"
        testId={testId}
        footer={
          <tr data-testid="stats-total-row">
            <th scope="row" colSpan={lead.length}>
              {t('stats.total')}
            </th>
            {counts.map((c) => (
              <td key={c.key} className="num" data-col={c.key} data-value={c.sortValue!(total) ?? ''}>
                {c.cell(total)}
              </td>
            ))}
          </tr>
        }
      />
    </Styled>
  );
}
