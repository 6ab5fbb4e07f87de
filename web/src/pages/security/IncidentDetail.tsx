import { useMutation } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { $api, queryClient, saveFile, type IncidentDetail } from '../../api/index.ts';
import { ConfirmDialog, ErrorBox, Notice, usePageTitle } from '../../components.tsx';
import { Loaded } from '../../components/Loaded.tsx';
import { useUnitName } from '../../components/names.ts';
import { formatDateTime, useI18n, type MessageKey } from '../../i18n.ts';
import { Link } from '../../router.tsx';
import { can, useMe } from '../../session.ts';
import { deadlineTone, IncidentStatusBadge } from './Incidents.tsx';

/** The 72-hour deadline, big: what is left, that it has passed, or when the authority was told. */
function DeadlinePanel({ incident }: { incident: IncidentDetail }) {
  const { t } = useI18n();
  const tone = deadlineTone(incident.hoursLeft, incident.overdue);
  const deadline = formatDateTime(incident.notifyBy);
  if (incident.notifiedAt) {
    const late = Date.parse(incident.notifiedAt) > Date.parse(incident.notifyBy);
    return (
      <section className={`deadline-panel deadline-panel-${late ? 'late' : 'done'}`} data-testid="incident-deadline" data-tone={tone}>
        <p className="deadline-panel-main">{t(late ? 'incident.notifiedLate' : 'incident.notifiedOnTime', { time: formatDateTime(incident.notifiedAt), deadline })}</p>
      </section>
    );
  }
  const hours = incident.hoursLeft ?? 0;
  return (
    <section className={`deadline-panel deadline-panel-${tone}`} role={tone === 'overdue' || tone === 'urgent' ? 'alert' : undefined} data-testid="incident-deadline" data-tone={tone} data-hours-left={hours}>
      {incident.overdue ? (
        <>
          <p className="deadline-panel-main">
            <strong className="deadline-panel-late-word">{t('incident.deadlineLate')}</strong> {t('incident.deadline', { time: deadline })}
          </p>
          <p>{t('incident.deadlineLateText', { time: deadline })}</p>
        </>
      ) : (
        <p className="deadline-panel-main">
          {t('incident.deadline', { time: deadline })} <strong className="nowrap">{hours < 1 ? t('incident.deadlineUnderHour') : t('incident.deadlineLeft', { n: hours })}</strong>
        </p>
      )}
      <p className="small">{t('incident.deadlineRule', { time: formatDateTime(incident.detectedAt) })}</p>
    </section>
  );
}

type Move = 'notified' | 'closed';

export function IncidentDetailPage({ id }: { id: string }) {
  const { t } = useI18n();
  const query = $api.useQuery('get', '/api/incidents/{id}', { params: { path: { id } } });
  usePageTitle(query.data ? query.data.code : t('incidents.title'));
  if (!query.data) {
    return (
      <div className="page">
        <Loaded query={query}>{() => null}</Loaded>
      </div>
    );
  }
  return <IncidentView incident={query.data} />;
}

function IncidentView({ incident }: { incident: IncidentDetail }) {
  const { t } = useI18n();
  const me = useMe();
  const unitName = useUnitName();
  const init = { params: { path: { id: incident.id } } };
  const notify = $api.useMutation('post', '/api/incidents/{id}/notified');
  const close = $api.useMutation('post', '/api/incidents/{id}/close');
  // the notice is a file: saved by the browser, its name shown once it is
  const download = useMutation({ mutationFn: () => saveFile(`/api/incidents/${incident.id}/notice.docx`) });
  const [moving, setMoving] = useState<Move | null>(null);
  const [done, setDone] = useState<Move | null>(null);

  const fact = (label: MessageKey, value: ReactNode, testId?: string) => (
    <>
      <dt>{t(label)}</dt>
      <dd data-testid={testId}>{value}</dd>
    </>
  );
  const mayNotify = incident.mayManage && incident.status === 'open';
  const mayClose = incident.mayManage && incident.status !== 'closed';

  return (
    <div className="page" data-testid="incident-page" data-status={incident.status}>
      <p className="breadcrumb">
        <Link to="/incidents">{t('incidents.title')}</Link> › <span>{incident.code}</span>
      </p>
      <div className="page-head">
        <h1>
          <code className="dossier-code" data-testid="incident-code">
            {incident.code}
          </code>
          <IncidentStatusBadge status={incident.status} />
        </h1>
      </div>
      <p className="dossier-procedure" data-testid="incident-title">
        {incident.title}
      </p>
      {done && (
        <Notice kind="success" testId="incident-done">
          {t(`incident.done.${done}`)}
        </Notice>
      )}
      {incident.status === 'closed' && incident.closedAt && <Notice testId="incident-closed">{t('incident.closedState', { time: formatDateTime(incident.closedAt) })}</Notice>}
      <DeadlinePanel incident={incident} />

      <div className="cards">
        <section className="card" aria-labelledby="incident-facts-title">
          <h2 id="incident-facts-title">{t('incident.facts')}</h2>
          <dl className="facts" data-testid="incident-facts">
            {fact('incident.unit', unitName(incident.unit))}
            {fact('incident.detectedAt', formatDateTime(incident.detectedAt))}
            {fact(
              'incident.openedBy',
              <>
                {incident.openedBy.fullName} <code className="muted">{incident.openedBy.username}</code> · {formatDateTime(incident.openedAt)}
              </>,
            )}
            {fact('incident.case', incident.caseId ? can(me, 'monitoring.read') ? <Link to={`/security/cases/${incident.caseId}`}>{t('incident.caseLink')}</Link> : t('incident.caseLink') : <span className="muted">{t('incident.byHand')}</span>)}
            {fact('incident.affected', t('incident.affectedText', { n: incident.affected.toLocaleString('vi-VN') }), 'incident-affected')}
            {incident.closedAt && fact('incident.closedAt', formatDateTime(incident.closedAt))}
          </dl>
          <h3 className="subhead">{t('incident.description')}</h3>
          <p className="pre-line" data-testid="incident-description">
            {incident.description}
          </p>
        </section>
        <section className="card card-aside" aria-labelledby="incident-actions-title" data-testid="incident-actions">
          <h2 id="incident-actions-title">{t('incident.notice')}</h2>
          <p className="small muted">{t('incident.noticeText')}</p>
          <button type="button" className="btn btn-block" onClick={() => download.mutate()} disabled={download.isPending} data-testid="incident-notice">
            ⤓ {download.isPending ? t('incident.downloading') : t('incident.download')}
          </button>
          <ErrorBox error={download.error} testId="download-error" />
          {download.data && <Notice kind="success">{t('incident.downloaded', { file: download.data })}</Notice>}
          {(mayNotify || mayClose) && (
            <>
              <h3 className="subhead">{t('incident.actions')}</h3>
              <div className="action-list">
                {mayNotify && (
                  <button type="button" className="btn btn-primary" onClick={() => setMoving('notified')} data-testid="incident-mark-notified">
                    {t('incident.markNotified')}
                  </button>
                )}
                {mayClose && (
                  <button type="button" className="btn" onClick={() => setMoving('closed')} data-testid="incident-close">
                    {t('incident.close')}
                  </button>
                )}
              </div>
            </>
          )}
          {!incident.mayManage && <p className="hint">{t('incident.readOnly')}</p>}
        </section>
      </div>

      {moving && (
        <ConfirmDialog
          title={moving === 'notified' ? t('incident.notifiedTitle') : t('incident.closeTitle', { code: incident.code })}
          text={
            moving === 'notified' ? (
              <p>{t('incident.notifiedText', { code: incident.code })}</p>
            ) : (
              <>
                <p>{t('incident.closeText')}</p>
                {incident.status === 'open' && <Notice kind="warning">{t('incident.closeUnnotified')}</Notice>}
              </>
            )
          }
          confirmLabel={moving === 'notified' ? t('incident.markNotified') : t('incident.close')}
          requireReason
          onClose={() => setMoving(null)}
          onConfirm={async (reason) => {
            const next = await (moving === 'notified' ? notify : close).mutateAsync({ ...init, body: { reason } });
            // the move answers the incident as it now is
            queryClient.setQueryData($api.queryOptions('get', '/api/incidents/{id}', init).queryKey, next);
            setDone(moving);
            setMoving(null);
          }}
          testId="incident-move-dialog"
        />
      )}
    </div>
  );
}
