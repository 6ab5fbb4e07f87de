import { useState, type FormEvent, type MouseEvent } from 'react';
import { post, type CaseDetail, type Incident, type IncidentDetail, type IncidentStatus } from '../../api/index.ts';
import { DialogActions, ErrorBox, Field, Loading, Modal, useApi, usePageTitle } from '../../components.tsx';
import { useUnitName } from '../../components/names.ts';
import { formatDateTime, useI18n } from '../../i18n.ts';
import { Link, navigate } from '../../router.tsx';
import { can, useMe } from '../../session.ts';
import { UnitSelect } from '../../UnitSelect.tsx';
import { caseSubject } from './SecurityCases.tsx';

/** Under this many hours left the countdown turns red (the brief of issue 6), under a day amber. */
export const URGENT_HOURS = 12;
const SOON_HOURS = 24;

export function IncidentStatusBadge({ status }: { status: IncidentStatus }) {
  const { t } = useI18n();
  return (
    <span className={`badge incident-status incident-status-${status}`} data-testid="incident-status" data-status={status}>
      {t(`incidentStatus.${status}`)}
    </span>
  );
}

export type DeadlineTone = 'done' | 'overdue' | 'urgent' | 'soon' | 'ok';

/** hoursLeft is whole hours, rounded down (negative once late); null once the authority was notified. */
export function deadlineTone(hoursLeft: number | null, overdue: boolean): DeadlineTone {
  if (hoursLeft === null) return 'done';
  if (overdue) return 'overdue';
  if (hoursLeft < URGENT_HOURS) return 'urgent';
  return hoursLeft < SOON_HOURS ? 'soon' : 'ok';
}

/** "còn 37 giờ", "QUÁ HẠN · quá 5 giờ": the countdown to the 72-hour notification deadline. */
export function Countdown({ hoursLeft, overdue }: { hoursLeft: number | null; overdue: boolean }) {
  const { t } = useI18n();
  const tone = deadlineTone(hoursLeft, overdue);
  if (hoursLeft === null) return null;
  let text: string;
  if (overdue) {
    // floor(): -1 is less than an hour late, -2 more than one hour.
    const late = -hoursLeft - 1;
    text = `${t('incidents.overdue')} · ${late >= 1 ? t('incidents.lateBy', { n: late }) : t('incidents.justLate')}`;
  } else text = hoursLeft < 1 ? t('incidents.underHour') : t('incidents.left', { n: hoursLeft });
  return (
    <span className={`badge countdown countdown-${tone}`} data-testid="countdown" data-tone={tone} data-hours-left={hoursLeft}>
      {text}
    </span>
  );
}

/** The document addressed to the authority is Vietnamese whatever the screen's language: so is its prefill. */
function prefillFromCase(c: CaseDetail, unitName: (unit: { id: string; name: string }) => string): { title: string; description: string } {
  const who = c.account ? `${c.account.fullName} (${c.account.username})` : `khóa kết nối ${c.clientId ?? ''}`;
  const alerts = [...c.items].sort((a, b) => a.at.localeCompare(b.at));
  const lines = alerts.map((a) => `- ${formatDateTime(a.at)}: ${a.explanationVi}`);
  const description = [
    `Hệ thống giám sát phát hiện ${alerts.length} cảnh báo về tài khoản ${who}${c.unit ? `, ${unitName(c.unit)}` : ''}; vụ việc mở lúc ${formatDateTime(c.openedAt)}, đã được xác minh và xác nhận vi phạm:`,
    ...lines,
  ].join('\n');
  return { title: `Sự cố an toàn thông tin liên quan đến tài khoản ${who}`.slice(0, 300), description: description.slice(0, 10_000) };
}

const pad = (n: number) => String(n).padStart(2, '0');
/** The value of a datetime-local input for an instant, in the browser's time zone. */
function localInput(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** R19: an incident from a confirmed case (prefilled from its alerts), or by hand; the page goes to it once opened. */
export function IncidentForm({ fromCase, onClose }: { fromCase?: CaseDetail; onClose: () => void }) {
  const { t } = useI18n();
  const unitName = useUnitName();
  const [initial] = useState(() => (fromCase ? prefillFromCase(fromCase, unitName) : { title: '', description: '' }));
  const [title, setTitle] = useState(initial.title);
  const [description, setDescription] = useState(initial.description);
  const [detectedAt, setDetectedAt] = useState('');
  const [unitId, setUnitId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [now] = useState(() => Date.now());
  const ready = title.trim().length >= 5 && description.trim().length >= 10;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready || busy) return;
    setBusy(true);
    setError(null);
    try {
      const opened = await post<IncidentDetail>('/api/incidents', {
        ...(fromCase ? { caseId: fromCase.id } : {}),
        ...(!fromCase && unitId ? { unitId } : {}),
        title: title.trim(),
        description: description.trim(),
        ...(detectedAt ? { detectedAt: new Date(detectedAt).toISOString() } : {}),
      });
      navigate(`/incidents/${opened.id}`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  const fallback = fromCase ? t('incidentForm.detectedCase', { time: formatDateTime(fromCase.openedAt) }) : t('incidentForm.detectedNow');
  return (
    <Modal title={t('incidentForm.title')} onClose={onClose} testId="incident-form" wide>
      <form onSubmit={submit} autoComplete="off" noValidate>
        {fromCase && <p className="modal-text">{t('incidentForm.fromCase', { who: caseSubject(fromCase, t) })}</p>}
        <Field label={t('incidentForm.name')} required>
          {(id) => <input id={id} name="title" maxLength={300} value={title} onChange={(e) => setTitle(e.target.value)} required autoFocus={!fromCase} data-testid="incident-title" />}
        </Field>
        <Field label={t('incidentForm.description')} hint={t('incidentForm.descriptionHint')} required>
          {(id, hint) => (
            <textarea id={id} name="description" rows={fromCase ? 9 : 5} maxLength={10_000} value={description} onChange={(e) => setDescription(e.target.value)} aria-describedby={hint} required data-testid="incident-description" />
          )}
        </Field>
        <div className="form-grid">
          <Field label={t('incidentForm.detectedAt')} hint={t('incidentForm.detectedAtHint', { fallback })}>
            {(id, hint) => <input id={id} name="detectedAt" type="datetime-local" max={localInput(now)} value={detectedAt} onChange={(e) => setDetectedAt(e.target.value)} aria-describedby={hint} data-testid="incident-detected-at" />}
          </Field>
          {!fromCase && (
            <Field label={t('incidentForm.unit')} hint={t('incidentForm.unitHint')}>
              {(id, hint) => <UnitSelect id={id} name="unitId" value={unitId} onChange={setUnitId} emptyLabel={t('incidentForm.chooseUnit')} describedBy={hint} testId="incident-unit" />}
            </Field>
          )}
        </div>
        <ErrorBox error={error} testId="dialog-error" />
        <DialogActions onCancel={onClose} label={t('incidentForm.title')} disabled={!ready || busy} testId="incident-submit" />
      </form>
    </Modal>
  );
}

export function IncidentsPage() {
  const { t } = useI18n();
  const me = useMe();
  const unitName = useUnitName();
  usePageTitle(t('incidents.title'));
  const { data, error } = useApi<{ items: Incident[] }>('/api/incidents');
  const [creating, setCreating] = useState(false);
  const open = (event: MouseEvent<HTMLTableRowElement>, id: string) => {
    if ((event.target as HTMLElement).closest('a, button')) return;
    navigate(`/incidents/${id}`);
  };
  return (
    <div className="page" data-testid="incidents-page">
      <div className="page-head">
        <h1>{t('incidents.title')}</h1>
        {can(me, 'incidents.manage') && (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="incident-new">
            + {t('incidents.new')}
          </button>
        )}
      </div>
      <p className="muted">{t('incidents.intro')}</p>
      <ErrorBox error={error} />
      {!data && !error && <Loading />}
      {data && (
        <section className="card table-card">
          {data.items.length === 0 ? (
            <p className="muted" data-testid="incidents-empty">
              {t('incidents.empty')}
            </p>
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="incidents-table">
                <thead>
                  <tr>
                    <th>{t('incidents.col.code')}</th>
                    <th>{t('incidents.col.title')}</th>
                    <th>{t('incidents.col.status')}</th>
                    <th>{t('incidents.col.deadline')}</th>
                    <th className="num">{t('incidents.col.affected')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((i) => (
                    <tr key={i.id} className={i.status === 'closed' ? 'row-clickable row-closed' : 'row-clickable'} onClick={(e) => open(e, i.id)} data-testid="incident-row" data-code={i.code} data-status={i.status}>
                      <td className="nowrap">
                        <Link to={`/incidents/${i.id}`}>
                          <code>{i.code}</code>
                        </Link>
                      </td>
                      <td>
                        {i.title}
                        <div className="muted small">
                          {unitName(i.unit)} · {t('incident.detectedAt')} {formatDateTime(i.detectedAt)}
                        </div>
                      </td>
                      <td>
                        <IncidentStatusBadge status={i.status} />
                      </td>
                      <td>
                        <span className="nowrap">{formatDateTime(i.notifyBy)}</span>
                        <div>{i.notifiedAt ? <span className="muted small">{t('incidents.notified', { time: formatDateTime(i.notifiedAt) })}</span> : <Countdown hoursLeft={i.hoursLeft} overdue={i.overdue} />}</div>
                      </td>
                      <td className="num">{i.affected.toLocaleString('vi-VN')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
      {creating && <IncidentForm onClose={() => setCreating(false)} />}
    </div>
  );
}
