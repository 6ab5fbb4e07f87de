import { useEffect, useState, type FormEvent } from 'react';
import { post, query, type AccountDetail, type AccountStatus, type AccountSummary } from '../../api/index.ts';
import { ConfirmDialog, DialogActions, ErrorBox, Field, Loading, Modal, Notice, OfficerFields, OneTimePassword, StatusBadge, useApi, usePageTitle } from '../../components.tsx';
import { useRoleName } from '../../components/names.ts';
import { formatDateTime, useI18n } from '../../i18n.ts';
import { Link, navigate } from '../../router.tsx';
import { can, useMe } from '../../session.ts';
import { describeUserAgent } from '../../text.ts';
import { UnitSelect } from '../../UnitSelect.tsx';
import { ResetRequests } from './AccountResets.tsx';

const PAGE_SIZE = 20;

/** R16: accounts signed in from two devices at once in the last 30 days, for those who manage sessions. */
function SharingSignals() {
  const { t } = useI18n();
  const { data } = useApi<{ items: { account: AccountSummary; at: string; ip: string; userAgent: string }[] }>('/api/accounts/sharing-signals');
  if (!data || data.items.length === 0) return null;
  return (
    <section className="card" data-testid="sharing-signals">
      <Notice kind="warning">{t('accounts.sharingIntro')}</Notice>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th>{t('accounts.fullName')}</th>
              <th>{t('accounts.unit')}</th>
              <th>{t('accounts.sharingAt')}</th>
              <th>{t('accounts.sharingFrom')}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((s) => (
              <tr key={`${s.account.id}-${s.at}`}>
                <td>
                  <Link to={`/accounts/${s.account.id}`}>{s.account.fullName}</Link>
                </td>
                <td>{s.account.unit.name}</td>
                <td className="nowrap">{formatDateTime(s.at)}</td>
                <td>
                  <code>{s.ip}</code> <span className="muted small">{describeUserAgent(s.userAgent)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

const emptyIssue = { username: '', fullName: '', personalId: '', position: '', email: '', phone: '', unitId: '' };

function IssueDialog({ defaultUnitId, onClose, onIssued }: { defaultUnitId: string; onClose: () => void; onIssued: (result: { account: AccountDetail | null; oneTimePassword: string }) => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState({ ...emptyIssue, unitId: defaultUnitId });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = (key: keyof typeof form) => (value: string) => setForm((f) => ({ ...f, [key]: value }));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onIssued(await post<{ account: AccountDetail | null; oneTimePassword: string }>('/api/accounts', { ...form, username: form.username.trim(), fullName: form.fullName.trim() }));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Modal title={t('accounts.issueTitle')} onClose={onClose} wide testId="issue-dialog">
      <form onSubmit={submit} autoComplete="off" noValidate>
        <p className="hint">{t('accounts.issueNote')}</p>
        <div className="form-grid">
          <OfficerFields form={form} set={set} />
        </div>
        <Field label={t('accounts.unit')} required>
          {(id) => <UnitSelect id={id} name="unitId" value={form.unitId} onChange={set('unitId')} emptyLabel={t('accounts.chooseUnit')} include={(u) => !!u.abilities?.issueAccount} required />}
        </Field>
        <ErrorBox error={error} testId="dialog-error" />
        <DialogActions onCancel={onClose} label={t('accounts.issue')} disabled={busy || !form.unitId || !form.username.trim() || !form.fullName.trim() || !form.personalId} />
      </form>
    </Modal>
  );
}

export function AccountsPage() {
  const { t } = useI18n();
  const me = useMe();
  const roleName = useRoleName();
  usePageTitle(t('accounts.title'));
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const [unitId, setUnitId] = useState('');
  const [status, setStatus] = useState<AccountStatus | ''>('');
  const [offset, setOffset] = useState(0);
  const [issuing, setIssuing] = useState(false);
  const [issued, setIssued] = useState<{ account: AccountDetail | null; oneTimePassword: string; username: string } | null>(null);
  const [requiring, setRequiring] = useState(false);
  const [required, setRequired] = useState<number | null>(null);

  // Search as the officer types, once they pause.
  useEffect(() => {
    const timer = window.setTimeout(() => {
      setSearch(q.trim());
      setOffset(0);
    }, 300);
    return () => window.clearTimeout(timer);
  }, [q]);

  const path = `/api/accounts${query({ q: search, unitId, status, limit: PAGE_SIZE, offset })}`;
  const { data, error, loading, reload } = useApi<{ total: number; items: AccountSummary[] }>(path);
  const manage = can(me, 'accounts.manage');

  return (
    <div className="page" data-testid="accounts-page">
      <div className="page-head">
        <h1>{t('accounts.title')}</h1>
        {manage && (
          <div className="button-row">
            <button type="button" className="btn btn-primary" onClick={() => setIssuing(true)} data-testid="issue-account">
              + {t('accounts.issue')}
            </button>
            <button type="button" className="btn" onClick={() => setRequiring(true)}>
              {t('accounts.requireChange')}
            </button>
          </div>
        )}
      </div>
      {required !== null && <Notice kind="success">{t('accounts.requireChangeDone', { n: required })}</Notice>}
      {can(me, 'sessions.manage') && <SharingSignals />}
      {manage && <ResetRequests />}
      <form className="toolbar" role="search" onSubmit={(e) => e.preventDefault()} autoComplete="off">
        <Field label={t('accounts.search')}>
          {(id) => <input id={id} type="search" name="q" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('accounts.searchPlaceholder')} data-testid="account-search" />}
        </Field>
        <Field label={t('accounts.unit')}>
          {(id) => (
            <UnitSelect
              id={id}
              name="unitFilter"
              value={unitId}
              onChange={(v) => {
                setUnitId(v);
                setOffset(0);
              }}
              emptyLabel={t('accounts.allUnits')}
            />
          )}
        </Field>
        <Field label={t('accounts.status')}>
          {(id) => (
            <select
              id={id}
              name="status"
              value={status}
              onChange={(e) => {
                setStatus(e.target.value as AccountStatus | '');
                setOffset(0);
              }}
            >
              <option value="">{t('accounts.allStatuses')}</option>
              <option value="active">{t('accounts.status.active')}</option>
              <option value="locked">{t('accounts.status.locked')}</option>
              <option value="left">{t('accounts.status.left')}</option>
            </select>
          )}
        </Field>
      </form>
      <ErrorBox error={error} />
      {!data && !error && <Loading />}
      {data && (
        <section className={loading ? 'card table-card is-loading' : 'card table-card'} aria-busy={loading}>
          {data.items.length === 0 ? (
            <p className="muted">{t('common.noResults')}</p>
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="accounts-table">
                <thead>
                  <tr>
                    <th>
                      {t('accounts.fullName')} / {t('accounts.username')}
                    </th>
                    <th>{t('accounts.position')}</th>
                    <th>{t('accounts.unit')}</th>
                    <th>{t('accounts.roles')}</th>
                    <th>{t('accounts.status')}</th>
                    <th>{t('accounts.lastSignIn')}</th>
                    <th>{t('accounts.otp')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((a) => (
                    <tr key={a.id} data-testid="account-row" data-username={a.username}>
                      <td className="nowrap">
                        <Link to={`/accounts/${a.id}`}>{a.fullName}</Link>
                        <div className="muted small">
                          <code>{a.username}</code>
                        </div>
                      </td>
                      <td>{a.position || t('common.none')}</td>
                      <td>{a.unit.name}</td>
                      <td>{a.roles.length ? a.roles.map(roleName).join(', ') : <span className="muted">{t('common.none')}</span>}</td>
                      <td>
                        <StatusBadge status={a.status} />
                      </td>
                      <td className="nowrap">{a.lastSignInAt ? formatDateTime(a.lastSignInAt) : <span className="muted">{t('accounts.never')}</span>}</td>
                      <td>{a.otpEnabled ? '✓' : <span className="muted">—</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <div className="pager">
            <span className="muted" data-testid="accounts-total">
              {t('common.showing', { from: data.total === 0 ? 0 : offset + 1, to: Math.min(offset + PAGE_SIZE, data.total), total: data.total })}
            </span>
            <button type="button" className="btn btn-small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
              ‹ {t('common.previous')}
            </button>
            <button type="button" className="btn btn-small" disabled={offset + PAGE_SIZE >= data.total} onClick={() => setOffset(offset + PAGE_SIZE)}>
              {t('common.next')} ›
            </button>
          </div>
        </section>
      )}
      {issuing && (
        <IssueDialog
          defaultUnitId={unitId}
          onClose={() => setIssuing(false)}
          onIssued={(result) => {
            setIssuing(false);
            setIssued({ ...result, username: result.account?.username ?? '' });
            reload();
          }}
        />
      )}
      {issued && (
        <Modal title={t('accounts.issued', { username: issued.username })} onClose={() => setIssued(null)} testId="issued-dialog">
          <OneTimePassword password={issued.oneTimePassword} />
          <div className="modal-actions">
            <button type="button" className="btn" onClick={() => setIssued(null)}>
              {t('common.close')}
            </button>
            {issued.account && (
              <button type="button" className="btn btn-primary" onClick={() => navigate(`/accounts/${issued.account!.id}`)}>
                {t('accounts.openIssued')}
              </button>
            )}
          </div>
        </Modal>
      )}
      {requiring && (
        <ConfirmDialog
          title={t('accounts.requireChangeTitle')}
          text={<p>{t('accounts.requireChangeText')}</p>}
          confirmLabel={t('accounts.requireChange')}
          requireReason
          danger
          onClose={() => setRequiring(false)}
          onConfirm={async (reason) => {
            const result = await post<{ accounts: number }>('/api/accounts/require-password-change', { reason });
            setRequiring(false);
            setRequired(result.accounts);
            reload();
          }}
        />
      )}
    </div>
  );
}
