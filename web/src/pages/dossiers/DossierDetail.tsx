import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { z } from 'zod';
import { DOSSIER_ACTIONS, TRANSITIONS, type DossierAction, type DossierStatus } from '../../../../common/dossier-workflow.ts';
import { dossierActionBody, reasonGiven } from '../../../../common/schemas/dossiers.ts';
import { $api, queryClient, useRoles, useUnits, type DossierDetail, type DossierPerson } from '../../api/index.ts';
import { Notice, usePageTitle } from '../../components.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { DateInput } from '../../components/DateInput.tsx';
import { FormDialog, FormField, useZodForm } from '../../components/form.tsx';
import { Loaded } from '../../components/Loaded.tsx';
import { useUnitName } from '../../components/names.ts';
import { formatDate, formatDateTime, isMessageKey, useI18n, type MessageKey } from '../../i18n.ts';
import { Link } from '../../router.tsx';
import { can, useMe } from '../../session.ts';
import { UnitSelect } from '../../UnitSelect.tsx';
import { DossierDocuments } from './DossierDocuments.tsx';
import { DossierLookups } from './DossierLookups.tsx';
import { DossierResults } from './DossierResults.tsx';
import { DeadlineBadge, DossierStatusBadge, DueDate, formatDueDate } from './Dossiers.tsx';
import { addDays, vietnamDate } from '../../../../common/vietnam-time.ts';

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
  return addDays(vietnamDate(new Date(at)), days);
}

/** The earliest new date an apology may promise: after the old promised day, and not before today. */
function earliestNewDate(dossier: DossierDetail): string {
  const today = vietnamDay(Date.now());
  // dueAt is the end of the promised day (the next midnight): that instant is already the day after.
  const afterOld = dossier.dueAt ? vietnamDay(Date.parse(dossier.dueAt)) : today;
  return afterOld > today ? afterOld : today;
}

/**
 * What a step asks for, checked with the server's schema before it is sent: a reason when the citizen reads it, a
 * unit (and perhaps an officer) when it moves the dossier, a new date for an apology. Empty fields are not sent.
 */
function actionForm(action: DossierAction) {
  const { reason, unitId, newDueDate } = dossierActionBody.shape;
  return z
    .object({
      reason: TRANSITIONS[action].reason ? reasonGiven : reason.unwrap(),
      unitId: MOVES.includes(action) ? unitId.unwrap() : z.literal(''),
      assigneeId: z.string().optional(),
      newDueDate: action === 'apologize' ? newDueDate.unwrap() : z.literal(''),
    })
    .transform((v) => Object.fromEntries(Object.entries(v).filter(([, value]) => value)))
    .pipe(dossierActionBody);
}

/**
 * The officers who may process dossiers at a unit, for those who may read accounts (leaders, administrators);
 * the server checks the choice again.
 */
function useEligibleOfficers(unitId: string) {
  const { data: roles } = useRoles();
  const officers = $api.useQuery('get', '/api/accounts', { params: { query: { unitId, status: 'active', limit: 200 } } }, { enabled: !!unitId });
  const processing = useMemo(() => new Set<string>(roles?.filter((r) => r.permissions.includes('dossiers.process')).map((r) => r.role)), [roles]);
  return (unitId && officers.data?.items.filter((a) => a.roles.some((r) => processing.has(r)))) || [];
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
  const [schema] = useState(() => actionForm(action));
  const form = useZodForm(schema, { reason: '', unitId: action === 'assign' ? deskParent : '', assigneeId: '', newDueDate: '' });
  const step = $api.useMutation('post', '/api/dossiers/{id}/{action}');
  const unitId = form.watch('unitId') ?? '';
  const officers = useEligibleOfficers(can(me, 'accounts.read') ? unitId : '');
  useEffect(() => {
    if (action === 'assign' && deskParent && !form.getValues('unitId')) form.setValue('unitId', deskParent);
  }, [action, deskParent, form]);

  return (
    <FormDialog
      title={`${t(`dossier.action.${action}`)} · ${dossier.code}`}
      form={form}
      onSubmit={async (body) => onDone(await step.mutateAsync({ params: { path: { id: dossier.id, action } }, body }))}
      onClose={onClose}
      submitLabel={t(`dossier.action.${action}`)}
      danger={DANGER.includes(action)}
      testId="action-dialog"
      submitTestId="action-confirm"
    >
      <p className="modal-text">{t(`dossier.text.${action}`)}</p>
      {moves && (
        <>
          <FormField form={form} name="unitId" label={t('dossier.unit')} required>
            {(field) => (
              <UnitSelect
                id={field.id}
                name="unitId"
                describedBy={field['aria-describedby']}
                value={unitId}
                onChange={(v) => {
                  form.setValue('unitId', v, { shouldValidate: form.formState.isSubmitted, shouldTouch: true });
                  form.setValue('assigneeId', '');
                }}
                emptyLabel={t('accounts.chooseUnit')}
                required
              />
            )}
          </FormField>
          {can(me, 'accounts.read') && (
            <FormField form={form} name="assigneeId" label={t('dossier.assigneeOptional')} hint={t('dossier.assigneeHint')}>
              {(field) => (
                <select {...field} disabled={!unitId}>
                  <option value="">{t('dossier.assigneeAny')}</option>
                  {officers.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.fullName} ({a.username})
                    </option>
                  ))}
                </select>
              )}
            </FormField>
          )}
        </>
      )}
      {action === 'apologize' && (
        <FormField form={form} name="newDueDate" label={t('dossier.newDueDate')} hint={t('dossier.newDueDateHint', { date: formatDueDate(dossier.dueAt) })} required>
          {(field) => <DateInput form={form} name="newDueDate" id={field.id} aria-describedby={field['aria-describedby']} min={earliestNewDate(dossier)} />}
        </FormField>
      )}
      <FormField form={form} name="reason" label={needsReason ? t('dossier.reasonCitizen') : t('dossier.note')} hint={needsReason ? t('common.reasonHint') : undefined} required={needsReason}>
        {(field) => <textarea {...field} rows={3} maxLength={1000} autoFocus={!moves} />}
      </FormField>
    </FormDialog>
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
  const init = { params: { path: { id } } };
  const dossier = $api.useQuery('get', '/api/dossiers/{id}', init);
  usePageTitle(dossier.data ? dossier.data.code : t('dossiers.title'));
  // a step answers the dossier as it now is: shown without asking again (each reading is journaled)
  const show = (next: DossierDetail) => queryClient.setQueryData($api.queryOptions('get', '/api/dossiers/{id}', init).queryKey, next);
  if (!dossier.data) {
    return (
      <div className="page">
        <Loaded query={dossier}>{() => null}</Loaded>
      </div>
    );
  }
  return <DossierView dossier={dossier.data} onChanged={show} />;
}

function DossierView({ dossier, onChanged }: { dossier: DossierDetail; onChanged: (next: DossierDetail) => void }) {
  const { t } = useI18n();
  const unitName = useUnitName();
  const [action, setAction] = useState<DossierAction | null>(null);
  const [done, setDone] = useState<DossierAction | null>(null);
  const actions = DOSSIER_ACTIONS.filter((a) => dossier.abilities[a] === true);
  const primary = USUAL_NEXT.find((a) => actions.includes(a));
  const forms = formsOf(dossier);
  const personColumns: Column<DossierPerson>[] = [
    { key: 'relation', label: t('reception.relation'), cell: (p) => p.relation, sortValue: (p) => p.relation },
    { key: 'fullName', label: t('reception.fullName'), cell: (p) => p.fullName, sortValue: (p) => p.fullName },
    { key: 'personalId', label: t('reception.personalId'), cell: (p) => <code>{p.personalId}</code> },
    { key: 'birthDate', label: t('reception.birthDate'), cell: (p) => (p.birthDate ? formatDate(`${p.birthDate}T12:00:00`) : t('common.none')), sortValue: (p) => p.birthDate },
  ];
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
          <DataTable
            caption={t('dossier.persons')}
            columns={personColumns}
            rows={dossier.persons}
            rowKey={(p) => p.personalId}
            rowProps={() => ({ 'data-testid': 'dossier-person' })}
            empty={t('dossier.personsNone')}
            testId="dossier-persons"
          />
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
            onChanged(next);
            setDone(action);
            setAction(null);
          }}
        />
      )}
    </div>
  );
}
