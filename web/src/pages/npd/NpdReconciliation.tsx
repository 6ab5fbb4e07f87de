import { useState, type FormEvent } from 'react';
import { get, query, type Reconciliation } from '../../api/index.ts';
import { ErrorBox, Field, Notice, usePageTitle, useSubmit } from '../../components.tsx';
import { LookupOutcomeBadge } from '../../components/badges.tsx';
import { formatDateTimeSeconds, isMessageKey, useI18n } from '../../i18n.ts';

const HOUR = 60 * 60 * 1000;
const pad = (n: number) => String(n).padStart(2, '0');

/** The value of a datetime-local input for an instant, in the browser's time zone. */
function localInput(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value as an ISO instant (the browser reads it in its own time zone). */
const instant = (value: string): string | null => {
  const at = new Date(value);
  return value && !Number.isNaN(at.getTime()) ? at.toISOString() : null;
};

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
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th>{t('npdRec.col.at')}</th>
                    <th>{t('npdRec.col.service')}</th>
                    <th>{t('npdRec.col.requestId')}</th>
                    <th>{t('npdRec.col.unitCode')}</th>
                    <th>{t('npdRec.col.officer')}</th>
                    <th>{t('npdRec.col.outcome')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.unrecorded.map((e, i) => (
                    <tr key={`${e.requestId}-${i}`} className="row-danger" data-testid="unrecorded-row">
                      <td className="nowrap">{formatDateTimeSeconds(e.at)}</td>
                      <td>{service(e.service)}</td>
                      <td>
                        <code className="hash-full">{e.requestId}</code>
                      </td>
                      <td>
                        <code>{e.unitCode}</code>
                      </td>
                      <td>
                        <code>{e.officer}</code>
                      </td>
                      <td>{e.outcome}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
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
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th>{t('npdRec.col.startedAt')}</th>
                    <th>{t('npdRec.col.lookupId')}</th>
                    <th>{t('npdRec.col.outcome')}</th>
                    <th>{t('npdRec.col.explanation')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.unanswered.map((r) => (
                    <tr key={r.id} data-testid="unanswered-row" data-explanation={r.explanation}>
                      <td className="nowrap">{formatDateTimeSeconds(r.startedAt)}</td>
                      <td>
                        <code className="hash-full">{r.id}</code>
                      </td>
                      <td>
                        <LookupOutcomeBadge outcome={r.outcome} />
                      </td>
                      <td>{t(`npdRec.explanation.${r.explanation}`)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
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
  const [range, setRange] = useState(lastDay);
  const [report, setReport] = useState<Reconciliation | null>(null);
  const from = instant(range.from);
  const to = instant(range.to);
  const invalid = !!from && !!to && from >= to;
  const { busy, error, submit } = useSubmit(async () => {
    if (!from || !to || invalid) return;
    setReport(await get<Reconciliation>(`/api/npd/reconciliation${query({ from, to })}`));
  });
  const run = (event: FormEvent) => void submit(event);

  return (
    <div className="page" data-testid="npd-reconciliation-page">
      <div className="page-head">
        <h1>{t('npdRec.title')}</h1>
      </div>
      <p className="muted">{t('npdRec.intro')}</p>
      <section className="card">
        <form className="toolbar rec-period" onSubmit={run} autoComplete="off" noValidate data-testid="reconciliation-form">
          <Field label={t('npdRec.from')} required>
            {(id) => (
              <input id={id} name="from" type="datetime-local" value={range.from} onChange={(e) => setRange((r) => ({ ...r, from: e.target.value }))} aria-invalid={invalid} required data-testid="rec-from" />
            )}
          </Field>
          <Field label={t('npdRec.to')} required hint={invalid ? t('npdRec.rangeInvalid') : undefined}>
            {(id, hint) => (
              <input
                id={id}
                name="to"
                type="datetime-local"
                value={range.to}
                onChange={(e) => setRange((r) => ({ ...r, to: e.target.value }))}
                aria-invalid={invalid}
                aria-describedby={hint}
                required
                data-testid="rec-to"
              />
            )}
          </Field>
          <div className="toolbar-buttons">
            <button type="button" className="btn" onClick={() => setRange(lastDay())}>
              {t('npdRec.last24h')}
            </button>
            <button type="submit" className="btn btn-primary" disabled={busy || !from || !to || invalid} data-testid="rec-run">
              {busy ? t('npdRec.running') : t('npdRec.run')}
            </button>
          </div>
        </form>
        <ErrorBox error={error} />
        {!report && !error && <p className="muted">{t('npdRec.notRun')}</p>}
      </section>
      {report && <Report report={report} />}
    </div>
  );
}
