import { useState } from 'react';
import { z } from 'zod';
import { openIncidentBody } from '../../../../common/schemas/monitoring.ts';
import { $api, type CaseDetail, type Incident, type IncidentStatus } from '../../api/index.ts';
import { usePageTitle } from '../../components.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { FormDialog, FormField, useZodForm } from '../../components/form.tsx';
import { Loaded } from '../../components/Loaded.tsx';
import { useUnitName } from '../../components/names.ts';
import { formatDateTime, useI18n, type Translate } from '../../i18n.ts';
import { Link, navigate } from '../../router.tsx';
import { can, useMe } from '../../session.ts';
import { UnitSelect } from '../../UnitSelect.tsx';
import { caseSubject } from './SecurityCases.tsx';
import { fromVietnamWallClock, vietnamWallClock } from '../../../../common/vietnam-time.ts';

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

/** The value of a datetime-local input for an instant: Vietnam time, wherever the browser is. */
const localInput = (at: number) => vietnamWallClock(new Date(at));

/** An incident's code, linking to its page: the first column wherever incidents are listed. */
export const incidentCodeColumn = <R extends { id: string; code: string }>(t: Translate): Column<R> => ({
  key: 'code',
  label: t('incidents.col.code'),
  cell: (i) => (
    <Link to={`/incidents/${i.id}`}>
      <code>{i.code}</code>
    </Link>
  ),
  sortValue: (i) => i.code,
  nowrap: true,
});

/** The form of an incident: the unit "" for none, `detectedAt` Vietnam time (datetime-local); the server takes an instant. */
const incidentFields = openIncidentBody.omit({ caseId: true }).extend({
  unitId: z
    .string()
    .transform((id) => id || undefined)
    .pipe(openIncidentBody.shape.unitId),
  detectedAt: z
    .string()
    .transform((local) => (local ? (fromVietnamWallClock(local)?.toISOString() ?? local) : undefined))
    .pipe(openIncidentBody.shape.detectedAt),
});

/** R19: an incident from a confirmed case (prefilled from its alerts), or by hand; the page goes to it once opened. */
export function IncidentForm({ fromCase, onClose }: { fromCase?: CaseDetail; onClose: () => void }) {
  const { t } = useI18n();
  const unitName = useUnitName();
  const form = useZodForm(incidentFields, { ...(fromCase ? prefillFromCase(fromCase, unitName) : { title: '', description: '' }), detectedAt: '', unitId: '' });
  const open = $api.useMutation('post', '/api/incidents');
  const [now] = useState(() => Date.now());
  const fallback = fromCase ? t('incidentForm.detectedCase', { time: formatDateTime(fromCase.openedAt) }) : t('incidentForm.detectedNow');
  return (
    <FormDialog
      title={t('incidentForm.title')}
      form={form}
      onSubmit={async ({ unitId, ...values }) => {
        const opened = await open.mutateAsync({ body: { ...values, ...(fromCase ? { caseId: fromCase.id } : { unitId }) } });
        navigate(`/incidents/${opened.id}`);
      }}
      onClose={onClose}
      submitLabel={t('incidentForm.title')}
      testId="incident-form"
      submitTestId="incident-submit"
    >
      {fromCase && <p className="modal-text">{t('incidentForm.fromCase', { who: caseSubject(fromCase, t) })}</p>}
      <FormField form={form} name="title" label={t('incidentForm.name')} required>
        {(field) => <input {...field} maxLength={300} required autoFocus={!fromCase} data-testid="incident-title" />}
      </FormField>
      <FormField form={form} name="description" label={t('incidentForm.description')} hint={t('incidentForm.descriptionHint')} required>
        {(field) => <textarea {...field} rows={fromCase ? 9 : 5} maxLength={10_000} required data-testid="incident-description" />}
      </FormField>
      <div className="form-grid">
        <FormField form={form} name="detectedAt" label={t('incidentForm.detectedAt')} hint={t('incidentForm.detectedAtHint', { fallback })}>
          {(field) => <input {...field} type="datetime-local" max={localInput(now)} data-testid="incident-detected-at" />}
        </FormField>
        {!fromCase && (
          <FormField form={form} name="unitId" label={t('incidentForm.unit')} hint={t('incidentForm.unitHint')}>
            {(field) => (
              <UnitSelect
                id={field.id}
                name="unitId"
                describedBy={field['aria-describedby']}
                value={form.watch('unitId')}
                onChange={(unitId) => form.setValue('unitId', unitId, { shouldValidate: form.formState.isSubmitted, shouldTouch: true })}
                emptyLabel={t('incidentForm.chooseUnit')}
                testId="incident-unit"
              />
            )}
          </FormField>
        )}
      </div>
    </FormDialog>
  );
}

export function IncidentsPage() {
  const { t } = useI18n();
  const me = useMe();
  const unitName = useUnitName();
  usePageTitle(t('incidents.title'));
  const incidents = $api.useQuery('get', '/api/incidents');
  const [creating, setCreating] = useState(false);
  const columns: Column<Incident>[] = [
    incidentCodeColumn(t),
    {
      key: 'title',
      label: t('incidents.col.title'),
      cell: (i) => (
        <>
          {i.title}
          <div className="muted small">
            {unitName(i.unit)} · {t('incident.detectedAt')} {formatDateTime(i.detectedAt)}
          </div>
        </>
      ),
      sortValue: (i) => i.title,
    },
    { key: 'status', label: t('incidents.col.status'), cell: (i) => <IncidentStatusBadge status={i.status} />, sortValue: (i) => t(`incidentStatus.${i.status}`) },
    {
      key: 'deadline',
      label: t('incidents.col.deadline'),
      cell: (i) => (
        <>
          <span className="nowrap">{formatDateTime(i.notifyBy)}</span>
          <div>{i.notifiedAt ? <span className="muted small">{t('incidents.notified', { time: formatDateTime(i.notifiedAt) })}</span> : <Countdown hoursLeft={i.hoursLeft} overdue={i.overdue} />}</div>
        </>
      ),
      sortValue: (i) => i.notifyBy,
    },
    { key: 'affected', label: t('incidents.col.affected'), cell: (i) => i.affected.toLocaleString('vi-VN'), sortValue: (i) => i.affected, numeric: true },
  ];
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
      <Loaded query={incidents}>
        {(data) => (
          <section className="card table-card">
            <DataTable
              caption={t('incidents.title')}
              columns={columns}
              rows={data.items}
              rowKey={(i) => i.id}
              rowHref={(i) => `/incidents/${i.id}`}
              rowProps={(i) => ({ className: i.status === 'closed' ? 'row-closed' : undefined, 'data-testid': 'incident-row', 'data-code': i.code, 'data-status': i.status })}
              empty={t('incidents.empty')}
              emptyTestId="incidents-empty"
              busy={incidents.isFetching}
              testId="incidents-table"
            />
          </section>
        )}
      </Loaded>
      {creating && <IncidentForm onClose={() => setCreating(false)} />}
    </div>
  );
}
