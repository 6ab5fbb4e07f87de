import type { SessionInfo } from '../api/index.ts';
import { formatDateTime, useI18n } from '../i18n.ts';
import { describeUserAgent } from '../text.ts';
import { DataTable, type Column } from './DataTable.tsx';

/** A table of live sessions; R16's concurrent sign-in is flagged. Used for one's own and on the account page. */
export function SessionTable({ sessions, onEnd }: { sessions: SessionInfo[]; onEnd?: (session: SessionInfo) => void }) {
  const { t } = useI18n();
  const columns: Column<SessionInfo>[] = [
    { key: 'created', label: t('sessions.created'), cell: (s) => formatDateTime(s.createdAt), sortValue: (s) => s.createdAt, nowrap: true },
    { key: 'lastSeen', label: t('sessions.lastSeen'), cell: (s) => formatDateTime(s.lastSeenAt), sortValue: (s) => s.lastSeenAt, nowrap: true },
    { key: 'ip', label: t('sessions.ip'), cell: (s) => <code>{s.ip}</code> },
    { key: 'device', label: t('sessions.device'), cell: (s) => <span title={s.userAgent}>{describeUserAgent(s.userAgent)}</span> },
    {
      key: 'status',
      label: t('sessions.status'),
      cell: (s) => (
        <>
          {s.current && <span className="badge badge-active">{t('sessions.current')}</span>}{' '}
          {s.concurrent && (
            <span className="badge badge-warning" title={t('sessions.concurrentTitle')} data-testid="concurrent-badge">
              ⚠ {t('sessions.concurrent')}
            </span>
          )}
        </>
      ),
    },
  ];
  return (
    <DataTable
      caption={t('sessions.title')}
      columns={columns}
      rows={sessions}
      rowKey={(s) => s.id}
      empty={t('sessions.none')}
      rowProps={(s) => ({ className: s.current ? 'row-current' : undefined, 'data-testid': 'session-row' })}
      actions={
        onEnd &&
        ((s) => (
          <button type="button" className="btn btn-small" onClick={() => onEnd(s)}>
            {t('sessions.end')}
          </button>
        ))
      }
      testId="sessions-table"
    />
  );
}
