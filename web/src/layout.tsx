import { useEffect, useId, useState, type KeyboardEvent, type ReactNode } from 'react';
import { LangSwitch } from './components.tsx';
import { Brand } from './components/AuthFrame.tsx';
import { useI18n } from './i18n.ts';
import { NotificationBell } from './NotificationBell.tsx';
import { NpdBanner } from './NpdBanner.tsx';
import { Link, usePath } from './router.tsx';
import { currentNav, mayOpen, ROUTES } from './routes.tsx';
import { useMe, useSession } from './session.ts';

/** Header with the province and the signed-in officer, navigation on the left. */
export function Shell({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const me = useMe();
  const { signOut } = useSession();
  const path = usePath();
  const items = ROUTES.filter((route) => route.nav && mayOpen(route, me.permissions));
  const current = currentNav(path, items);
  const active = (to: string) => to === current;
  // On a narrow screen (a phone) the menu, the officer and the sign-out wait behind the "Menu" button (WCAG 1.4.10:
  // the header leaves the first screen to the page); on a wide one the button is not shown and everything is.
  const [menuOpen, setMenuOpen] = useState(false);
  const navId = useId();
  useEffect(() => setMenuOpen(false), [path]);
  const closeOnEscape = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || !menuOpen) return;
    setMenuOpen(false);
    document.getElementById(`${navId}-toggle`)?.focus();
  };
  return (
    <div className={menuOpen ? 'shell menu-open' : 'shell'} onKeyDown={closeOnEscape}>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="topbar">
        <Brand />
        <div className="topbar-right">
          <LangSwitch />
          <NotificationBell />
          <button
            type="button"
            id={`${navId}-toggle`}
            className="btn btn-light menu-toggle"
            aria-expanded={menuOpen}
            aria-controls={navId}
            onClick={() => setMenuOpen((open) => !open)}
            data-testid="menu-toggle"
          >
            <span className="menu-toggle-icon" aria-hidden="true" />
            {t('nav.menu')}
          </button>
          <div className="officer" data-testid="signed-in-officer">
            <div className="officer-name">{me.account.fullName}</div>
            <div className="officer-unit">
              {me.account.username} · {me.account.unit.name}
            </div>
          </div>
          <button type="button" className="btn btn-light" onClick={() => void signOut()} data-testid="sign-out">
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <div className="shell-body">
        <nav className="sidenav" id={navId} aria-label={t('nav.label')}>
          <ul>
            {items.map((item) => (
              <li key={item.pattern}>
                <Link to={item.pattern} className={active(item.pattern) ? 'active' : undefined} aria-current={active(item.pattern) ? 'page' : undefined}>
                  {t(item.nav!)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="content">
          <NpdBanner />
          {children}
        </main>
      </div>
    </div>
  );
}
