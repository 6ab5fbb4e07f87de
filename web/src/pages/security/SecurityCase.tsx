import { useState, type ReactNode } from 'react';
import { z } from 'zod';
import { CASE_STATUSES, triageBody } from '../../../../common/schemas/monitoring.ts';
import { $api, queryClient, type CaseAlert, type CaseDetail, type CaseStatus } from '../../api/index.ts';
import { ErrorBox, Notice, usePageTitle } from '../../components.tsx';
import { FormField, useZodForm } from '../../components/form.tsx';
import { Loaded } from '../../components/Loaded.tsx';
import { useUnitName } from '../../components/names.ts';
import { formatDateTime, useI18n, type MessageKey } from '../../i18n.ts';
import { Link } from '../../router.tsx';
import { can, useMe } from '../../session.ts';
import { IncidentForm } from './Incidents.tsx';
import { CaseStatusBadge, caseSubject, SeverityBadge } from './SecurityCases.tsx';

/** Where a case may go next (the server checks again): new → investigating → dismissed or confirmed. */
const NEXT: Record<CaseStatus, CaseStatus[]> = { new: ['investigating', 'dismissed', 'confirmed'], investigating: ['dismissed', 'confirmed'], dismissed: [], confirmed: [] };

function figure(value: unknown): string {
  if (typeof value === 'number') return value.toLocaleString('vi-VN');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function AlertItem({ alert }: { alert: CaseAlert }) {
  const { t, lang } = useI18n();
  const figures = Object.entries(alert.details);
  return (
    <li className={`alert-item alert-item-${alert.severity}`} data-testid="case-alert" data-rule={alert.rule} data-severity={alert.severity}>
      <div className="alert-item-head">
        <SeverityBadge severity={alert.severity} />
        <strong>{t(`monitoring.rule.${alert.rule}`)}</strong>
        <time className="muted small alert-item-at" dateTime={alert.at}>
          {t('case.alertAt', { time: formatDateTime(alert.at) })}
        </time>
      </div>
      <p className="alert-item-text" data-testid="case-alert-text">
        {lang === 'vi' ? alert.explanationVi : alert.explanationEn}
      </p>
      <div className="muted small">
        {t('case.raisedAt', { time: formatDateTime(alert.raisedAt) })}
        {alert.citizens > 0 && <> · {t('case.citizens', { n: alert.citizens })}</>}
      </div>
      {figures.length > 0 && (
        <details className="alert-figures">
          <summary>{t('case.figures')}</summary>
          <dl className="facts facts-compact">
            {figures.map(([key, value]) => (
              <div key={key} className="lookup-field">
                <dt>
                  <code>{key}</code>
                </dt>
                <dd>{figure(value)}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </li>
  );
}

function Trail({ notes }: { notes: CaseDetail['notes'] }) {
  const { t } = useI18n();
  if (notes.length === 0) return <p className="muted">{t('case.trailEmpty')}</p>;
  return (
    <ol className="timeline" data-testid="case-trail">
      {notes.map((n, i) => (
        <li key={i} className="timeline-step" data-testid="case-note" data-status={n.status ?? ''}>
          <div className="timeline-head">
            <strong>{n.status ? t('case.trailMove', { status: t(`caseStatus.${n.status}`) }) : t('case.trailNote')}</strong>
            <time className="muted small timeline-at" dateTime={n.at}>
              {formatDateTime(n.at)}
            </time>
          </div>
          <div className="small">
            {n.by ? (
              <>
                {n.by.fullName} <code className="muted">{n.by.username}</code>
              </>
            ) : (
              t('common.none')
            )}
          </div>
          <div className="timeline-note">{n.note}</div>
        </li>
      ))}
    </ol>
  );
}

/** The form's choice of move: "" keeps the case's status and only adds the note. */
const triageFields = triageBody.extend({ status: z.enum(CASE_STATUSES).or(z.literal('')).transform((s) => s || undefined) });

/** R38, R41: the security officer concludes, each step with a note that goes to the journal. */
function TriageForm({ detail, onDone }: { detail: CaseDetail; onDone: (next: CaseDetail) => void }) {
  const { t } = useI18n();
  const moves = NEXT[detail.status];
  const form = useZodForm<z.input<typeof triageFields>, z.output<typeof triageFields>>(triageFields, { status: '', note: '' });
  const triage = $api.useMutation('post', '/api/monitoring/cases/{id}/triage');
  const status = form.watch('status');
  const ready = form.watch('note').trim().length >= 3;
  const submit = form.handleSubmit((body) =>
    triage.mutateAsync({ params: { path: { id: detail.id } }, body }).then(
      (next) => {
        form.reset();
        onDone(next);
      },
      () => {},
    ),
  );
  return (
    <form onSubmit={(e) => void submit(e)} autoComplete="off" noValidate data-testid="triage-form">
      {moves.length === 0 ? (
        <p className="small">{t('case.closed', { status: t(`caseStatus.${detail.status}`) })}</p>
      ) : (
        <fieldset className="channel-choice triage-choice">
          <legend>{t('case.move')}</legend>
          {moves.map((s) => (
            <label key={s} className="radio">
              <input type="radio" {...form.register('status')} value={s} data-testid={`triage-${s}`} />
              <CaseStatusBadge status={s} />
            </label>
          ))}
          <label className="radio">
            <input type="radio" {...form.register('status')} value="" data-testid="triage-keep" />
            {t('case.keep', { status: t(`caseStatus.${detail.status}`) })}
          </label>
        </fieldset>
      )}
      {status === 'confirmed' && <p className="hint">{t('case.confirmHint')}</p>}
      {status === 'dismissed' && <p className="hint">{t('case.dismissHint')}</p>}
      <FormField form={form} name="note" label={t('case.note')} hint={t('case.noteHint')} required>
        {(field) => <textarea {...field} rows={4} maxLength={2000} required data-testid="triage-note" />}
      </FormField>
      <ErrorBox error={triage.error} testId="triage-error" />
      <button type="submit" className={status === 'confirmed' ? 'btn btn-danger btn-block' : 'btn btn-primary btn-block'} disabled={!ready || form.formState.isSubmitting} data-testid="triage-submit">
        {status ? `${t('case.submit')}: ${t(`caseStatus.${status}`)}` : t('case.submit')}
      </button>
    </form>
  );
}

export function SecurityCasePage({ id }: { id: string }) {
  const { t } = useI18n();
  const me = useMe();
  const unitName = useUnitName();
  const init = { params: { path: { id } } };
  const query = $api.useQuery('get', '/api/monitoring/cases/{id}', init);
  const detail = query.data;
  usePageTitle(detail ? t('case.heading', { who: caseSubject(detail, t) }) : t('cases.title'));
  const [done, setDone] = useState(false);
  const [opening, setOpening] = useState(false);

  if (!detail) {
    return (
      <div className="page">
        <Loaded query={query}>{() => null}</Loaded>
      </div>
    );
  }
  const who = caseSubject(detail, t);
  const fact = (label: MessageKey, value: ReactNode) => (
    <>
      <dt>{t(label)}</dt>
      <dd>{value}</dd>
    </>
  );
  const mayOpenIncident = detail.status === 'confirmed' && can(me, 'incidents.manage');

  return (
    <div className="page" data-testid="case-page" data-status={detail.status}>
      <p className="breadcrumb">
        <Link to="/security/cases">{t('cases.title')}</Link> › <span>{who}</span>
      </p>
      <div className="page-head">
        <h1>
          <span data-testid="case-subject">{t('case.heading', { who })}</span>
          <SeverityBadge severity={detail.severity} />
          <CaseStatusBadge status={detail.status} />
        </h1>
      </div>
      {done && (
        <Notice kind="success" testId="triage-done">
          {t('case.done')}
        </Notice>
      )}

      <div className="cards">
        <section className="card" aria-labelledby="case-alerts-title">
          <h2 id="case-alerts-title">{t('case.alerts', { n: detail.items.length })}</h2>
          <ul className="alert-list" data-testid="case-alerts">
            {detail.items.map((a) => (
              <AlertItem key={a.id} alert={a} />
            ))}
          </ul>
        </section>
        <div className="card-stack">
          <section className="card card-aside" aria-labelledby="case-facts-title">
            <h2 id="case-facts-title">{t('case.facts')}</h2>
            <dl className="facts facts-compact" data-testid="case-facts">
              {fact('case.account', detail.account ? can(me, 'accounts.read') ? <Link to={`/accounts/${detail.account.id}`}>{who}</Link> : who : who)}
              {fact('case.unit', detail.unit ? unitName(detail.unit) : t('common.none'))}
              {fact('case.openedAt', formatDateTime(detail.openedAt))}
              {fact('case.updatedAt', formatDateTime(detail.updatedAt))}
            </dl>
          </section>
          {mayOpenIncident && (
            <section className="card card-aside card-danger" aria-labelledby="case-incident-title" data-testid="case-incident">
              <h2 id="case-incident-title">{t('case.incident')}</h2>
              <p className="small">{t('case.incidentText')}</p>
              <button type="button" className="btn btn-danger btn-block" onClick={() => setOpening(true)} data-testid="case-open-incident">
                {t('incidents.new')}
              </button>
            </section>
          )}
          <section className="card card-aside" aria-labelledby="case-triage-title">
            <h2 id="case-triage-title">{t('case.triage')}</h2>
            {detail.mayTriage ? (
              <TriageForm
                detail={detail}
                onDone={(next) => {
                  // the triage answers the case as it now is
                  queryClient.setQueryData($api.queryOptions('get', '/api/monitoring/cases/{id}', init).queryKey, next);
                  setDone(true);
                }}
              />
            ) : (
              <p className="muted">{t('case.readOnly')}</p>
            )}
          </section>
        </div>
      </div>

      <section className="card" aria-labelledby="case-trail-title">
        <h2 id="case-trail-title">{t('case.trail')}</h2>
        <Trail notes={detail.notes} />
      </section>

      {opening && <IncidentForm fromCase={detail} onClose={() => setOpening(false)} />}
    </div>
  );
}
