import { $api, queryClient } from './api/index.ts';
import { formatDateTime, useI18n } from './i18n.ts';
import { useFreshWhileActive } from './polling.ts';
import { can, useMe } from './session.ts';

/** A lookup was just refused for a suspension or a disconnection: show it now rather than at the next refresh. */
export const refreshNpdStatus = () => void queryClient.invalidateQueries({ queryKey: ['get', '/api/npd/status'] });

/**
 * R43: officers who look citizens up see at once that lookups are cut (by the ministry, or by the kill switch),
 * and that everything else still works. Asked again on navigation and every minute while the officer is active
 * (an idle screen must not ask: R48, see polling.ts).
 */
export function NpdBanner() {
  const me = useMe();
  const allowed = can(me, 'npd.lookup');
  return allowed ? <StatusBanner /> : null;
}

function StatusBanner() {
  const { t } = useI18n();
  const query = $api.useQuery('get', '/api/npd/status');
  useFreshWhileActive(query);
  const status = query.data;
  if (!status || (!status.disconnectedSince && !status.suspension)) return null;
  return (
    <div className="npd-banner" data-testid="npd-banner">
      {status.disconnectedSince && (
        <div className="alert alert-error alert-banner" role="alert" data-testid="npd-disconnected-banner">
          <svg className="alert-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
            <circle cx="12" cy="12" r="11" fill="currentColor" />
            <rect x="10.7" y="5.5" width="2.6" height="8.5" rx="1.2" fill="#fff" />
            <circle cx="12" cy="17.6" r="1.6" fill="#fff" />
          </svg>
          <div>{t('npd.banner.disconnected', { time: formatDateTime(status.disconnectedSince) })}</div>
        </div>
      )}
      {status.suspension && (
        <div className="alert alert-warning alert-banner" role="alert" data-testid="npd-suspended-banner" data-scope={status.suspension.scope}>
          <div>{t('npd.banner.suspended', { scope: status.suspension.unitName ?? t(`npd.scope.${status.suspension.scope}`), reason: status.suspension.reason })}</div>
        </div>
      )}
    </div>
  );
}
