import { useState } from 'react';
import type { z } from 'zod';
import { SUSPENSION_SCOPES, suspendBody } from '../../../../common/schemas/npd.ts';
import { $api, useUnits, type NpdSuspension, type NpdSuspensions } from '../../api/index.ts';
import { ConfirmDialog, Notice, usePageTitle } from '../../components.tsx';
import { AccountPicker } from '../../components/AccountPicker.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { FormField, useZodForm } from '../../components/form.tsx';
import { Loaded } from '../../components/Loaded.tsx';
import type { AccountRef } from '../../components/names.ts';
import { capitalized, targetOf } from '../../components/suspensions.ts';
import { formatDateTime, useI18n } from '../../i18n.ts';
import { refreshNpdStatus } from '../../NpdBanner.tsx';
import { can, useMe } from '../../session.ts';
import { UnitSelect } from '../../UnitSelect.tsx';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Suspend = z.output<typeof suspendBody>;

const who = (p: { fullName: string; username: string } | null) => (p ? `${p.fullName} (${p.username})` : '—');

/** The state in one look: lookups work, or what stops them now. */
function CurrentState({ data }: { data: NpdSuspensions }) {
  const { t } = useI18n();
  const active = data.items.filter((s) => !s.liftedAt);
  const ok = active.length === 0 && !data.disconnectedSince;
  return (
    <section className="card" aria-labelledby="npd-state-title" data-testid="npd-state" data-state={ok ? 'ok' : 'stopped'}>
      <h2 id="npd-state-title">{t('npdSusp.state')}</h2>
      {ok && (
        <div className="alert alert-success npd-state-ok" role="status">
          <strong>✓ {t('npdSusp.stateOk')}</strong>
        </div>
      )}
      {data.disconnectedSince && (
        <div className="alert alert-error alert-banner" role="alert" data-testid="npd-state-disconnected">
          <div>
            <strong className="npd-state-title">{t('npdSusp.disconnectedTitle')}</strong>
            <p>{t('npdSusp.disconnectedText', { time: formatDateTime(data.disconnectedSince) })}</p>
          </div>
        </div>
      )}
      {active.length > 0 && (
        <div className="alert alert-error alert-banner" role="alert" data-testid="npd-state-suspended">
          <div>
            <strong className="npd-state-title">{t('npdSusp.stateActive', { n: active.length })}</strong>
            <ul>
              {active.map((s) => (
                <li key={s.id}>
                  <strong>{capitalized(targetOf(s, t))}</strong>: {s.reason} <span className="small">({t('npdSusp.since', { time: formatDateTime(s.suspendedAt), name: who(s.suspendedBy) })})</span>
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </section>
  );
}

/** R43: the kill switch. The scope names its unit or account; the reason is shown to those it stops. */
function SuspendForm({ onDone }: { onDone: (target: string) => void }) {
  const { t } = useI18n();
  const { data: units } = useUnits();
  // the narrowest scope first: stopping the whole province must be a deliberate choice
  const form = useZodForm(suspendBody, { scope: 'account', reason: '' });
  const suspend = $api.useMutation('post', '/api/npd/suspensions');
  // the account picker's own state: what is typed, and the account chosen from its list
  const [accountText, setAccountText] = useState('');
  const [account, setAccount] = useState<AccountRef | null>(null);
  const [confirming, setConfirming] = useState<Suspend | null>(null);
  const [scope, unitId, accountId] = form.watch(['scope', 'unitId', 'accountId']);
  const unitName = units?.find((u) => u.id === unitId)?.fullName ?? '';
  const target = targetOf({ scope, unit: unitId ? { id: unitId, name: unitName } : null, account: account ?? (accountId ? { id: accountId, fullName: '', username: '' } : null) }, t);
  const touched = { shouldValidate: true, shouldTouch: true } as const;

  const submit = form.handleSubmit((values) => setConfirming(values));
  return (
    <section className="card" aria-labelledby="npd-suspend-title">
      <h2 id="npd-suspend-title">{t('npdSusp.new')}</h2>
      <form onSubmit={(e) => void submit(e)} autoComplete="off" noValidate data-testid="npd-suspend-form">
        <fieldset className="channel-choice">
          <legend>
            {t('npdSusp.scope')}
            <span className="required" title={t('common.required')}>
              {' '}
              *
            </span>
          </legend>
          {SUSPENSION_SCOPES.map((s) => (
            <label key={s} className="radio">
              <input type="radio" value={s} {...form.register('scope')} data-testid={`suspend-scope-${s}`} />
              {t(`npdSusp.scope.${s}`)}
            </label>
          ))}
        </fieldset>
        {scope === 'unit' && (
          <FormField form={form} name="unitId" label={t('npdSusp.unit')} required>
            {(field) => (
              <UnitSelect
                id={field.id}
                name="unitId"
                value={unitId ?? ''}
                onChange={(id) => form.setValue('unitId', id || undefined, touched)}
                emptyLabel={t('npdSusp.chooseUnit')}
                describedBy={field['aria-describedby']}
                required
                testId="suspend-unit"
              />
            )}
          </FormField>
        )}
        {scope === 'account' && (
          <FormField form={form} name="accountId" label={t('npdSusp.account')} hint={t('npdSusp.accountHint')} required>
            {(field) => (
              <AccountPicker
                id={field.id}
                text={accountText}
                value={account}
                onChange={(text, value) => {
                  setAccountText(text);
                  setAccount(value);
                  // a full account UUID typed or pasted is taken as it is
                  const id = value?.id ?? (UUID.test(text.trim()) ? text.trim().toLowerCase() : undefined);
                  form.setValue('accountId', id, { shouldValidate: form.formState.isSubmitted || !!id });
                }}
                describedBy={field['aria-describedby']}
                invalid={!!field['aria-invalid']}
                label={t('npdSusp.account')}
                testId="suspend-account"
              />
            )}
          </FormField>
        )}
        <FormField form={form} name="reason" label={t('common.reason')} hint={t('npdSusp.reasonHint')} required>
          {(field) => <textarea {...field} rows={3} maxLength={500} data-testid="suspend-reason" />}
        </FormField>
        <div className="button-row">
          <button type="submit" className="btn btn-danger" disabled={form.formState.isSubmitting} data-testid="suspend-submit">
            {t('npdSusp.submit')}
          </button>
        </div>
      </form>
      {confirming && (
        <ConfirmDialog
          title={t('npdSusp.confirmTitle')}
          text={
            <>
              <p>{t('npdSusp.confirmText', { target })}</p>
              <p>
                <strong>{t('common.reason')}:</strong> {confirming.reason}
              </p>
            </>
          }
          confirmLabel={t('npdSusp.submit')}
          danger
          onClose={() => setConfirming(null)}
          onConfirm={async () => {
            const { scope, unitId, accountId, reason } = confirming;
            // only the target the scope uses: the others may still hold an earlier choice
            await suspend.mutateAsync({ body: { scope, reason, ...(scope === 'unit' ? { unitId } : {}), ...(scope === 'account' ? { accountId } : {}) } });
            setConfirming(null);
            form.reset({ scope, reason: '' });
            setAccount(null);
            setAccountText('');
            onDone(target);
          }}
          testId="suspend-confirm-dialog"
        />
      )}
    </section>
  );
}

function SuspensionList({ items, mayLift, onLift }: { items: NpdSuspension[]; mayLift: boolean; onLift: (s: NpdSuspension) => void }) {
  const { t } = useI18n();
  const columns: Column<NpdSuspension>[] = [
    { key: 'target', label: t('npdSusp.col.target'), cell: (s) => capitalized(targetOf(s, t)), sortValue: (s) => targetOf(s, t) },
    { key: 'reason', label: t('npdSusp.col.reason'), cell: (s) => s.reason },
    {
      key: 'suspended',
      label: t('npdSusp.col.suspended'),
      cell: (s) => (
        <>
          <span className="nowrap">{formatDateTime(s.suspendedAt)}</span>
          <div className="muted small">{who(s.suspendedBy)}</div>
        </>
      ),
      sortValue: (s) => s.suspendedAt,
    },
    {
      key: 'state',
      label: t('npdSusp.col.state'),
      cell: (s) =>
        s.liftedAt ? (
          <>
            <span className="badge badge-left">{t('npdSusp.lifted')}</span>
            <div className="muted small">{t('npdSusp.liftedBy', { time: formatDateTime(s.liftedAt), name: who(s.liftedBy) })}</div>
            {s.liftReason && <div className="small">{s.liftReason}</div>}
          </>
        ) : (
          <span className="badge badge-locked">{t('npdSusp.active')}</span>
        ),
      sortValue: (s) => s.liftedAt ?? '',
    },
  ];
  return (
    <DataTable
      caption={t('npdSusp.list')}
      columns={columns}
      rows={items}
      rowKey={(s) => s.id}
      rowProps={(s) => ({ 'data-testid': 'suspension-row', 'data-scope': s.scope, 'data-active': String(!s.liftedAt) })}
      actions={
        mayLift
          ? (s) =>
              !s.liftedAt && (
                <button type="button" className="btn btn-small" onClick={() => onLift(s)} data-testid="suspension-lift">
                  {t('npdSusp.lift')}
                </button>
              )
          : undefined
      }
      empty={t('npdSusp.empty')}
      testId="suspensions-table"
    />
  );
}

export function NpdSuspensionsPage() {
  const { t } = useI18n();
  const me = useMe();
  usePageTitle(t('npdSusp.title'));
  const suspensions = $api.useQuery('get', '/api/npd/suspensions');
  const data = suspensions.data;
  const lift = $api.useMutation('post', '/api/npd/suspensions/{id}/lift');
  const changed = () => {
    void suspensions.refetch();
    refreshNpdStatus();
  };
  const [notice, setNotice] = useState<string | null>(null);
  const [lifting, setLifting] = useState<NpdSuspension | null>(null);
  const maySuspend = can(me, 'npd.suspend');
  return (
    <div className="page" data-testid="npd-suspensions-page">
      <div className="page-head">
        <h1>{t('npdSusp.title')}</h1>
      </div>
      <p className="muted">{t('npdSusp.intro')}</p>
      {notice && (
        <Notice kind="success" testId="suspension-notice">
          {notice}
        </Notice>
      )}
      <Loaded query={suspensions}>{(data) => <CurrentState data={data} />}</Loaded>
      {maySuspend ? (
        <SuspendForm
          onDone={(target) => {
            setNotice(t('npdSusp.done', { target }));
            changed();
          }}
        />
      ) : (
        <p className="muted">{t('npdSusp.readOnly')}</p>
      )}
      {data && (
        <section className="card" aria-labelledby="npd-suspensions-title">
          <h2 id="npd-suspensions-title">{t('npdSusp.list')}</h2>
          <SuspensionList items={data.items} mayLift={maySuspend} onLift={setLifting} />
        </section>
      )}
      {lifting && (
        <ConfirmDialog
          title={t('npdSusp.liftTitle')}
          text={
            <>
              <p>{t('npdSusp.liftText', { target: targetOf(lifting, t) })}</p>
              <p>
                <strong>{t('npdSusp.col.reason')}:</strong> {lifting.reason}
              </p>
            </>
          }
          confirmLabel={t('npdSusp.lift')}
          requireReason
          onClose={() => setLifting(null)}
          onConfirm={async (reason) => {
            await lift.mutateAsync({ params: { path: { id: lifting.id } }, body: { reason } });
            setNotice(t('npdSusp.liftDone', { target: targetOf(lifting, t) }));
            setLifting(null);
            changed();
          }}
          testId="suspension-lift-dialog"
        />
      )}
    </div>
  );
}
