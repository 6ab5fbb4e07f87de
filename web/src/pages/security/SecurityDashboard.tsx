import { useId, useMemo } from 'react';
import { SEVERITIES, type Severity } from '../../../../common/detection-rules.ts';
import { $api, type NpdSuspension as Suspension, type SecurityDashboard } from '../../api/index.ts';
import { usePageTitle } from '../../components.tsx';
import { DataTable, type Column as TableColumn } from '../../components/DataTable.tsx';
import { Loaded } from '../../components/Loaded.tsx';
import { useUnitName } from '../../components/names.ts';
import { capitalized, targetOf } from '../../components/suspensions.ts';
import { WitnessStatus } from '../../components/WitnessStatus.tsx';
import { formatDateTime, formatDateTimeSeconds, useI18n } from '../../i18n.ts';
import { useFreshWhileActive } from '../../polling.ts';
import { Link } from '../../router.tsx';
import { can, useMe } from '../../session.ts';
import { Countdown } from './Incidents.tsx';
import { vietnamWallClock } from '../../../../common/vietnam-time.ts';
import { CheckpointTile } from '../../components/CheckpointTile.tsx';
import { incidentCodeColumn } from './Incidents.tsx';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** The server's day and hour keys are Vietnam's clock: `YYYY-MM-DDTHH:mm` cut to the day or the hour. */
const vietnamKey = (at: number) => vietnamWallClock(new Date(at));
/** An account above this many times its own baseline is shown in red (the rule of thumb of the volume-spike rule). */
const SPIKE_RATIO = 3;
/** The detector reads the journal in batches of 5,000 every second: more than a batch behind is worth a look. */
const DETECTOR_LAG_WARN = 5000;
const SEVERITY_ORDER = [...SEVERITIES].reverse();

function useNumber() {
  const { lang } = useI18n();
  return useMemo(() => {
    const locale = lang === 'vi' ? 'vi-VN' : 'en-GB';
    const count = new Intl.NumberFormat(locale);
    const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    return { count: (n: number) => count.format(n), decimal: (n: number) => decimal.format(n) };
  }, [lang]);
}

/** 1, 2, 5 × 10ⁿ at or above n: a scale a reader takes in at a glance. */
function niceCeiling(n: number): number {
  if (n <= 4) return 4;
  const power = 10 ** Math.floor(Math.log10(n));
  return ([1, 2, 5, 10].find((step) => step * power >= n) ?? 10) * power;
}

// ——— Charts: SVG drawn by React, coloured by CSS classes (the CSP allows no inline style) ———

interface Column {
  key: string;
  /** under the axis, on some columns only */
  tick: string | null;
  /** read aloud and shown on hover */
  label: string;
  value: number;
  /** the part drawn apart at the bottom (not found, mismatch) */
  part?: number;
}

const PLOT_HEIGHT = 150;
const AXIS_HEIGHT = 22;

function ColumnChart({ title, columns, summary, legend, testId }: { title: string; columns: Column[]; summary: string; legend?: { lookups: string; part: string }; testId: string }) {
  const { t } = useI18n();
  const f = useNumber();
  const titleId = useId();
  const max = niceCeiling(Math.max(0, ...columns.map((c) => c.value)));
  const slot = 100 / Math.max(1, columns.length);
  const gap = Math.min(slot * 0.25, 1.2);
  const y = (value: number) => PLOT_HEIGHT - (value / max) * PLOT_HEIGHT;
  // whole numbers only: no "2,5 lookups"
  const grid = [max, max / 2].filter(Number.isInteger);
  return (
    <figure className="card chart" aria-labelledby={titleId} data-testid={testId}>
      <figcaption id={titleId} className="chart-title">
        {title}
      </figcaption>
      {legend && (
        <ul className="chart-legend" aria-label={t('security.chart.legend')}>
          <li>
            <svg className="legend-swatch" width="14" height="14" aria-hidden="true" focusable="false">
              <rect width="14" height="14" rx="2" className="col-bar" />
            </svg>
            {legend.lookups}
          </li>
          <li>
            <svg className="legend-swatch" width="14" height="14" aria-hidden="true" focusable="false">
              <rect width="14" height="14" rx="2" className="col-part" />
            </svg>
            {legend.part}
          </li>
        </ul>
      )}
      <div className="col-chart">
        <svg className="col-axis" width="44" height={PLOT_HEIGHT + AXIS_HEIGHT} aria-hidden="true" focusable="false">
          {grid.map((g) => (
            <text key={g} x="40" y={y(g)} textAnchor="end" dominantBaseline="middle">
              {f.count(g)}
            </text>
          ))}
          <text x="40" y={PLOT_HEIGHT} textAnchor="end" dominantBaseline="middle">
            0
          </text>
        </svg>
        <svg className="col-plot" width="100%" height={PLOT_HEIGHT + AXIS_HEIGHT} role="img" aria-label={`${title}. ${summary}`}>
          {grid.map((g) => (
            <line key={g} x1="0" x2="100%" y1={y(g)} y2={y(g)} className="col-grid" />
          ))}
          <line x1="0" x2="100%" y1={PLOT_HEIGHT} y2={PLOT_HEIGHT} className="col-baseline" />
          {columns.map((c, i) => {
            const x = i * slot + gap / 2;
            const width = slot - gap;
            const part = Math.min(c.part ?? 0, c.value);
            return (
              <g key={c.key} data-testid="chart-column" data-key={c.key} data-value={c.value}>
                <title>{c.label}</title>
                {/* the whole slot answers the pointer, so that a column of 0 still shows its tooltip */}
                <rect x={`${i * slot}%`} y="0" width={`${slot}%`} height={PLOT_HEIGHT} className="col-hit" />
                {c.value > 0 && <rect x={`${x}%`} y={y(c.value)} width={`${width}%`} height={PLOT_HEIGHT - y(c.value)} className="col-bar" />}
                {part > 0 && <rect x={`${x}%`} y={y(part)} width={`${width}%`} height={PLOT_HEIGHT - y(part)} className="col-part" />}
                {c.tick && (
                  <text x={`${i * slot + slot / 2}%`} y={PLOT_HEIGHT + 15} textAnchor="middle" className="col-tick">
                    {c.tick}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
      </div>
      <p className="hint">{summary}</p>
    </figure>
  );
}

interface BarRow {
  key: string;
  name: string;
  within?: string;
  value: number;
  tone?: string;
}

/** One bar per unit, procedure or severity, longest first. */
function BarList({ rows, max, testId, empty }: { rows: BarRow[]; max?: number; testId: string; empty: string }) {
  const { t } = useI18n();
  const f = useNumber();
  if (rows.length === 0) {
    return (
      <p className="muted" data-testid="chart-empty">
        {empty}
      </p>
    );
  }
  const top = Math.max(1, max ?? 0, ...rows.map((r) => r.value));
  return (
    <ul className="bars" data-testid={testId}>
      {rows.map((r) => (
        <li key={r.key} className="bar-row" data-testid="chart-bar" data-key={r.key} data-value={r.value}>
          <span className="bar-label" aria-hidden="true">
            <span className="bar-name">{r.name}</span>
            {r.within && <span className="bar-within">{r.within}</span>}
          </span>
          <svg className="bar" width="100%" height="22" role="img" aria-label={t('security.chart.bar', { name: r.within ? `${r.name} (${r.within})` : r.name, n: r.value })}>
            <rect x="0" y="1" width="100%" height="20" rx="2" className="bar-track" />
            {r.value > 0 && <rect x="0" y="1" width={`${(r.value / top) * 100}%`} height="20" rx="2" className={`hbar ${r.tone ? `hbar-${r.tone}` : ''}`} />}
          </svg>
          <span className="bar-total" aria-hidden="true">
            {f.count(r.value)}
          </span>
        </li>
      ))}
    </ul>
  );
}

// ——— The sections ———

function Kpis({ data, now }: { data: SecurityDashboard; now: number }) {
  const { t } = useI18n();
  const f = useNumber();
  const day = data.perHour.reduce((n, h) => n + h.lookups, 0);
  const month = data.perDay.reduce((n, d) => n + d.lookups, 0);
  const refused = data.perDay.reduce((n, d) => n + d.refusedAtNpd, 0);
  const cases = SEVERITIES.reduce((n, s) => n + (data.openCases[s] ?? 0), 0);
  const critical = data.openCases.critical ?? 0;
  const high = data.openCases.high ?? 0;
  const overdue = data.openIncidents.filter((i) => i.overdue).length;
  const urgent = data.openIncidents.filter((i) => !i.notified && Date.parse(i.notifyBy) - now < 12 * HOUR).length;
  const stopped = data.killSwitch.disconnectedSince !== null;
  const suspensions = data.killSwitch.active.length;
  const behind = data.detector.behind;
  const cards: { id: string; label: string; value: string; sub: string; tone?: 'good' | 'warn' | 'danger'; to?: string; words?: boolean }[] = [
    { id: 'today', label: t('security.kpi.today'), value: f.count(day), sub: t('security.kpi.todaySub', { n: f.decimal(month / 30) }) },
    { id: 'month', label: t('security.kpi.month'), value: f.count(month), sub: t('security.kpi.monthSub', { n: f.count(refused) }) },
    {
      id: 'cases',
      label: t('security.kpi.cases'),
      value: f.count(cases),
      sub: t('security.kpi.casesSub', { n: f.count(critical), h: f.count(high) }),
      tone: critical > 0 ? 'danger' : high > 0 ? 'warn' : cases === 0 ? 'good' : undefined,
      to: '/security/cases',
    },
    {
      id: 'incidents',
      label: t('security.kpi.incidents'),
      value: f.count(data.openIncidents.length),
      sub: overdue > 0 ? t('security.kpi.incidentsOverdue', { n: f.count(overdue) }) : t('security.kpi.incidentsOk'),
      tone: overdue > 0 || urgent > 0 ? 'danger' : data.openIncidents.length > 0 ? 'warn' : 'good',
      to: '/incidents',
    },
    {
      id: 'lookups',
      label: t('security.kpi.lookups'),
      value: stopped ? t('security.kpi.disconnected') : suspensions > 0 ? t('security.kpi.suspended', { n: suspensions }) : t('security.kpi.lookupsOk'),
      sub: stopped ? t('security.killSince', { time: formatDateTime(data.killSwitch.disconnectedSince) }) : suspensions > 0 ? capitalized(targetOf(data.killSwitch.active[0]!, t)) : t('security.kpi.lookupsOkSub'),
      tone: stopped ? 'danger' : suspensions > 0 ? 'warn' : 'good',
      words: true,
    },
    {
      id: 'detector',
      label: t('security.kpi.detector'),
      value: behind > DETECTOR_LAG_WARN ? t('security.kpi.detectorBehind', { n: f.count(behind) }) : t('security.kpi.detectorOk'),
      sub: t('security.kpi.detectorSub') + `: ${f.count(behind)}`,
      tone: behind > DETECTOR_LAG_WARN ? 'warn' : 'good',
      words: true,
    },
  ];
  return (
    <section aria-label={t('security.kpis')}>
      <ul className="kpis security-kpis" data-testid="security-kpis">
        {cards.map((c) => (
          <li key={c.id} className={c.tone ? `kpi kpi-${c.tone}` : 'kpi'} data-testid={`kpi-${c.id}`}>
            <span className="kpi-label">{c.to ? <Link to={c.to}>{c.label}</Link> : c.label}</span>
            <span className={c.words ? 'kpi-value kpi-value-words' : 'kpi-value'}>{c.value}</span>
            <span className="kpi-sub">{c.sub}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function LookupCharts({ data, now }: { data: SecurityDashboard; now: number }) {
  const { t } = useI18n();
  const f = useNumber();
  const days = useMemo(() => {
    const byDay = new Map(data.perDay.map((d) => [d.day, d]));
    return Array.from({ length: 30 }, (_, i) => {
      const key = vietnamKey(now - (29 - i) * DAY).slice(0, 10);
      const found = byDay.get(key);
      const [, m, d] = key.split('-');
      const label = `${d}/${m}`;
      const value = found?.lookups ?? 0;
      const part = found?.refusedAtNpd ?? 0;
      return { key, tick: i % 5 === 4 || i === 0 ? label : null, label: t('security.chart.day', { day: label, n: value, refused: f.count(part) }), value, part };
    });
  }, [data.perDay, now, t, f]);
  const hours = useMemo(() => {
    const byHour = new Map(data.perHour.map((h) => [h.hour, h.lookups]));
    return Array.from({ length: 24 }, (_, i) => {
      const key = vietnamKey(now - (23 - i) * HOUR).slice(0, 13);
      const [date, hour] = key.split('T');
      const [, m, d] = date!.split('-');
      const value = byHour.get(key) ?? 0;
      return { key, tick: i % 3 === 2 ? `${hour}h` : null, label: t('security.chart.hour', { hour: `${hour}:00 ${d}/${m}`, n: value }), value };
    });
  }, [data.perHour, now, t, f]);
  const summaryOf = (columns: Column[], at: (c: Column) => string) => {
    const total = columns.reduce((n, c) => n + c.value, 0);
    const peak = columns.reduce((a, b) => (b.value > a.value ? b : a), columns[0]!);
    return total === 0 ? t('security.chart.empty') : t('security.chart.summary', { total, max: f.count(peak.value), at: at(peak) });
  };
  return (
    <div className="security-charts">
      <ColumnChart
        title={t('security.chart.perDay')}
        columns={days}
        summary={summaryOf(days, (c) => c.key.split('-').reverse().join('/'))}
        legend={{ lookups: t('security.series.lookups'), part: t('security.series.refused') }}
        testId="chart-per-day"
      />
      <ColumnChart title={t('security.chart.perHour')} columns={hours} summary={summaryOf(hours, (c) => `${c.key.slice(11, 13)}:00`)} testId="chart-per-hour" />
    </div>
  );
}

function Breakdown({ data }: { data: SecurityDashboard }) {
  const { t } = useI18n();
  const unitName = useUnitName();
  // The dashboard answers procedure codes only; their names come from the catalogue every officer may read.
  const { data: catalogue } = $api.useQuery('get', '/api/procedures/offered', { params: { query: { status: 'all' } } });
  const procedureName = (code: string) => catalogue?.items.find((p) => p.code === code)?.name;
  return (
    <div className="security-charts">
      <figure className="card chart" data-testid="chart-by-unit">
        <figcaption className="chart-title">{t('security.chart.byUnit')}</figcaption>
        <BarList rows={data.byUnit.map((r) => ({ key: r.unit.id, name: unitName(r.unit), value: r.lookups }))} testId="bars-by-unit" empty={t('security.chart.empty')} />
      </figure>
      <figure className="card chart" data-testid="chart-by-procedure">
        <figcaption className="chart-title">{t('security.chart.byProcedure')}</figcaption>
        <BarList
          rows={data.byProcedure.map((r) => {
            const name = procedureName(r.code);
            return { key: r.code, name: name ?? r.code, within: name ? r.code : undefined, value: r.lookups };
          })}
          testId="bars-by-procedure"
          empty={t('security.chart.empty')}
        />
      </figure>
    </div>
  );
}

type OpenIncident = SecurityDashboard['openIncidents'][number];

function OpenWork({ data, now }: { data: SecurityDashboard; now: number }) {
  const { t } = useI18n();
  const total = SEVERITIES.reduce((n, s) => n + (data.openCases[s] ?? 0), 0);
  const incidentColumns: TableColumn<OpenIncident>[] = [
    incidentCodeColumn(t),
    { key: 'title', label: t('incidents.col.title'), cell: (i) => i.title, sortValue: (i) => i.title },
    {
      key: 'deadline',
      label: t('incidents.col.deadline'),
      cell: (i) => (
        <>
          {i.notified ? (
            <span className="badge incident-status incident-status-notified">{t('incidentStatus.notified')}</span>
          ) : (
            <Countdown hoursLeft={Math.floor((Date.parse(i.notifyBy) - now) / HOUR)} overdue={i.overdue} />
          )}
          <div className="muted small">{t('incident.deadline', { time: formatDateTime(i.notifyBy) })}</div>
        </>
      ),
      sortValue: (i) => i.notifyBy,
    },
  ];
  return (
    <div className="security-charts">
      <section className="card" aria-labelledby="security-cases-title" data-testid="security-cases">
        <div className="card-head">
          <h2 id="security-cases-title">{t('security.cases')}</h2>
          <Link to="/security/cases">{t('security.casesLink')} ›</Link>
        </div>
        {total === 0 ? (
          <p className="muted">{t('security.casesNone')}</p>
        ) : (
          <BarList rows={SEVERITY_ORDER.map((s: Severity) => ({ key: s, name: t(`severity.${s}`), value: data.openCases[s] ?? 0, tone: s }))} testId="bars-by-severity" empty="" />
        )}
      </section>
      <section className="card" aria-labelledby="security-incidents-title" data-testid="security-incidents">
        <div className="card-head">
          <h2 id="security-incidents-title">{t('security.incidents')}</h2>
          <Link to="/incidents">{t('security.incidentsLink')} ›</Link>
        </div>
        <DataTable
          caption={t('security.incidents')}
          columns={incidentColumns}
          rows={data.openIncidents}
          rowKey={(i) => i.id}
          rowHref={(i) => `/incidents/${i.id}`}
          rowProps={(i) => ({ 'data-testid': 'security-incident', 'data-overdue': String(i.overdue) })}
          empty={t('security.incidentsNone')}
        />
      </section>
    </div>
  );
}

/** Today against the account's own usual day: a bar to the ratio, with marks at 1× and at the red line. */
function RatioBar({ today, baseline }: { today: number; baseline: number }) {
  const { t } = useI18n();
  const f = useNumber();
  if (baseline <= 0) return <span className="badge badge-refused">{t('security.noBaseline')}</span>;
  const ratio = today / baseline;
  const scale = Math.max(SPIKE_RATIO * 2, Math.ceil(ratio));
  const at = (r: number) => `${(Math.min(r, scale) / scale) * 100}%`;
  const text = t('security.ratio', { n: f.decimal(ratio) });
  return (
    <span className="ratio">
      <svg className="ratio-bar" width="100%" height="16" role="img" aria-label={text}>
        <rect x="0" y="3" width="100%" height="10" rx="2" className="bar-track" />
        <rect x="0" y="3" width={at(ratio)} height="10" rx="2" className={ratio > SPIKE_RATIO ? 'hbar hbar-critical' : 'hbar'} />
        <line x1={at(1)} x2={at(1)} y1="0" y2="16" className="ratio-mark" />
        <line x1={at(SPIKE_RATIO)} x2={at(SPIKE_RATIO)} y1="0" y2="16" className="ratio-mark ratio-mark-spike" />
      </svg>
      <span className={ratio > SPIKE_RATIO ? 'ratio-text ratio-text-spike' : 'ratio-text'}>{text}</span>
    </span>
  );
}

type TopAccount = SecurityDashboard['topAccounts'][number];
const spike = (a: TopAccount) => a.baseline > 0 && a.today / a.baseline > SPIKE_RATIO;

function TopAccounts({ data }: { data: SecurityDashboard }) {
  const { t } = useI18n();
  const me = useMe();
  const f = useNumber();
  const columns: TableColumn<TopAccount>[] = [
    {
      key: 'account',
      label: t('security.col.account'),
      cell: (a) => (
        <>
          {can(me, 'accounts.read') ? <Link to={`/accounts/${a.account.id}`}>{a.account.fullName}</Link> : a.account.fullName} <code className="muted small">{a.account.username}</code>
        </>
      ),
      sortValue: (a) => a.account.fullName,
    },
    { key: 'today', label: t('security.col.today'), cell: (a) => <span className="strong">{f.count(a.today)}</span>, sortValue: (a) => a.today, numeric: true },
    { key: 'baseline', label: t('security.col.baseline'), cell: (a) => f.decimal(a.baseline), sortValue: (a) => a.baseline, numeric: true },
    {
      key: 'ratio',
      label: t('security.col.ratio'),
      cell: (a) => <RatioBar today={a.today} baseline={a.baseline} />,
      sortValue: (a) => (a.baseline > 0 ? a.today / a.baseline : null),
      numeric: true,
    },
  ];
  return (
    <section className="card table-card" aria-labelledby="security-top-title" data-testid="security-top">
      <div className="table-card-head">
        <h2 id="security-top-title">{t('security.top')}</h2>
        <p className="hint">{t('security.topHint')}</p>
      </div>
      <DataTable
        caption={t('security.top')}
        columns={columns}
        rows={data.topAccounts}
        rowKey={(a) => a.account.id}
        rowProps={(a) => ({ className: spike(a) ? 'row-danger' : undefined, 'data-testid': 'top-account', 'data-spike': String(spike(a)) })}
        empty={t('security.topNone')}
      />
    </section>
  );
}

function KillSwitch({ data }: { data: SecurityDashboard }) {
  const { t } = useI18n();
  const me = useMe();
  const { active, recent, disconnectedSince } = data.killSwitch;
  const history = recent.filter((s) => s.liftedAt);
  const historyColumns: TableColumn<Suspension>[] = [
    { key: 'target', label: t('npdSusp.col.target'), cell: (s) => <strong>{capitalized(targetOf(s, t))}</strong>, sortValue: (s) => targetOf(s, t) },
    { key: 'reason', label: t('npdSusp.col.reason'), cell: (s) => s.reason },
    { key: 'suspended', label: t('npdSusp.col.suspended'), cell: (s) => formatDateTime(s.suspendedAt), sortValue: (s) => s.suspendedAt, nowrap: true },
    {
      key: 'lifted',
      label: t('npdSusp.lifted'),
      cell: (s) => (
        <>
          <span className="nowrap">{formatDateTime(s.liftedAt)}</span>
          {s.liftReason && <div className="muted small">{s.liftReason}</div>}
        </>
      ),
      sortValue: (s) => s.liftedAt,
    },
  ];
  return (
    <section className="card" aria-labelledby="security-kill-title" data-testid="security-kill-switch" data-state={disconnectedSince || active.length ? 'stopped' : 'ok'}>
      <div className="card-head">
        <h2 id="security-kill-title">{t('security.kill')}</h2>
        {can(me, 'npd.audit') && <Link to="/npd/suspensions">{t('security.killManage')} ›</Link>}
      </div>
      {!disconnectedSince && active.length === 0 && (
        <div className="alert alert-success" role="status">
          ✓ {t('security.killOk')}
        </div>
      )}
      {disconnectedSince && (
        <div className="alert alert-error" role="alert">
          <strong>{t('security.killDisconnected', { time: formatDateTime(disconnectedSince) })}</strong>
        </div>
      )}
      {active.length > 0 && (
        <div className="alert alert-warning">
          <strong>{t('security.killActive', { n: active.length })}</strong>
          <ul>
            {active.map((s) => (
              <li key={s.id} data-testid="security-suspension">
                <strong>{capitalized(targetOf(s, t))}</strong>: {s.reason} <span className="small muted">({t('security.killSince', { time: formatDateTime(s.suspendedAt) })})</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {history.length > 0 && (
        <details className="note-details">
          <summary>{t('security.killRecent', { n: history.length })}</summary>
          <DataTable
            caption={t('security.killRecent', { n: history.length })}
            columns={historyColumns}
            rows={history}
            rowKey={(s) => s.id}
            empty=""
          />
        </details>
      )}
    </section>
  );
}

function JournalAndDetector({ data }: { data: SecurityDashboard }) {
  const { t } = useI18n();
  const me = useMe();
  const f = useNumber();
  const behind = data.detector.behind;
  return (
    <section className="card" aria-labelledby="security-journal-title" data-testid="security-journal">
      <div className="card-head">
        <h2 id="security-journal-title">{t('security.journal')}</h2>
        {can(me, 'journal.read') && <Link to="/journal">{t('security.journalLink')} ›</Link>}
      </div>
      {data.journal.failClosed && (
        <div className="alert alert-error" role="alert" data-testid="security-fail-closed">
          <strong>{t('journal.failClosedTitle')}</strong>
          <p>{t('journal.failClosedText')}</p>
        </div>
      )}
      <div className="status-grid">
        <CheckpointTile checkpoint={data.journal.checkpoint} />
        <WitnessStatus status={data.journal} />
        <div className="status-tile" data-testid="security-detector" data-behind={behind}>
          <h3>
            {t('security.detector')}{' '}
            {behind > DETECTOR_LAG_WARN ? <span className="badge badge-refused">{t('security.detectorLag', { n: behind })}</span> : <span className="badge badge-active">{t('security.detectorOk')}</span>}
          </h3>
          <dl className="facts facts-compact">
            <dt>{t('security.detectorPosition')}</dt>
            <dd>{f.count(Math.max(0, data.detector.position + 1))}</dd>
            <dt>{t('security.detectorBehind')}</dt>
            <dd>{f.count(behind)}</dd>
          </dl>
          {behind > DETECTOR_LAG_WARN && <p className="hint">{t('security.detectorLagText')}</p>}
        </div>
      </div>
    </section>
  );
}

export function SecurityDashboardPage() {
  const { t } = useI18n();
  usePageTitle(t('security.title'));
  const dashboard = $api.useQuery('get', '/api/monitoring/dashboard');
  // Kept current while the officer works, like the banner; an idle screen stops asking (R48).
  useFreshWhileActive(dashboard);
  const { data, dataUpdatedAt: at, isFetching: loading } = dashboard;
  const refresh = () => void dashboard.refetch();

  return (
    <div className="page page-wide" data-testid="security-dashboard">
      <div className="page-head">
        <h1>{t('security.title')}</h1>
        <div className="button-row">
          {data && <span className="muted small">{t('security.asOf', { time: formatDateTimeSeconds(new Date(at).toISOString()) })}</span>}
          <button type="button" className="btn" onClick={refresh} disabled={loading} data-testid="security-refresh">
            ↻ {t('security.refresh')}
          </button>
        </div>
      </div>
      <p className="muted">{t('security.intro')}</p>
      <Loaded query={dashboard}>
        {(data) => (
          <div className={loading ? 'stats-body is-loading' : 'stats-body'} aria-busy={loading}>
            <Kpis data={data} now={at} />
            <LookupCharts data={data} now={at} />
            <OpenWork data={data} now={at} />
            <TopAccounts data={data} />
            <Breakdown data={data} />
            <div className="security-charts">
              <KillSwitch data={data} />
              <JournalAndDetector data={data} />
            </div>
          </div>
        )}
      </Loaded>
    </div>
  );
}

