import { useState } from 'react';
import { z } from 'zod';
import { reconciliationPeriod } from '../../../../common/schemas/npd.ts';
import { $api, type Reconciliation } from '../../api/index.ts';
import { ErrorBox, Notice, usePageTitle } from '../../components.tsx';
import { LookupOutcomeBadge } from '../../components/badges.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { FormField, useZodForm } from '../../components/form.tsx';
import { formatDateTimeSeconds, isMessageKey, useI18n } from '../../i18n.ts';
import { fromVietnamWallClock, vietnamWallClock } from '../../../../common/vietnam-time.ts';

const HOUR = 60 * 60 * 1000;
/** The value of a datetime-local input for an instant: Vietnam time, wherever the browser is. */
const localInput = (at: number) => vietnamWallClock(new Date(at));

/** A datetime-local value (Vietnam time) as an ISO instant; the server's schema checks it. */
const instant = z.string().transform((value) => fromVietnamWallClock(value)?.toISOString() ?? value);
/** The period as the officer picks it, checked by the server's own schema. */
const localPeriod = z.object({ from: instant, to: instant }).pipe(reconciliationPeriod);
type Period = z.output<typeof reconciliationPeriod>;

function lastDay() {
  const now = Date.now();
  return { from: localInput(now - 24 * HOUR), to: localInput(now + 60_000) };
}

function Kpi({ label, value, tone, testId }: { label: string; value: number; tone?: 'good' | 'warn' | 'danger'; testId: string }) {
  return (
    <li className={tone ? `kpi kpi-${tone}` : 'kpi'} data-testid={testId}>
      <span className="kpi-label">{label}</span>
      <span className="kpi-value">{value.toLocaleString('vi-VN')}</span>
    </li>
  );
}

function Report({ report }: { report: Reconciliation }) {
  const { t } = useI18n();
  const service = (s: string) => {
    const key = `lookups.service.${s}`;
    return isMessageKey(key) ? t(key) : s;
  };
  const unrecordedColumns: Column<Reconciliation['unrecorded'][number]>[] = [
    { key: 'at', label: t('npdRec.col.at'), cell: (e) => formatDateTimeSeconds(e.at), sortValue: (e) => e.at, nowrap: true },
    { key: 'service', label: t('npdRec.col.service'), cell: (e) => service(e.service), sortValue: (e) => service(e.service) },
    { key: 'requestId', label: t('npdRec.col.requestId'), cell: (e) => <code className="hash-full">{e.requestId}</code> },
    { key: 'unitCode', label: t('npdRec.col.unitCode'), cell: (e) => <code>{e.unitCode}</code>, sortValue: (e) => e.unitCode },
    { key: 'officer', label: t('npdRec.col.officer'), cell: (e) => <code>{e.officer}</code>, sortValue: (e) => e.officer },
    { key: 'outcome', label: t('npdRec.col.outcome'), cell: (e) => e.outcome },
  ];
  const unansweredColumns: Column<Reconciliation['unanswered'][number]>[] = [
    { key: 'startedAt', label: t('npdRec.col.startedAt'), cell: (r) => formatDateTimeSeconds(r.startedAt), sortValue: (r) => r.startedAt, nowrap: true },
    { key: 'lookupId', label: t('npdRec.col.lookupId'), cell: (r) => <code className="hash-full">{r.id}</code> },
    { key: 'outcome', label: t('npdRec.col.outcome'), cell: (r) => <LookupOutcomeBadge outcome={r.outcome} /> },
    { key: 'explanation', label: t('npdRec.col.explanation'), cell: (r) => t(`npdRec.explanation.${r.explanation}`), sortValue: (r) => r.explanation },
  ];
  return (
    <div data-testid="reconciliation-report">
      <p className="stats-period">{t('npdRec.period', { from: formatDateTimeSeconds(report.from), to: formatDateTimeSeconds(report.to) })}</p>
      <ul className="kpis npd-kpis">
        <Kpi label={t('npdRec.npdRequests')} value={report.npdRequests} testId="rec-npd-requests" />
        <Kpi label={t('npdRec.records')} value={report.records} testId="rec-records" />
        <Kpi label={t('npdRec.matched')} value={report.matched} tone="good" testId="rec-matched" />
        <Kpi label={t('npdRec.unrecordedCount')} value={report.unrecorded.length} tone={report.unrecorded.length ? 'danger' : 'good'} testId="rec-unrecorded" />
        <Kpi label={t('npdRec.unansweredCount')} value={report.unanswered.length} tone={report.unanswered.length ? 'warn' : 'good'} testId="rec-unanswered" />
      </ul>
      {report.unrecorded.length === 0 && report.unanswered.length === 0 && (
        <Notice kind="success" testId="reconciliation-ok">
          {t('npdRec.allGood')}
        </Notice>
      )}

      <section className="card rec-danger" aria-labelledby="rec-unrecorded-title" data-testid="reconciliation-unrecorded">
        <h2 id="rec-unrecorded-title">{t('npdRec.unrecorded')}</h2>
        {report.unrecorded.length === 0 ? (
          <p className="muted">{t('npdRec.none')}</p>
        ) : (
          <>
            <div className="alert alert-error" role="alert">
              {t('npdRec.unrecordedText')}
            </div>
            <DataTable
              caption={t('npdRec.unrecorded')}
              columns={unrecordedColumns}
              rows={report.unrecorded}
              rowKey={(e) => `${e.requestId}-${report.unrecorded.indexOf(e)}`}
              rowProps={() => ({ className: 'row-danger', 'data-testid': 'unrecorded-row' })}
              empty={t('npdRec.none')}
            />
          </>
        )}
      </section>

      <section className="card" aria-labelledby="rec-unanswered-title" data-testid="reconciliation-unanswered">
        <h2 id="rec-unanswered-title">{t('npdRec.unanswered')}</h2>
        {report.unanswered.length === 0 ? (
          <p className="muted">{t('npdRec.none')}</p>
        ) : (
          <>
            <p className="hint">{t('npdRec.unansweredText')}</p>
            <DataTable
              caption={t('npdRec.unanswered')}
              columns={unansweredColumns}
              rows={report.unanswered}
              rowKey={(r) => r.id}
              rowProps={(r) => ({ 'data-testid': 'unanswered-row', 'data-explanation': r.explanation })}
              empty={t('npdRec.none')}
            />
          </>
        )}
      </section>
    </div>
  );
}

/** Issue 5 item 7 (R35, R36): the NPD's own log of our requests against our lookup records, for a period. */
export function NpdReconciliationPage() {
  const { t } = useI18n();
  usePageTitle(t('npdRec.title'));
  const form = useZodForm(localPeriod, lastDay());
  // the period last asked for: nothing is asked before the officer runs it (each run is journaled)
  const [period, setPeriod] = useState<Period | null>(null);
  const report = $api.useQuery('get', '/api/npd/reconciliation', { params: { query: period ?? { from: '', to: '' } } }, { enabled: period !== null, placeholderData: (previous) => previous });
  const busy = report.isFetching;
  const run = form.handleSubmit((asked) => {
    if (period && asked.from === period.from && asked.to === period.to) void report.refetch();
    else setPeriod(asked);
  });

  return (
    <div className="page" data-testid="npd-reconciliation-page">
      <div className="page-head">
        <h1>{t('npdRec.title')}</h1>
      </div>
      <p className="muted">{t('npdRec.intro')}</p>
      <section className="card">
        <form className="toolbar rec-period" onSubmit={(e) => void run(e)} autoComplete="off" noValidate data-testid="reconciliation-form">
          <FormField form={form} name="from" label={t('npdRec.from')} required>
            {(field) => <input {...field} type="datetime-local" data-testid="rec-from" />}
          </FormField>
          <FormField form={form} name="to" label={t('npdRec.to')} required>
            {(field) => <input {...field} type="datetime-local" data-testid="rec-to" />}
          </FormField>
          <div className="toolbar-buttons">
            <button type="button" className="btn" onClick={() => form.reset(lastDay())}>
              {t('npdRec.last24h')}
            </button>
            <button type="submit" className="btn btn-primary" disabled={busy} data-testid="rec-run">
              {busy ? t('npdRec.running') : t('npdRec.run')}
            </button>
          </div>
        </form>
        <ErrorBox error={report.error} />
        {!report.data && !report.error && <p className="muted">{t('npdRec.notRun')}</p>}
      </section>
      {report.data && <Report report={report.data} />}
    </div>
  );
}
