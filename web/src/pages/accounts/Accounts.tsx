import { keepPreviousData } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { issueAccountBody } from '../../../../common/schemas/accounts.ts';
import { $api, queryClient, type AccountDetail, type AccountStatus, type Answer, type SharingSignal } from '../../api/index.ts';
import { ConfirmDialog, Field, Modal, Notice, OneTimePassword, StatusBadge, usePageTitle } from '../../components.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { FormDialog, FormField, useZodForm } from '../../components/form.tsx';
import { Loaded } from '../../components/Loaded.tsx';
import { useRoleName } from '../../components/names.ts';
import { formatDateTime, useI18n } from '../../i18n.ts';
import { Link, navigate } from '../../router.tsx';
import { can, useMe } from '../../session.ts';
import { describeUserAgent } from '../../text.ts';
import { UnitSelect } from '../../UnitSelect.tsx';
import { ResetRequests } from './AccountResets.tsx';
import { OfficerFields } from '../../components/OfficerFields.tsx';

const PAGE_SIZE = 20;

type Listed = Answer<'/api/accounts'>['items'][number];
type Issued = Answer<'/api/accounts', 'post'>;

/** R16: accounts signed in from two devices at once in the last 30 days, for those who manage sessions. */
function SharingSignals() {
  const { t } = useI18n();
  const { data } = $api.useQuery('get', '/api/accounts/sharing-signals');
  if (!data || data.items.length === 0) return null;
  const columns: Column<SharingSignal>[] = [
    { key: 'name', label: t('accounts.fullName'), cell: (s) => <Link to={`/accounts/${s.account.id}`}>{s.account.fullName}</Link>, sortValue: (s) => s.account.fullName },
    { key: 'unit', label: t('accounts.unit'), cell: (s) => s.account.unit.name, sortValue: (s) => s.account.unit.name },
    { key: 'at', label: t('accounts.sharingAt'), cell: (s) => formatDateTime(s.at), sortValue: (s) => s.at, nowrap: true },
    {
      key: 'from',
      label: t('accounts.sharingFrom'),
      cell: (s) => (
        <>
          <code>{s.ip}</code> <span className="muted small">{describeUserAgent(s.userAgent)}</span>
        </>
      ),
    },
  ];
  return (
    <section className="card" data-testid="sharing-signals">
      <Notice kind="warning">{t('accounts.sharingIntro')}</Notice>
      <DataTable caption={t('accounts.sharingIntro')} columns={columns} rows={data.items} rowKey={(s) => `${s.account.id}-${s.at}`} empty={null} />
    </section>
  );
}

function IssueDialog({ defaultUnitId, onClose, onIssued }: { defaultUnitId: string; onClose: () => void; onIssued: (result: Issued) => void }) {
  const { t } = useI18n();
  const form = useZodForm(issueAccountBody, { username: '', fullName: '', personalId: '', position: '', email: '', phone: '', unitId: defaultUnitId });
  const issue = $api.useMutation('post', '/api/accounts');
  return (
    <FormDialog title={t('accounts.issueTitle')} form={form} onSubmit={async (body) => onIssued(await issue.mutateAsync({ body }))} onClose={onClose} submitLabel={t('accounts.issue')} testId="issue-dialog">
      <p className="hint">{t('accounts.issueNote')}</p>
      <div className="form-grid">
        <OfficerFields form={form} />
      </div>
      <FormField form={form} name="unitId" label={t('accounts.unit')} required>
        {(field) => (
          <UnitSelect
            id={field.id}
            name={field.name}
            describedBy={field['aria-describedby']}
            value={form.watch('unitId')}
            onChange={(unitId) => form.setValue('unitId', unitId, { shouldValidate: form.formState.isSubmitted, shouldTouch: true })}
            emptyLabel={t('accounts.chooseUnit')}
            include={(u) => !!u.abilities?.issueAccount}
            required
          />
        )}
      </FormField>
    </FormDialog>
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

  // the page shown stays on screen (dimmed) while the next one is asked for
  const accounts = $api.useQuery(
    'get',
    '/api/accounts',
    { params: { query: { q: search || undefined, unitId: unitId || undefined, status: status || undefined, limit: PAGE_SIZE, offset } } },
    { placeholderData: keepPreviousData },
  );
  const reload = () => void queryClient.invalidateQueries({ queryKey: ['get', '/api/accounts'] });
  const requireChange = $api.useMutation('post', '/api/accounts/require-password-change');
  const manage = can(me, 'accounts.manage');

  const columns: Column<Listed>[] = [
    {
      key: 'name',
      label: `${t('accounts.fullName')} / ${t('accounts.username')}`,
      cell: (a) => (
        <>
          <Link to={`/accounts/${a.id}`}>{a.fullName}</Link>
          <div className="muted small">
            <code>{a.username}</code>
          </div>
        </>
      ),
      sortValue: (a) => a.fullName,
      nowrap: true,
    },
    { key: 'position', label: t('accounts.position'), cell: (a) => a.position || t('common.none'), sortValue: (a) => a.position || null },
    { key: 'unit', label: t('accounts.unit'), cell: (a) => a.unit.name, sortValue: (a) => a.unit.name },
    { key: 'roles', label: t('accounts.roles'), cell: (a) => (a.roles.length ? a.roles.map(roleName).join(', ') : <span className="muted">{t('common.none')}</span>) },
    { key: 'status', label: t('accounts.status'), cell: (a) => <StatusBadge status={a.status} />, sortValue: (a) => t(`accounts.status.${a.status}`) },
    {
      key: 'lastSignIn',
      label: t('accounts.lastSignIn'),
      cell: (a) => (a.lastSignInAt ? formatDateTime(a.lastSignInAt) : <span className="muted">{t('accounts.never')}</span>),
      sortValue: (a) => a.lastSignInAt,
      nowrap: true,
    },
    { key: 'otp', label: t('accounts.otp'), cell: (a) => (a.otpEnabled ? '✓' : <span className="muted">—</span>) },
  ];

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
      <Loaded query={accounts}>
        {(data) => (
          <section className="card table-card">
            <DataTable
              caption={t('accounts.title')}
              columns={columns}
              rows={data.items}
              rowKey={(a) => a.id}
              rowHref={(a) => `/accounts/${a.id}`}
              rowProps={(a) => ({ 'data-testid': 'account-row', 'data-username': a.username })}
              empty={t('common.noResults')}
              busy={accounts.isFetching}
              testId="accounts-table"
            />
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
      </Loaded>
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
            const result = await requireChange.mutateAsync({ body: { reason } });
            setRequiring(false);
            setRequired(result.accounts);
            reload();
          }}
        />
      )}
    </div>
  );
}
