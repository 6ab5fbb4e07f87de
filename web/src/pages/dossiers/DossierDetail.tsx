import { useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { DOSSIER_ACTIONS, TRANSITIONS, type DossierAction, type DossierStatus } from '../../../../common/dossier-workflow.ts';
import { get, post, query, useRoles, useUnits, type AccountSummary, type DossierDetail } from '../../api/index.ts';
import { DialogActions, ErrorBox, Field, Loading, Modal, Notice, useApi, usePageTitle } from '../../components.tsx';
import { useUnitName } from '../../components/names.ts';
import { formatDate, formatDateTime, isMessageKey, useI18n, type MessageKey } from '../../i18n.ts';
import { Link } from '../../router.tsx';
import { can, useMe } from '../../session.ts';
import { UnitSelect } from '../../UnitSelect.tsx';
import { DossierDocuments } from './DossierDocuments.tsx';
import { DossierLookups } from './DossierLookups.tsx';
import { DossierResults } from './DossierResults.tsx';
import { DeadlineBadge, DossierStatusBadge, DueDate, formatDueDate } from './Dossiers.tsx';

/** Actions that change where the dossier is processed. */
const MOVES: readonly DossierAction[] = ['assign', 'transfer'];
const DANGER: readonly DossierAction[] = ['not_accept', 'withdraw', 'stop'];
/** The usual next step, shown as the primary button when the officer may take it. */
const USUAL_NEXT: readonly DossierAction[] = ['approve', 'return_result', 'assign', 'receive_supplement', 'record_payment', 'transfer'];
/** Statuses whose reason is the citizen's to read (a refusal, a stop, a withdrawal, what is awaited). */
const REASONED: readonly DossierStatus[] = ['not_accepted', 'stopped', 'withdrawn', 'supplement_requested', 'financial_obligation'];

type FormLink = { form: 'receipt' | 'supplement' | 'refusal' | 'apology'; label: MessageKey };

/** The papers this dossier has had so far: each form exists once the step that issues it happened. */
function formsOf(dossier: DossierDetail): FormLink[] {
  const happened = (action: string) => dossier.timeline.some((step) => step.action === action);
  const forms: FormLink[] = [];
  if (dossier.status !== 'not_accepted') forms.push({ form: 'receipt', label: 'dossier.form.receipt' });
  if (happened('request_supplement')) forms.push({ form: 'supplement', label: 'dossier.form.supplement' });
  if (dossier.status === 'not_accepted') forms.push({ form: 'refusal', label: 'dossier.form.refusal' });
  if (dossier.status === 'stopped') forms.push({ form: 'refusal', label: 'dossier.form.stop' });
  if (dossier.apologyDueAt && happened('apologize')) forms.push({ form: 'apology', label: 'dossier.form.apology' });
  return forms;
}


/** YYYY-MM-DD in Vietnam, `days` after the given instant. */
function vietnamDay(at: number, days = 0): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date(at + days * 24 * 60 * 60 * 1000));
}

/** The earliest new date an apology may promise: after the old promised day, and not before today. */
function earliestNewDate(dossier: DossierDetail): string {
  const today = vietnamDay(Date.now());
  // dueAt is the end of the promised day (the next midnight): that instant is already the day after.
  const afterOld = dossier.dueAt ? vietnamDay(Date.parse(dossier.dueAt)) : today;
  return afterOld > today ? afterOld : today;
}

/**
 * The officers who may process dossiers at a unit, for those who may read accounts (leaders, administrators);
 * the server checks the choice again.
 */
function AssigneeSelect({ unitId, value, onChange }: { unitId: string; value: string; onChange: (id: string) => void }) {
  const { t } = useI18n();
  const { data: roles } = useRoles();
  const [officers, setOfficers] = useState<AccountSummary[] | null>(null);
  useEffect(() => {
    setOfficers(null);
    if (!unitId) return;
    let current = true;
    get<{ items: AccountSummary[] }>(`/api/accounts${query({ unitId, status: 'active', limit: 200 })}`).then(
      (r) => current && setOfficers(r.items),
      () => current && setOfficers([]),
    );
    return () => {
      current = false;
    };
  }, [unitId]);
  const processing = useMemo(() => new Set(roles?.filter((r) => r.permissions.includes('dossiers.process')).map((r) => r.role)), [roles]);
  const eligible = officers?.filter((a) => a.roles.some((r) => processing.has(r))) ?? [];
  return (
    <Field label={t('dossier.assigneeOptional')} hint={t('dossier.assigneeHint')}>
      {(id, hint) => (
        <select id={id} name="assigneeId" value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={hint} disabled={!unitId}>
          <option value="">{t('dossier.assigneeAny')}</option>
          {eligible.map((a) => (
            <option key={a.id} value={a.id}>
              {a.fullName} ({a.username})
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** One workflow step, asking for what it needs: a reason, a unit and officer, a new date. */
function ActionDialog({ dossier, action, onClose, onDone }: { dossier: DossierDetail; action: DossierAction; onClose: () => void; onDone: (d: DossierDetail) => void }) {
  const { t } = useI18n();
  const me = useMe();
  const { data: units } = useUnits();
  const needsReason = TRANSITIONS[action].reason;
  const moves = MOVES.includes(action);
  // The desk usually hands over to the unit it belongs to (a commune's one-stop desk to the commune).
  const deskParent = units?.find((u) => u.id === dossier.desk.id)?.parentId ?? '';
  const [unitId, setUnitId] = useState(action === 'assign' ? deskParent : '');
  const [assigneeId, setAssigneeId] = useState('');
  const [reason, setReason] = useState('');
  const [newDueDate, setNewDueDate] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (action === 'assign' && !unitId && deskParent) setUnitId(deskParent);
  }, [action, deskParent, unitId]);

  const ready = (!needsReason || reason.trim().length >= 3) && (!moves || !!unitId) && (action !== 'apologize' || !!newDueDate);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready || busy) return;
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, string> = {};
      if (reason.trim()) body.reason = reason.trim();
      if (moves) body.unitId = unitId;
      if (moves && assigneeId) body.assigneeId = assigneeId;
      if (action === 'apologize') body.newDueDate = newDueDate;
      onDone(await post<DossierDetail>(`/api/dossiers/${dossier.id}/${action}`, body));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Modal title={`${t(`dossier.action.${action}`)} · ${dossier.code}`} onClose={onClose} testId="action-dialog">
      <form onSubmit={submit} autoComplete="off" noValidate data-action={action}>
        <p className="modal-text">{t(`dossier.text.${action}`)}</p>
        {moves && (
          <>
            <Field label={t('dossier.unit')} required>
              {(id) => (
                <UnitSelect
                  id={id}
                  name="unitId"
                  value={unitId}
                  onChange={(v) => {
                    setUnitId(v);
                    setAssigneeId('');
                  }}
                  emptyLabel={t('accounts.chooseUnit')}
                  required
                />
              )}
            </Field>
            {can(me, 'accounts.read') && <AssigneeSelect unitId={unitId} value={assigneeId} onChange={setAssigneeId} />}
          </>
        )}
        {action === 'apologize' && (
          <Field label={t('dossier.newDueDate')} hint={t('dossier.newDueDateHint', { date: formatDueDate(dossier.dueAt) })} required>
            {(id, hint) => <input id={id} name="newDueDate" type="date" min={earliestNewDate(dossier)} value={newDueDate} onChange={(e) => setNewDueDate(e.target.value)} aria-describedby={hint} required />}
          </Field>
        )}
        <Field label={needsReason ? t('dossier.reasonCitizen') : t('dossier.note')} hint={needsReason ? t('common.reasonHint') : undefined} required={needsReason}>
          {(id, hint) => <textarea id={id} name="reason" rows={3} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} aria-describedby={hint} autoFocus={!moves} />}
        </Field>
        <ErrorBox error={error} testId="dialog-error" />
        <DialogActions onCancel={onClose} label={t(`dossier.action.${action}`)} disabled={!ready || busy} danger={DANGER.includes(action)} testId="action-confirm" />
      </form>
    </Modal>
  );
}

function Timeline({ dossier }: { dossier: DossierDetail }) {
  const { t } = useI18n();
  const label = (prefix: 'dossier.step' | 'dossier.status', value: string) => {
    const key = `${prefix}.${value}`;
    return isMessageKey(key) ? t(key) : value;
  };
  if (dossier.timeline.length === 0) return <p className="muted">{t('dossier.timelineEmpty')}</p>;
  return (
    <ol className="timeline" data-testid="timeline">
      {dossier.timeline.map((step, i) => (
        <li key={i} className="timeline-step" data-testid="timeline-step" data-action={step.action}>
          <div className="timeline-head">
            <strong>{label('dossier.step', step.action)}</strong>
            {step.fromStatus && step.fromStatus !== step.toStatus && (
              <span className="muted small"> {t('dossier.statusChange', { from: label('dossier.status', step.fromStatus), to: label('dossier.status', step.toStatus) })}</span>
            )}
            <time className="muted small timeline-at" dateTime={step.at}>
              {formatDateTime(step.at)}
            </time>
          </div>
          <div className="small">
            {step.actor ? (
              <>
                {step.actor.fullName} <code className="muted">{step.actor.username}</code>
              </>
            ) : (
              t('common.none')
            )}
            {step.unit && <span className="muted"> · {step.unit}</span>}
          </div>
          {step.note && <div className="timeline-note">{step.note}</div>}
        </li>
      ))}
    </ol>
  );
}

export function DossierDetailPage({ id }: { id: string }) {
  const { t } = useI18n();
  const unitName = useUnitName();
  const { data: dossier, error, setData } = useApi<DossierDetail>(`/api/dossiers/${encodeURIComponent(id)}`);
  usePageTitle(dossier ? dossier.code : t('dossiers.title'));
  const [action, setAction] = useState<DossierAction | null>(null);
  const [done, setDone] = useState<DossierAction | null>(null);

  if (!dossier) return <div className="page">{error ? <ErrorBox error={error} /> : <Loading />}</div>;
  const actions = DOSSIER_ACTIONS.filter((a) => dossier.abilities[a] === true);
  const primary = USUAL_NEXT.find((a) => actions.includes(a));
  const forms = formsOf(dossier);
  const fact = (label: MessageKey, value: ReactNode, testId?: string) => (
    <>
      <dt>{t(label)}</dt>
      <dd data-testid={testId}>{value}</dd>
    </>
  );

  return (
    <div className="page" data-testid="dossier-page" data-status={dossier.status}>
      <p className="breadcrumb">
        <Link to="/dossiers">{t('dossiers.title')}</Link> › <span>{dossier.code}</span>
      </p>
      <div className="page-head">
        <h1>
          <code className="dossier-code" data-testid="dossier-code">
            {dossier.code}
          </code>
          <DossierStatusBadge status={dossier.status} />
          <DeadlineBadge status={dossier.deadlineStatus} />
        </h1>
      </div>
      <p className="dossier-procedure">
        {dossier.procedure.name} <span className="muted">({dossier.procedure.code}, {t('dossier.version', { n: dossier.procedure.version })})</span>
      </p>
      {done && (
        <Notice kind="success" testId="action-done">
          {t('dossier.done', { action: t(`dossier.action.${done}`) })}
        </Notice>
      )}

      <div className="cards">
        <section className="card" aria-labelledby="dossier-facts-title">
          <h2 id="dossier-facts-title">{t('dossier.facts')}</h2>
          <dl className="facts" data-testid="dossier-facts">
            {fact('dossier.desk', unitName(dossier.desk))}
            {fact('dossier.receivedAt', formatDateTime(dossier.receivedAt))}
            {fact('dossier.channel', t(`dossier.channel.${dossier.channel}`))}
            {fact(
              'dossier.dueAt',
              <>
                {!dossier.dueAt ? (
                  <span className="muted">{t('dossier.noDue')}</span>
                ) : dossier.apologyDueAt ? (
                  <s data-testid="due-date">{formatDueDate(dossier.dueAt)}</s>
                ) : (
                  <DueDate dueAt={dossier.dueAt} apologyDueAt={null} />
                )}{' '}
                <span className="muted small">({t('dossier.workingDays', { n: dossier.workingDays })})</span>
              </>,
              'dossier-due',
            )}
            {dossier.apologyDueAt && fact('dossier.apologyDueAt', <strong>{formatDueDate(dossier.apologyDueAt)}</strong>, 'dossier-apology-due')}
            {fact('dossier.processingUnit', dossier.processingUnit ? unitName(dossier.processingUnit) : <span className="muted">{t('common.none')}</span>, 'dossier-processing-unit')}
            {fact('dossier.assignee', dossier.assignee ? `${dossier.assignee.fullName} (${dossier.assignee.username})` : <span className="muted">{t('dossier.notAssigned')}</span>, 'dossier-assignee')}
            {dossier.statusReason && REASONED.includes(dossier.status) && fact('dossier.statusReason', dossier.statusReason, 'dossier-status-reason')}
            {dossier.settledAt && fact('dossier.settledAt', formatDateTime(dossier.settledAt))}
            {dossier.returnedAt && fact('dossier.returnedAt', formatDateTime(dossier.returnedAt))}
          </dl>
        </section>
        <section className="card card-aside" aria-labelledby="dossier-actions-title" data-testid="dossier-actions">
          <h2 id="dossier-actions-title">{t('dossier.actions')}</h2>
          {actions.length === 0 ? (
            <p className="muted">{t('dossier.noActions')}</p>
          ) : (
            <div className="action-list">
              {actions.map((a) => (
                <button
                  key={a}
                  type="button"
                  className={DANGER.includes(a) ? 'btn btn-danger-outline' : a === primary ? 'btn btn-primary' : 'btn'}
                  onClick={() => {
                    setDone(null);
                    setAction(a);
                  }}
                  data-testid={`action-${a}`}
                >
                  {t(`dossier.action.${a}`)}
                </button>
              ))}
            </div>
          )}
          {forms.length > 0 && (
            <>
              <h3 className="subhead">{t('dossier.forms')}</h3>
              <ul className="form-links" data-testid="dossier-forms">
                {forms.map((f) => (
                  <li key={f.form}>
                    <a href={`/api/dossiers/${dossier.id}/forms/${f.form}`} data-form={f.form}>
                      {t(f.label)}
                    </a>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      </div>

      <div className="cards cards-even">
        <section className="card" aria-labelledby="dossier-people-title">
          <h2 id="dossier-people-title">{t('dossier.applicant')}</h2>
          <dl className="facts" data-testid="dossier-applicant">
            {fact('reception.fullName', <strong>{dossier.applicant.fullName}</strong>)}
            {fact('reception.personalId', <code>{dossier.applicant.personalId}</code>)}
            {fact('reception.birthDate', formatDate(`${dossier.applicant.birthDate}T12:00:00`))}
            {fact('reception.phone', dossier.applicant.phone || t('common.none'))}
            {fact('reception.email', dossier.applicant.email || t('common.none'))}
            {fact('reception.address', dossier.applicant.address || t('common.none'))}
          </dl>
          <h3 className="subhead">{t('dossier.persons')}</h3>
          {dossier.persons.length === 0 ? (
            <p className="muted">{t('dossier.personsNone')}</p>
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="dossier-persons">
                <thead>
                  <tr>
                    <th>{t('reception.relation')}</th>
                    <th>{t('reception.fullName')}</th>
                    <th>{t('reception.personalId')}</th>
                    <th>{t('reception.birthDate')}</th>
                  </tr>
                </thead>
                <tbody>
                  {dossier.persons.map((p) => (
                    <tr key={p.personalId} data-testid="dossier-person">
                      <td>{p.relation}</td>
                      <td>{p.fullName}</td>
                      <td>
                        <code>{p.personalId}</code>
                      </td>
                      <td>{p.birthDate ? formatDate(`${p.birthDate}T12:00:00`) : t('common.none')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {dossier.pauses.length > 0 && (
            <>
              <h3 className="subhead">{t('dossier.pauses')}</h3>
              <ul className="plain-list" data-testid="dossier-pauses">
                {dossier.pauses.map((p) => (
                  <li key={p.from}>
                    {isMessageKey(`dossier.pause.${p.kind}`) ? t(`dossier.pause.${p.kind}` as MessageKey) : p.kind}: {formatDateTime(p.from)} – {p.to ? formatDateTime(p.to) : t('dossier.pauseOngoing')}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
        <section className="card" aria-labelledby="dossier-timeline-title">
          <h2 id="dossier-timeline-title">{t('dossier.timeline')}</h2>
          <Timeline dossier={dossier} />
        </section>
      </div>

      {/* Whether the viewer may still look up or add papers depends on the status: asked again when it changes. */}
      <DossierLookups key={`lookups-${dossier.status}`} dossier={dossier} />
      <DossierDocuments key={dossier.status} dossier={dossier} />
      <DossierResults key={`results-${dossier.status}`} dossier={dossier} />

      {action && (
        <ActionDialog
          dossier={dossier}
          action={action}
          onClose={() => setAction(null)}
          onDone={(next) => {
            setData(next);
            setDone(action);
            setAction(null);
          }}
        />
      )}
    </div>
  );
}
