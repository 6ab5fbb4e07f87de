import { useState } from 'react';
import { $api, type ResetRequest } from '../../api/index.ts';
import { ConfirmDialog, ErrorBox, Modal, Notice, OneTimePassword } from '../../components.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { formatDateTime, useI18n, type MessageKey } from '../../i18n.ts';
import { Link } from '../../router.tsx';

/**
 * Issue 13 (finding 4): the resets waiting for approval, in the units one manages (or of one account). What each viewer
 * may do comes from the server's abilities: the one who asked sees "waiting", another admin approves or refuses, and
 * only the approver is shown the new one-time password, once (unless it went to the officer's e-mail).
 */
export function ResetRequests({ accountId, onDecided }: { accountId?: string; onDecided?: () => void }) {
  const { t } = useI18n();
  const requests = $api.useQuery('get', '/api/accounts/reset-requests', { params: { query: { accountId } } });
  const approve = $api.useMutation('post', '/api/accounts/reset-requests/{id}/approve');
  const refuse = $api.useMutation('post', '/api/accounts/reset-requests/{id}/refuse');
  const [deciding, setDeciding] = useState<{ request: ResetRequest; decision: 'approve' | 'refuse' } | null>(null);
  const [password, setPassword] = useState<string | null>(null);
  const [done, setDone] = useState<MessageKey | null>(null);

  if (requests.error) return <ErrorBox error={requests.error} />;
  const items = requests.data?.items;
  if (!items || (items.length === 0 && !done)) return null;

  const decide = async (reason: string) => {
    if (!deciding) return;
    const { request, decision } = deciding;
    const path = { params: { path: { id: request.id } } };
    if (decision === 'approve') {
      const answer = await approve.mutateAsync(path);
      setPassword(answer.oneTimePassword);
      setDone(answer.request.delivery === 'email' ? 'account.resets.emailed' : 'account.resets.approved');
    } else {
      await refuse.mutateAsync({ ...path, body: { reason } });
      setDone('account.resets.refused');
    }
    setDeciding(null);
    void requests.refetch();
    onDecided?.();
  };

  const columns: Column<ResetRequest>[] = [
    {
      key: 'kind',
      label: t('account.resets.kind'),
      cell: (r) => (
        <>
          {t(`account.resets.kind.${r.kind}`)}
          <div className="muted small">
            {t('common.reason')}: {r.reason}
          </div>
          {r.delivery && <div className="muted small">{r.delivery === 'email' ? t('account.resets.deliveryEmail', { email: r.email ?? '' }) : t('account.resets.deliveryApprover')}</div>}
        </>
      ),
    },
    ...(accountId
      ? []
      : [
          {
            key: 'account',
            label: t('account.resets.account'),
            cell: (r: ResetRequest) => (
              <>
                <Link to={`/accounts/${r.account.id}`}>{r.account.fullName}</Link> <span className="muted small">({r.account.unit.name})</span>
              </>
            ),
            sortValue: (r: ResetRequest) => r.account.fullName,
          },
        ]),
    {
      key: 'requestedBy',
      label: t('account.resets.requestedBy'),
      cell: (r) => (
        <>
          {r.requestedBy.fullName} <span className="muted small">({r.requestedBy.username})</span>
        </>
      ),
      sortValue: (r) => r.requestedBy.fullName,
    },
    { key: 'requestedAt', label: t('account.resets.requestedAt'), cell: (r) => formatDateTime(r.requestedAt), sortValue: (r) => r.requestedAt, nowrap: true },
    { key: 'expiresAt', label: t('account.resets.expiresAt'), cell: (r) => formatDateTime(r.expiresAt), sortValue: (r) => r.expiresAt, nowrap: true },
  ];

  return (
    <section className="card" data-testid="reset-requests" aria-labelledby="reset-requests-title">
      <h2 id="reset-requests-title">{t('account.resets.title', { n: items.length })}</h2>
      <p className="hint">{t('account.resets.intro')}</p>
      {done && (
        <Notice kind="success" testId="reset-decided">
          {t(done)}
        </Notice>
      )}
      {items.length > 0 && (
        <DataTable
          caption={t('account.resets.title', { n: items.length })}
          columns={columns}
          rows={items}
          rowKey={(r) => r.id}
          rowProps={(r) => ({ 'data-testid': 'reset-request', 'data-kind': r.kind })}
          empty={null}
          busy={requests.isFetching}
          actions={(r) => (
            <>
              {r.abilities.approve ? (
                <button type="button" className="btn btn-small btn-primary" onClick={() => setDeciding({ request: r, decision: 'approve' })} data-action="approve">
                  {t('account.resets.approve')}
                </button>
              ) : (
                <span className="badge badge-warning" data-testid="reset-waiting">
                  {t('account.resets.waiting')}
                </span>
              )}{' '}
              {r.abilities.refuse && (
                <button type="button" className="btn btn-small" onClick={() => setDeciding({ request: r, decision: 'refuse' })} data-action="refuse">
                  {t('account.resets.refuse')}
                </button>
              )}
            </>
          )}
        />
      )}
      {deciding && (
        <ConfirmDialog
          title={`${t(deciding.decision === 'approve' ? 'account.resets.approve' : 'account.resets.refuse')}: ${t(`account.resets.kind.${deciding.request.kind}`)} — ${deciding.request.account.fullName}`}
          text={<p>{t(deciding.decision === 'approve' ? 'account.resets.approveText' : 'account.resets.refuseText')}</p>}
          confirmLabel={t(deciding.decision === 'approve' ? 'account.resets.approve' : 'account.resets.refuse')}
          requireReason={deciding.decision === 'refuse'}
          onClose={() => setDeciding(null)}
          onConfirm={decide}
        />
      )}
      {password && (
        <Modal title={t('account.newPassword')} onClose={() => setPassword(null)} testId="new-password-dialog">
          <p>{t('account.resets.passwordOnce')}</p>
          <OneTimePassword password={password} />
          <div className="modal-actions">
            <button type="button" className="btn btn-primary" onClick={() => setPassword(null)}>
              {t('common.close')}
            </button>
          </div>
        </Modal>
      )}
    </section>
  );
}
