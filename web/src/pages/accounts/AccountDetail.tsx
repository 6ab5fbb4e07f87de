import { useState } from 'react';
import { accountContacts, grantRoleBody } from '../../../../common/schemas/accounts.ts';
import { $api, client, queryClient, useRoles, type AccountAbility, type AccountDetail, type Body, type SessionInfo } from '../../api/index.ts';
import { ConfirmDialog, ErrorBox, Field, Notice, StatusBadge, usePageTitle } from '../../components.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { FormDialog, FormField, useZodForm } from '../../components/form.tsx';
import { Loaded } from '../../components/Loaded.tsx';
import { useRoleName } from '../../components/names.ts';
import { SessionTable } from '../../components/SessionTable.tsx';
import { formatDate, formatDateTime, useI18n, type MessageKey } from '../../i18n.ts';
import { Link } from '../../router.tsx';
import { can, useMe } from '../../session.ts';
import { UnitSelect } from '../../UnitSelect.tsx';
import { ResetRequests } from './AccountResets.tsx';
import { mixesDuties } from './duties.ts';

type Lifecycle = 'lock' | 'unlock' | 'transfer' | 'leave' | 'resetPassword' | 'resetOtp';
type Grant = AccountDetail['roles'][number];
type RoleName = Body<'/api/accounts/{id}/roles', 'post'>['role'];

const at = (id: string) => ({ params: { path: { id } } });

/**
 * What an administrator may do to an account, each with a reason for the journal. A reset is only a request: another
 * administrator approves it, and the new password is never shown here. A transfer goes only into a unit one
 * administers (the server refuses others), so the account stays in view.
 */
const LIFECYCLE: { action: Lifecycle; label: MessageKey; text: MessageKey; danger: boolean; send: (id: string, reason: string, unitId: string) => Promise<unknown> }[] = [
  { action: 'lock', label: 'account.lock', text: 'account.lockText', danger: true, send: (id, reason) => client.POST('/api/accounts/{id}/lock', { ...at(id), body: { reason } }) },
  { action: 'unlock', label: 'account.unlock', text: 'account.unlockText', danger: false, send: (id, reason) => client.POST('/api/accounts/{id}/unlock', { ...at(id), body: { reason } }) },
  {
    action: 'resetPassword',
    label: 'account.resetPassword',
    text: 'account.resetPasswordText',
    danger: false,
    send: (id, reason) => client.POST('/api/accounts/{id}/reset-password', { ...at(id), body: { reason } }),
  },
  { action: 'resetOtp', label: 'account.resetOtp', text: 'account.resetOtpText', danger: false, send: (id, reason) => client.POST('/api/accounts/{id}/reset-otp', { ...at(id), body: { reason } }) },
  {
    action: 'transfer',
    label: 'account.transfer',
    text: 'account.transferText',
    danger: true,
    send: (id, reason, unitId) => client.POST('/api/accounts/{id}/transfer', { ...at(id), body: { reason, unitId } }),
  },
  { action: 'leave', label: 'account.leave', text: 'account.leaveText', danger: true, send: (id, reason) => client.POST('/api/accounts/{id}/leave', { ...at(id), body: { reason } }) },
];

function EditDialog({ account, onClose, onSaved }: { account: AccountDetail; onClose: () => void; onSaved: () => Promise<void> }) {
  const { t } = useI18n();
  const form = useZodForm(accountContacts, { fullName: account.fullName, position: account.position, email: account.email, phone: account.phone });
  const save = $api.useMutation('patch', '/api/accounts/{id}');
  return (
    <FormDialog
      title={t('account.editTitle')}
      form={form}
      onSubmit={async (body) => {
        await save.mutateAsync({ ...at(account.id), body });
        await onSaved();
      }}
      onClose={onClose}
    >
      <FormField form={form} name="fullName" label={t('accounts.fullName')} required>
        {(field) => <input {...field} autoComplete="off" required />}
      </FormField>
      <FormField form={form} name="position" label={t('accounts.position')}>
        {(field) => <input {...field} autoComplete="off" />}
      </FormField>
      <FormField form={form} name="email" label={t('accounts.email')}>
        {(field) => <input {...field} type="email" autoComplete="off" />}
      </FormField>
      <FormField form={form} name="phone" label={t('accounts.phone')}>
        {(field) => <input {...field} type="tel" autoComplete="off" />}
      </FormField>
    </FormDialog>
  );
}

function GrantRoleForm({ account, onGranted }: { account: AccountDetail; onGranted: () => Promise<void> }) {
  const { t, lang } = useI18n();
  const { data: roles } = useRoles();
  const form = useZodForm(grantRoleBody, { role: '', unitId: account.unit.id });
  const grant = $api.useMutation('post', '/api/accounts/{id}/roles');
  // the form holds the role as the select's text; the server refuses one it does not know
  const submit = form.handleSubmit(({ role, unitId }) =>
    grant.mutateAsync({ ...at(account.id), body: { role: role as RoleName, unitId } }).then(
      async () => {
        form.resetField('role');
        await onGranted();
      },
      () => {},
    ),
  );
  return (
    <form className="grant-form" onSubmit={(e) => void submit(e)} autoComplete="off" data-testid="grant-form" noValidate>
      <FormField form={form} name="role" label={t('account.role')} required>
        {(field) => (
          <select {...field} required>
            <option value="">{t('account.chooseRole')}</option>
            {roles?.map((r) => (
              <option key={r.role} value={r.role}>
                {lang === 'vi' ? r.nameVi : r.nameEn}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <FormField form={form} name="unitId" label={t('account.roleUnit')} required>
        {(field) => (
          <UnitSelect
            id={field.id}
            name="roleUnit"
            describedBy={field['aria-describedby']}
            value={form.watch('unitId')}
            onChange={(unitId) => form.setValue('unitId', unitId, { shouldValidate: form.formState.isSubmitted, shouldTouch: true })}
            emptyLabel={t('accounts.chooseUnit')}
            required
          />
        )}
      </FormField>
      {roles && mixesDuties(form.watch('role'), account.roles.map((r) => r.role), roles) && (
        <Notice kind="warning" testId="duties-warning">
          {t('account.dutiesWarning')}
        </Notice>
      )}
      <button type="submit" className="btn btn-primary" disabled={form.formState.isSubmitting}>
        {t('account.grant')}
      </button>
      <ErrorBox error={grant.error} />
    </form>
  );
}

export function AccountDetailPage({ id }: { id: string }) {
  const { t } = useI18n();
  const account = $api.useQuery('get', '/api/accounts/{id}', at(id));
  usePageTitle(account.data ? t('account.title', { username: account.data.username }) : t('accounts.title'));
  if (!account.data) {
    return (
      <div className="page">
        <Loaded query={account}>{() => null}</Loaded>
      </div>
    );
  }
  return <AccountView account={account.data} reload={async () => void (await account.refetch())} />;
}

function AccountView({ account, reload }: { account: AccountDetail; reload: () => Promise<void> }) {
  const { t } = useI18n();
  const me = useMe();
  const roleName = useRoleName();
  const revoke = $api.useMutation('delete', '/api/accounts/{id}/roles/{grantId}');
  const endSession = $api.useMutation('delete', '/api/sessions/{id}');
  const [action, setAction] = useState<(typeof LIFECYCLE)[number] | null>(null);
  const [transferTo, setTransferTo] = useState('');
  const [editing, setEditing] = useState(false);
  const [revoking, setRevoking] = useState<Grant | null>(null);
  const [endingSession, setEndingSession] = useState<SessionInfo | null>(null);
  const [done, setDone] = useState<MessageKey | null>(null);

  const able = (ability: AccountAbility) => account.abilities[ability] === true;
  const actions = LIFECYCLE.filter((a) => able(a.action));
  const concurrent = account.sessions.some((s) => s.concurrent);
  const self = account.id === me.account.id;

  const runLifecycle = async (reason: string) => {
    if (!action) return;
    await action.send(account.id, reason, transferTo);
    if (action.action === 'resetPassword' || action.action === 'resetOtp') {
      // a new request shows at once in the list of those waiting for approval
      await queryClient.invalidateQueries({ queryKey: ['get', '/api/accounts/reset-requests'] });
    } else {
      await reload();
    }
    setDone(`account.done.${action.action}`);
    setAction(null);
    setTransferTo('');
  };

  const roleColumns: Column<Grant>[] = [
    { key: 'role', label: t('account.role'), cell: (r) => roleName(r.role), sortValue: (r) => roleName(r.role) },
    { key: 'unit', label: t('account.roleUnit'), cell: (r) => r.unit.name, sortValue: (r) => r.unit.name },
    { key: 'grantedAt', label: t('account.grantedAt'), cell: (r) => formatDate(r.grantedAt), sortValue: (r) => r.grantedAt },
  ];

  return (
    <div className="page" data-testid="account-page">
      <p className="breadcrumb">
        <Link to="/accounts">{t('accounts.title')}</Link> › <span>{account.username}</span>
      </p>
      <div className="page-head">
        <h1>
          {account.fullName} <StatusBadge status={account.status} />
        </h1>
        {able('update') && (
          <button type="button" className="btn" onClick={() => setEditing(true)}>
            {t('account.edit')}
          </button>
        )}
      </div>
      {done && (
        <Notice kind="success" testId="action-done">
          {t(done)}
        </Notice>
      )}
      {concurrent && (
        <Notice kind="warning" testId="concurrent-warning">
          ⚠ {t('account.concurrentWarning')}
        </Notice>
      )}
      {self && can(me, 'accounts.manage') && <Notice>{t('account.self')}</Notice>}

      <div className="cards">
        <section className="card">
          <h2>{t('account.details')}</h2>
          <dl className="facts" data-testid="account-facts">
            <dt>{t('accounts.username')}</dt>
            <dd>
              <code>{account.username}</code>
            </dd>
            <dt>{t('accounts.personalId')}</dt>
            <dd>
              <code>{account.personalId}</code>
            </dd>
            <dt>{t('accounts.position')}</dt>
            <dd>{account.position || t('common.none')}</dd>
            <dt>{t('accounts.unit')}</dt>
            <dd>
              {account.unit.name} <span className="muted">({account.unit.code})</span>
            </dd>
            <dt>{t('accounts.email')}</dt>
            <dd>{account.email || t('common.none')}</dd>
            <dt>{t('accounts.phone')}</dt>
            <dd>{account.phone || t('common.none')}</dd>
            <dt>{t('accounts.status')}</dt>
            <dd>
              <StatusBadge status={account.status} />
              {account.statusReason && (
                <span className="muted" data-testid="status-reason">
                  {' '}
                  — {t('account.statusReason')}: {account.statusReason}
                </span>
              )}
            </dd>
            <dt>{t('account.created')}</dt>
            <dd>{formatDate(account.createdAt)}</dd>
            <dt>{t('accounts.lastSignIn')}</dt>
            <dd>{account.lastSignInAt ? formatDateTime(account.lastSignInAt) : t('accounts.never')}</dd>
            <dt>{t('account.passwordChanged')}</dt>
            <dd>
              {formatDate(account.passwordChangedAt)}
              {account.mustChangePassword && <span className="badge badge-warning">{t('account.mustChange')}</span>}
            </dd>
            <dt>{t('account.passwordExpires')}</dt>
            <dd>{formatDate(account.passwordExpiresAt)}</dd>
            <dt>{t('account.otpEnabled')}</dt>
            <dd>
              {account.otpEnabled ? t('home.otpOn') : t('home.otpOff')}
              {account.otpRequired && <span className="muted"> ({t('account.otpRequired')})</span>}
            </dd>
          </dl>
        </section>
        {actions.length > 0 && (
          <section className="card card-aside" aria-labelledby="actions-title">
            <h2 id="actions-title">{t('account.actions')}</h2>
            <div className="action-list">
              {actions.map((a) => (
                <button key={a.action} type="button" className={a.danger ? 'btn btn-danger-outline' : 'btn'} onClick={() => setAction(a)} data-action={a.action}>
                  {t(a.label)}
                </button>
              ))}
            </div>
          </section>
        )}
      </div>

      {able('update') && <ResetRequests accountId={account.id} onDecided={() => void reload()} />}

      <section className="card">
        <h2>{t('account.rolesTitle')}</h2>
        <DataTable
          caption={t('account.rolesTitle')}
          columns={roleColumns}
          rows={account.roles}
          rowKey={(r) => r.id}
          empty={t('account.noRoles')}
          testId="roles-table"
          actions={(r) =>
            r.revocable && (
              <button type="button" className="btn btn-small" onClick={() => setRevoking(r)}>
                {t('account.revoke')}
              </button>
            )
          }
        />
        {able('grantRoles') && <GrantRoleForm account={account} onGranted={reload} />}
      </section>

      {able('endSessions') && (
        <section className="card">
          <h2>{t('account.sessionsTitle')}</h2>
          <SessionTable sessions={account.sessions} onEnd={setEndingSession} />
        </section>
      )}

      {action && (
        <ConfirmDialog
          title={t(action.label)}
          text={<p>{t(action.text)}</p>}
          confirmLabel={t(action.label)}
          danger={action.danger}
          requireReason
          canConfirm={action.action !== 'transfer' || !!transferTo}
          onClose={() => {
            setAction(null);
            setTransferTo('');
          }}
          onConfirm={runLifecycle}
        >
          {action.action === 'transfer' && (
            <Field label={t('account.transferTo')} required>
              {(fieldId) => (
                <UnitSelect id={fieldId} name="transferTo" value={transferTo} onChange={setTransferTo} emptyLabel={t('accounts.chooseUnit')} include={(u) => u.id !== account.unit.id} required />
              )}
            </Field>
          )}
        </ConfirmDialog>
      )}
      {editing && (
        <EditDialog
          account={account}
          onClose={() => setEditing(false)}
          onSaved={async () => {
            await reload();
            setEditing(false);
          }}
        />
      )}
      {revoking && (
        <ConfirmDialog
          title={t('account.revoke')}
          text={<p>{t('account.revokeConfirm', { role: roleName(revoking.role), unit: revoking.unit.name })}</p>}
          confirmLabel={t('account.revoke')}
          danger
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            await revoke.mutateAsync({ params: { path: { id: account.id, grantId: revoking.id } } });
            await reload();
            setRevoking(null);
          }}
        />
      )}
      {endingSession && (
        <ConfirmDialog
          title={t('sessions.end')}
          text={<p>{t('sessions.endConfirm')}</p>}
          confirmLabel={t('sessions.end')}
          danger
          onClose={() => setEndingSession(null)}
          onConfirm={async () => {
            await endSession.mutateAsync(at(endingSession.id));
            setEndingSession(null);
            await reload();
          }}
        />
      )}
    </div>
  );
}
