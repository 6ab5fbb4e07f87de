import type { SessionInfo } from '../api/index.ts';
import { formatDateTime, useI18n } from '../i18n.ts';
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
