import { useState } from 'react';
import { del, patch, post, useRoles, type AccountAbility, type AccountDetail, type SessionInfo } from '../../api/index.ts';
import { ConfirmDialog, DialogActions, ErrorBox, Field, Loading, Modal, Notice, StatusBadge, useApi, usePageTitle, useSubmit } from '../../components.tsx';
import { useRoleName } from '../../components/names.ts';
import { SessionTable } from '../../components/SessionTable.tsx';
import { formatDate, formatDateTime, useI18n, type MessageKey } from '../../i18n.ts';
import { Link } from '../../router.tsx';
import { can, useMe } from '../../session.ts';
import { UnitSelect } from '../../UnitSelect.tsx';
import { ResetRequests } from './AccountResets.tsx';

type Lifecycle = 'lock' | 'unlock' | 'transfer' | 'leave' | 'resetPassword' | 'resetOtp';

const LIFECYCLE: { action: Lifecycle; path: string; label: MessageKey; text: MessageKey; danger: boolean }[] = [
  { action: 'lock', path: 'lock', label: 'account.lock', text: 'account.lockText', danger: true },
  { action: 'unlock', path: 'unlock', label: 'account.unlock', text: 'account.unlockText', danger: false },
  { action: 'resetPassword', path: 'reset-password', label: 'account.resetPassword', text: 'account.resetPasswordText', danger: false },
  { action: 'resetOtp', path: 'reset-otp', label: 'account.resetOtp', text: 'account.resetOtpText', danger: false },
  { action: 'transfer', path: 'transfer', label: 'account.transfer', text: 'account.transferText', danger: true },
  { action: 'leave', path: 'leave', label: 'account.leave', text: 'account.leaveText', danger: true },
];

function EditDialog({ account, onClose, onSaved }: { account: AccountDetail; onClose: () => void; onSaved: (a: AccountDetail) => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState({ fullName: account.fullName, position: account.position, email: account.email, phone: account.phone });
  const { busy, error, submit } = useSubmit(async () => onSaved(await patch<AccountDetail>(`/api/accounts/${account.id}`, form)), { keepBusy: true });
  const input = (key: keyof typeof form, label: string, type = 'text', required = false) => (
    <Field label={label} required={required}>
      {(id) => <input id={id} name={key} type={type} value={form[key]} onChange={(e) => setForm((f) => ({ ...f, [key]: e.target.value }))} autoComplete="off" required={required} />}
    </Field>
  );
  return (
    <Modal title={t('account.editTitle')} onClose={onClose}>
      <form onSubmit={submit} autoComplete="off" noValidate>
        {input('fullName', t('accounts.fullName'), 'text', true)}
        {input('position', t('accounts.position'))}
        {input('email', t('accounts.email'), 'email')}
        {input('phone', t('accounts.phone'), 'tel')}
        <ErrorBox error={error} testId="dialog-error" />
        <DialogActions onCancel={onClose} label={t('common.save')} disabled={busy} />
      </form>
    </Modal>
  );
}

function GrantRoleForm({ account, onGranted }: { account: AccountDetail; onGranted: (a: AccountDetail) => void }) {
  const { t, lang } = useI18n();
  const { data: roles } = useRoles();
  const [role, setRole] = useState('');
  const [unitId, setUnitId] = useState(account.unit.id);
  const { busy, error, submit } = useSubmit(async () => {
    onGranted(await post<AccountDetail>(`/api/accounts/${account.id}/roles`, { role, unitId }));
    setRole('');
  });
  return (
    <form className="grant-form" onSubmit={submit} autoComplete="off" data-testid="grant-form">
      <Field label={t('account.role')} required>
        {(id) => (
          <select id={id} name="role" value={role} onChange={(e) => setRole(e.target.value)} required>
            <option value="">{t('account.chooseRole')}</option>
            {roles?.map((r) => (
              <option key={r.role} value={r.role}>
                {lang === 'vi' ? r.nameVi : r.nameEn}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('account.roleUnit')} required>
        {(id) => <UnitSelect id={id} name="roleUnit" value={unitId} onChange={setUnitId} emptyLabel={t('accounts.chooseUnit')} required />}
      </Field>
      <button type="submit" className="btn btn-primary" disabled={busy || !role || !unitId}>
        {t('account.grant')}
      </button>
      <ErrorBox error={error} />
    </form>
  );
}

export function AccountDetailPage({ id }: { id: string }) {
  const { t } = useI18n();
  const me = useMe();
  const roleName = useRoleName();
  const { data: account, error, setData, reload } = useApi<AccountDetail>(`/api/accounts/${encodeURIComponent(id)}`);
  usePageTitle(account ? t('account.title', { username: account.username }) : t('accounts.title'));
  const [action, setAction] = useState<(typeof LIFECYCLE)[number] | null>(null);
  const [transferTo, setTransferTo] = useState('');
  const [editing, setEditing] = useState(false);
  // a new reset request shows at once in the list of those waiting for approval
  const [resetsVersion, setResetsVersion] = useState(0);
  const [revoking, setRevoking] = useState<AccountDetail['roles'][number] | null>(null);
  const [endingSession, setEndingSession] = useState<SessionInfo | null>(null);
  const [done, setDone] = useState<MessageKey | null>(null);

  if (!account) {
    return <div className="page">{error ? <ErrorBox error={error} /> : <Loading />}</div>;
  }
  const able = (ability: AccountAbility) => account.abilities[ability] === true;
  const actions = LIFECYCLE.filter((a) => able(a.action));
  const concurrent = account.sessions.some((s) => s.concurrent);
  const self = account.id === me.account.id;

  const runLifecycle = async (reason: string) => {
    if (!action) return;
    const url = `/api/accounts/${account.id}/${action.path}`;
    if (action.action === 'resetPassword' || action.action === 'resetOtp') {
      // only a request: another administrator approves it, and the new password is never shown here
      await post(url, { reason });
      setResetsVersion((v) => v + 1);
    } else if (action.action === 'transfer') {
      // Only into a unit one administers (the server refuses others), so the account stays in view.
      setData((await post<{ account: AccountDetail }>(url, { reason, unitId: transferTo })).account);
    } else {
      setData(await post<AccountDetail>(url, { reason }));
    }
    setDone(`account.done.${action.action}`);
    setAction(null);
    setTransferTo('');
  };

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

      {able('update') && <ResetRequests key={resetsVersion} accountId={account.id} onDecided={reload} />}

      <section className="card">
        <h2>{t('account.rolesTitle')}</h2>
        {account.roles.length === 0 ? (
          <p className="muted">{t('account.noRoles')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="roles-table">
              <thead>
                <tr>
                  <th>{t('account.role')}</th>
                  <th>{t('account.roleUnit')}</th>
                  <th>{t('account.grantedAt')}</th>
                  <th className="actions-col">{t('sessions.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {account.roles.map((r) => (
                  <tr key={r.id}>
                    <td>{roleName(r.role)}</td>
                    <td>{r.unit.name}</td>
                    <td>{formatDate(r.grantedAt)}</td>
                    <td className="actions-col">
                      {r.revocable && (
                        <button type="button" className="btn btn-small" onClick={() => setRevoking(r)}>
                          {t('account.revoke')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {able('grantRoles') && <GrantRoleForm account={account} onGranted={setData} />}
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
          onSaved={(a) => {
            setEditing(false);
            setData(a);
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
            setData(await del<AccountDetail>(`/api/accounts/${account.id}/roles/${revoking.id}`));
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
            await del(`/api/sessions/${encodeURIComponent(endingSession.id)}`);
            setEndingSession(null);
            reload();
          }}
        />
      )}
    </div>
  );
}
