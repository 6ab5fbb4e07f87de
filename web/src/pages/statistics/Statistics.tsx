import { useEffect, useId, useMemo, useState, type KeyboardEvent, type ReactNode } from 'react';
import { query, saveFile, useRoles, useUnits, type Statistics, type Unit } from '../../api/index.ts';
import { ErrorBox, Field, Loading, Notice, useApi, usePageTitle } from '../../components.tsx';
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

const pad = (n: number) => String(n).padStart(2, '0');
const isoDay = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** First and last day of a preset period, in the officer's (Vietnam) calendar. */
function presetRange(preset: Exclude<Preset, 'custom'>, today = new Date()): { from: string; to: string } {
  const y = today.getFullYear();
  const m = today.getMonth();
  const range = (from: Date, to: Date) => ({ from: isoDay(from), to: isoDay(to) });
  switch (preset) {
    case 'month':
      return range(new Date(y, m, 1), new Date(y, m + 1, 0));
    case 'lastMonth':
      return range(new Date(y, m - 1, 1), new Date(y, m, 0));
    case 'quarter':
      return range(new Date(y, m - (m % 3), 1), new Date(y, m - (m % 3) + 3, 0));
    case 'year':
      return range(new Date(y, 0, 1), new Date(y, 11, 31));
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
    const granting = new Set(roles.filter((r) => r.permissions.includes('statistics.read')).map((r) => r.role));
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
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const [exported, setExported] = useState<string | null>(null);

  // A unit from the address outside the officer's scope falls back to their own.
  const unitId = scope.ready ? (scope.allows(selection.unitId) ? selection.unitId : (scope.roots[0]?.id ?? '')) : '';
  const datesChosen = ISO_DAY.test(selection.from) && ISO_DAY.test(selection.to);
  const params = datesChosen && unitId ? query({ from: selection.from, to: selection.to, unitId }) : null;
  const { data, error, loading } = useApi<Statistics>(params === null ? null : `/api/statistics${params}`);

  useEffect(() => {
    const kept = selection.preset === 'custom' ? { from: selection.from, to: selection.to } : {};
    history.replaceState(null, '', `/statistics${query({ period: selection.preset, ...kept, unitId: selection.unitId })}`);
  }, [selection]);

  const change = (next: Partial<Selection>) => {
    setSelection((s) => ({ ...s, ...next }));
    setExported(null);
    setExportError(null);
  };
  const choosePreset = (preset: Preset) => change(preset === 'custom' ? { preset } : { preset, ...presetRange(preset) });

  const exportWorkbook = async () => {
    if (!params || exporting) return;
    setExporting(true);
    setExportError(null);
    setExported(null);
    try {
      setExported(await saveFile(`/api/statistics/export${params}`));
    } catch (e) {
      setExportError(e);
    } finally {
      setExporting(false);
    }
  };

  const stats = error ? undefined : data;
  const period = stats ? t('stats.showing', { unit: scope.ready ? scope.describe(stats.unit.id, stats.unit.name).name : stats.unit.name, from: showDay(stats.from), to: showDay(stats.to) }) : '';

  return (
    <div className="page page-wide" data-testid="statistics-page">
      <div className="page-head">
        <h1>{t('stats.title')}</h1>
        <div className="button-row">
          <button type="button" className="btn" onClick={() => void exportWorkbook()} disabled={!params || exporting} data-testid="stats-export">
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
        <ErrorBox error={exportError} testId="export-error" />
        {exported && (
          <Notice kind="success" testId="export-done">
            {t('stats.exported', { file: exported })}
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
      value: indicators.averageSettledDays === null ? t('common.none') : t('stats.kpi.days', { n: f.decimal(indicators.averageSettledDays) }),
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

interface Column<R> {
  key: string;
  label: string;
  value: (r: R) => number | string | null;
  render?: (r: R) => ReactNode;
  numeric?: boolean;
  className?: string;
}

function countColumns(t: Translate, f: ReturnType<typeof useFormat>): Column<Counts>[] {
  const count = (key: 'received' | 'online' | 'settledOnTime' | 'settledLate' | 'inProgress' | 'overdue', label: string): Column<Counts> => ({
    key,
    label,
    value: (r) => r[key],
    render: (r) => f.count(r[key]),
    numeric: true,
  });
  return [
    count('received', t('stats.col.received')),
    count('online', t('stats.col.online')),
    count('settledOnTime', t('stats.col.onTime')),
    count('settledLate', t('stats.col.late')),
    { key: 'onTimeRate', label: t('stats.col.onTimeRate'), value: onTimeRateOf, render: (r) => f.percent(onTimeRateOf(r)), numeric: true },
    count('inProgress', t('stats.col.inProgress')),
    count('overdue', t('stats.col.overdue')),
    { key: 'settledDays', label: t('stats.col.days'), value: (r) => r.settledDays, render: (r) => f.decimal(r.settledDays), numeric: true },
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
  const f = useFormat();
  const counts = countColumns(t, f);
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
          <SortableTable<UnitRow>
            key="unit"
            caption={t('stats.caption.unit', { period })}
            rows={stats.byUnit}
            rowKey={(r) => r.unitId}
            lead={[
              {
                key: 'unit',
                label: t('stats.col.unit'),
                value: (r) => describe(r.unitId, r.unitName).name,
                render: (r) => {
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
            counts={counts}
            total={stats.total}
            testId="stats-table-unit"
          />
        )}
        {tab === 'field' && (
          <SortableTable<FieldRow>
            key="field"
            caption={t('stats.caption.field', { period })}
            rows={fields}
            rowKey={(r) => r.field}
            lead={[{ key: 'field', label: t('stats.col.field'), value: (r) => r.field, render: (r) => r.field || <span className="muted">{t('stats.noField')}</span> }]}
            counts={counts}
            total={stats.total}
            testId="stats-table-field"
          />
        )}
        {tab === 'procedure' && (
          <SortableTable<ProcedureRow>
            key="procedure"
            caption={t('stats.caption.procedure', { period })}
            rows={stats.byProcedure}
            rowKey={(r) => r.code}
            lead={[
              { key: 'code', label: t('stats.col.code'), value: (r) => r.code, render: (r) => <code>{r.code}</code>, className: 'nowrap' },
              { key: 'name', label: t('stats.col.procedure'), value: (r) => r.name, className: 'stats-procedure-name' },
              { key: 'field', label: t('stats.col.field'), value: (r) => r.field },
            ]}
            counts={counts}
            total={stats.total}
            testId="stats-table-procedure"
          />
        )}
      </div>
    </section>
  );
}

function SortableTable<R extends Counts>({
  caption,
  rows,
  rowKey,
  lead,
  counts,
  total,
  testId,
}: {
  caption: string;
  rows: R[];
  rowKey: (r: R) => string;
  lead: Column<R>[];
  counts: Column<Counts>[];
  total: Counts;
  testId: string;
}) {
  const { t, lang } = useI18n();
  const [sort, setSort] = useState<{ key: string; descending: boolean } | null>(null);
  const columns: Column<R>[] = [...lead, ...counts];
  const column = sort && columns.find((c) => c.key === sort.key);
  let sorted = rows;
  if (sort && column) {
    const collator = new Intl.Collator(lang === 'vi' ? 'vi' : 'en', { numeric: true, sensitivity: 'base' });
    const direction = sort.descending ? -1 : 1;
    sorted = [...rows].sort((a, b) => {
      const x = column.value(a);
      const y = column.value(b);
      // blanks (no rate, no average) last whichever the direction
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
      return direction * (typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y)));
    });
  }
  const toggle = (column: Column<R>) =>
    setSort((s) => (s?.key === column.key ? { key: column.key, descending: !s.descending } : { key: column.key, descending: !!column.numeric }));

  if (rows.length === 0) {
    return (
      <p className="muted" data-testid="stats-table-empty">
        {t('stats.empty')}
      </p>
    );
  }
  return (
    <div className="table-wrap">
      <table className="table stats-table" data-testid={testId}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => {
              const state = sort?.key === c.key ? (sort.descending ? 'descending' : 'ascending') : undefined;
              return (
                <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined} aria-sort={state}>
                  <button type="button" className="sort-button" onClick={() => toggle(c)} data-testid={`sort-${c.key}`}>
                    {c.label}
                    <span className={state ? 'sort-mark active' : 'sort-mark'} aria-hidden="true">
                      {state === 'ascending' ? '▲' : state === 'descending' ? '▼' : '↕'}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={rowKey(r)} data-testid="stats-row" data-key={rowKey(r)}>
              {lead.map((c, i) =>
                i === 0 ? (
                  <th key={c.key} scope="row" className={c.className}>
                    {c.render ? c.render(r) : c.value(r)}
                  </th>
                ) : (
                  <td key={c.key} className={c.className}>
                    {c.render ? c.render(r) : c.value(r)}
                  </td>
                ),
              )}
              {counts.map((c) => (
                <td key={c.key} className="num" data-col={c.key}>
                  {c.render!(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr data-testid="stats-total-row">
            <th scope="row" colSpan={lead.length}>
              {t('stats.total')}
            </th>
            {counts.map((c) => (
              <td key={c.key} className="num" data-col={c.key} data-value={c.value(total) ?? ''}>
                {c.render!(total)}
              </td>
            ))}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
