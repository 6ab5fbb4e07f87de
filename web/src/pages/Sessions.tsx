import { useState } from 'react';
import { del, type SessionInfo } from '../api/index.ts';
import { ConfirmDialog, ErrorBox, Loading, usePageTitle, useApi } from '../components.tsx';
import { formatDateTime, useI18n } from '../i18n.ts';
import { useSession } from '../session.ts';
import { describeUserAgent } from '../text.ts';

/** A table of live sessions; R16's concurrent sign-in is flagged. Used for one's own and on the account page. */
export function SessionTable({ sessions, onEnd }: { sessions: SessionInfo[]; onEnd?: (session: SessionInfo) => void }) {
  const { t } = useI18n();
  if (sessions.length === 0) return <p className="muted">{t('sessions.none')}</p>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="sessions-table">
        <thead>
          <tr>
            <th>{t('sessions.created')}</th>
            <th>{t('sessions.lastSeen')}</th>
            <th>{t('sessions.ip')}</th>
            <th>{t('sessions.device')}</th>
            <th>{t('sessions.status')}</th>
            {onEnd && <th className="actions-col">{t('sessions.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr key={s.id} className={s.current ? 'row-current' : undefined} data-testid="session-row">
              <td className="nowrap">{formatDateTime(s.createdAt)}</td>
              <td className="nowrap">{formatDateTime(s.lastSeenAt)}</td>
              <td>
                <code>{s.ip}</code>
              </td>
              <td title={s.userAgent}>{describeUserAgent(s.userAgent)}</td>
              <td>
                {s.current && <span className="badge badge-active">{t('sessions.current')}</span>}{' '}
                {s.concurrent && (
                  <span className="badge badge-warning" title={t('sessions.concurrentTitle')} data-testid="concurrent-badge">
                    ⚠ {t('sessions.concurrent')}
                  </span>
                )}
              </td>
              {onEnd && (
                <td className="actions-col">
                  <button type="button" className="btn btn-small" onClick={() => onEnd(s)}>
                    {t('sessions.end')}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SessionsPage() {
  const { t } = useI18n();
  const { signOut } = useSession();
  usePageTitle(t('sessions.title'));
  const { data, error, reload } = useApi<{ items: SessionInfo[] }>('/api/sessions');
  const [ending, setEnding] = useState<SessionInfo | null>(null);
  return (
    <div className="page">
      <h1>{t('sessions.title')}</h1>
      <p className="muted">{t('sessions.intro')}</p>
      <ErrorBox error={error} />
      {data ? (
        <section className="card table-card">
          <SessionTable sessions={data.items} onEnd={setEnding} />
        </section>
      ) : (
        !error && <Loading />
      )}
      {ending && (
        <ConfirmDialog
          title={t('sessions.end')}
          text={
            <>
              <p>{t('sessions.endConfirm')}</p>
              {ending.current && <p className="strong">{t('sessions.endCurrent')}</p>}
            </>
          }
          confirmLabel={t('sessions.end')}
          danger
          onClose={() => setEnding(null)}
          onConfirm={async () => {
            await del(`/api/sessions/${encodeURIComponent(ending.id)}`);
            if (ending.current) {
              await signOut('signedOut');
              return;
            }
            setEnding(null);
            reload();
          }}
        />
      )}
    </div>
  );
}
