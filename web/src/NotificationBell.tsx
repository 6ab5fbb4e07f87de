import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { $api, queryClient, type AppNotification, type Notifications } from './api/index.ts';
import { ErrorBox } from './components.tsx';
import { formatDateTime, useI18n } from './i18n.ts';
import { useFreshWhileActive } from './polling.ts';
import { Link } from './router.tsx';

/** Shown in the menu: the latest few; the rest are older news. */
const SHOWN = 10;

/** Where a notification leads: its case or its incident. */
function pathOf(n: AppNotification): string | null {
  if (n.target.type === 'monitoring_case') return `/security/cases/${n.target.id}`;
  if (n.target.type === 'incident') return `/incidents/${n.target.id}`;
  if (n.target.type === 'account') return `/accounts/${n.target.id}`;
  return null;
}

/**
 * The officer's notifications (alerts for security officers): an unread count in the header, the latest in a menu.
 * Asked on navigation and every minute while the officer is active (polling.ts); opening the menu marks them read.
 */
export function NotificationBell() {
  const { t, lang } = useI18n();
  const notifications = $api.useQuery('get', '/api/notifications');
  useFreshWhileActive(notifications);
  const markRead = $api.useMutation('post', '/api/notifications/read');
  const state = notifications.data;
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
  /** What was unread when the menu opened, so it still stands out while the menu is open. */
  const [fresh, setFresh] = useState<Set<number>>(new Set());
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menuId = useId();

  const close = useCallback((focusButton: boolean) => {
    setOpen(false);
    if (focusButton) button.current?.focus();
  }, []);

  const toggle = async () => {
    if (open) return close(false);
    setOpen(true);
    setError(null);
    try {
      const { data: latest } = await notifications.refetch({ throwOnError: true });
      if (!latest) return;
      setFresh(new Set(latest.items.filter((n) => !n.read).map((n) => n.id)));
      if (latest.unread > 0) {
        await markRead.mutateAsync({});
        queryClient.setQueryData<Notifications>(['get', '/api/notifications'], { unread: 0, items: latest.items.map((n) => ({ ...n, read: true })) });
      }
    } catch (e) {
      setError(e);
    }
  };

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) close(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') close(true);
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open, close]);

  const unread = state?.unread ?? 0;
  const items = state?.items.slice(0, SHOWN) ?? [];
  return (
    <div className="bell" ref={root}>
      <button
        ref={button}
        type="button"
        className={unread > 0 ? 'bell-button bell-button-unread' : 'bell-button'}
        aria-label={unread > 0 ? t('bell.labelUnread', { n: unread }) : t('bell.label')}
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => void toggle()}
        data-testid="bell"
        data-unread={unread}
      >
        <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
          <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z" />
        </svg>
        {unread > 0 && (
          <span className="bell-count" aria-hidden="true" data-testid="bell-count">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div className="bell-panel" id={menuId} role="region" aria-labelledby={`${menuId}-title`} data-testid="bell-panel">
          <h2 className="bell-title" id={`${menuId}-title`}>
            {t('bell.label')}
          </h2>
          <ErrorBox error={error} />
          {state && items.length === 0 && <p className="muted bell-empty">{t('bell.empty')}</p>}
          {items.length > 0 && (
            <ul className="bell-list">
              {items.map((n) => {
                const to = pathOf(n);
                const body = (
                  <>
                    <span className="bell-text">
                      {fresh.has(n.id) && <span className="badge badge-locked bell-new">{t('bell.new')}</span>} {lang === 'vi' ? n.textVi : n.textEn}
                    </span>
                    <time className="muted small" dateTime={n.at}>
                      {formatDateTime(n.at)}
                    </time>
                  </>
                );
                return (
                  <li key={n.id} className={fresh.has(n.id) ? 'bell-item bell-item-fresh' : 'bell-item'} data-testid="bell-item" data-kind={n.kind}>
                    {to ? (
                      <Link to={to} onClick={() => close(false)}>
                        {body}
                      </Link>
                    ) : (
                      <div>{body}</div>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
