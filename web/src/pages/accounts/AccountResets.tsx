import { useState } from 'react';
import { post, query, type ResetRequest } from '../../api/index.ts';
import { ConfirmDialog, ErrorBox, Modal, Notice, OneTimePassword, useApi } from '../../components.tsx';
import { formatDateTime, useI18n, type MessageKey } from '../../i18n.ts';
import { Link } from '../../router.tsx';

/** A password or one-time-code reset waiting for a second administrator (GET /api/accounts/reset-requests). */

/**
 * Issue 13 (finding 4): the resets waiting for approval, in the units one manages (or of one account). What each viewer
 * may do comes from the server's abilities: the one who asked sees "waiting", another admin approves or refuses, and
 * only the approver is shown the new one-time password, once (unless it went to the officer's e-mail).
 */
export function ResetRequests({ accountId, onDecided }: { accountId?: string; onDecided?: () => void }) {
  const { t } = useI18n();
  const { data, error, reload } = useApi<{ items: ResetRequest[] }>(`/api/accounts/reset-requests${query({ accountId })}`);
  const [deciding, setDeciding] = useState<{ request: ResetRequest; decision: 'approve' | 'refuse' } | null>(null);
  const [password, setPassword] = useState<string | null>(null);
  const [done, setDone] = useState<MessageKey | null>(null);

  if (error) return <ErrorBox error={error} />;
  if (!data || (data.items.length === 0 && !done)) return null;

  const decide = async (reason: string) => {
    if (!deciding) return;
    const { request, decision } = deciding;
    if (decision === 'approve') {
      const answer = await post<{ request: ResetRequest; oneTimePassword: string | null }>(`/api/accounts/reset-requests/${request.id}/approve`);
      setPassword(answer.oneTimePassword);
      setDone(answer.request.delivery === 'email' ? 'account.resets.emailed' : 'account.resets.approved');
    } else {
      await post(`/api/accounts/reset-requests/${request.id}/refuse`, { reason });
      setDone('account.resets.refused');
    }
    setDeciding(null);
    reload();
    onDecided?.();
  };

  return (
    <section className="card" data-testid="reset-requests" aria-labelledby="reset-requests-title">
      <h2 id="reset-requests-title">
        {t('account.resets.title', { n: data.items.length })}
      </h2>
      <p className="hint">{t('account.resets.intro')}</p>
      {done && (
        <Notice kind="success" testId="reset-decided">
          {t(done)}
        </Notice>
      )}
      {data.items.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>{t('account.resets.kind')}</th>
                {!accountId && <th>{t('account.resets.account')}</th>}
                <th>{t('account.resets.requestedBy')}</th>
                <th>{t('account.resets.requestedAt')}</th>
                <th>{t('account.resets.expiresAt')}</th>
                <th className="actions-col">{t('sessions.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((r) => (
                <tr key={r.id} data-testid="reset-request" data-kind={r.kind}>
                  <td>
                    {t(`account.resets.kind.${r.kind}`)}
                    <div className="muted small">
                      {t('common.reason')}: {r.reason}
                    </div>
                    {r.delivery && (
                      <div className="muted small">{r.delivery === 'email' ? t('account.resets.deliveryEmail', { email: r.email ?? '' }) : t('account.resets.deliveryApprover')}</div>
                    )}
                  </td>
                  {!accountId && (
                    <td>
                      <Link to={`/accounts/${r.account.id}`}>{r.account.fullName}</Link> <span className="muted small">({r.account.unit.name})</span>
                    </td>
                  )}
                  <td>
                    {r.requestedBy.fullName} <span className="muted small">({r.requestedBy.username})</span>
                  </td>
                  <td className="nowrap">{formatDateTime(r.requestedAt)}</td>
                  <td className="nowrap">{formatDateTime(r.expiresAt)}</td>
                  <td className="actions-col">
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
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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
