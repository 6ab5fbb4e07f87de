import type { ReactNode } from 'react';
import { LangSwitch } from './components.tsx';
import { useI18n, type MessageKey } from './i18n.ts';
import { NotificationBell } from './NotificationBell.tsx';
import { NpdBanner } from './NpdBanner.tsx';
import { Link, usePath } from './router.tsx';
import { can, DOSSIER_PERMISSIONS, useMe, useSession } from './session.ts';
import { provinceStore } from './stores.ts';

function Brand() {
  const { t } = useI18n();
  const province = provinceStore.use().data?.name;
  return (
    <div className="brand">
      <img className="brand-mark" src="/favicon.svg" alt="" width={40} height={40} />
      <div>
        <div className="brand-system">{t('app.system')}</div>
        <div className="brand-province" data-testid="province-name">
          {province ?? t('app.systemShort')}
        </div>
      </div>
    </div>
  );
}

/** The frame of the sign-in steps: no navigation until the officer is fully signed in. */
export function AuthFrame({ title, children, wide, onSignOut }: { title: string; children: ReactNode; wide?: boolean; onSignOut?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="auth-page">
      <header className="topbar">
        <Brand />
        <div className="topbar-right">
          <LangSwitch />
          {onSignOut && (
            <button type="button" className="btn btn-light" onClick={onSignOut}>
              {t('nav.signOut')}
            </button>
          )}
        </div>
      </header>
      <main id="main" className={wide ? 'auth-main auth-main-wide' : 'auth-main'}>
        <section className="card auth-card">
          <h1>{title}</h1>
          {children}
        </section>
      </main>
    </div>
  );
}

/** A menu item shows when the officer holds one of its permissions (or always, without any). */
const NAV: { to: string; label: MessageKey; permissions?: string[] }[] = [
  { to: '/', label: 'nav.home' },
  { to: '/reception', label: 'nav.reception', permissions: ['dossiers.receive'] },
  { to: '/dossiers', label: 'nav.dossiers', permissions: DOSSIER_PERMISSIONS },
  { to: '/statistics', label: 'nav.statistics', permissions: ['statistics.read'] },
  { to: '/accounts', label: 'nav.accounts', permissions: ['accounts.read'] },
  { to: '/units', label: 'nav.units' },
  { to: '/sessions', label: 'nav.sessions' },
  { to: '/journal', label: 'nav.journal', permissions: ['journal.read'] },
  { to: '/security', label: 'nav.security', permissions: ['monitoring.read'] },
  { to: '/security/cases', label: 'nav.securityCases', permissions: ['monitoring.read'] },
  { to: '/security/rules', label: 'nav.securityRules', permissions: ['monitoring.read'] },
  { to: '/incidents', label: 'nav.incidents', permissions: ['incidents.read'] },
  { to: '/npd/suspensions', label: 'nav.npdSuspensions', permissions: ['npd.audit'] },
  { to: '/npd/reconciliation', label: 'nav.npdReconciliation', permissions: ['npd.audit'] },
  { to: '/npd/connection', label: 'nav.npdConnection', permissions: ['npd.configure'] },
  { to: '/integrations', label: 'nav.integrations', permissions: ['integrations.manage'] },
  { to: '/password', label: 'nav.password' },
];

/** Header with the province and the signed-in officer, navigation on the left. */
export function Shell({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const me = useMe();
  const { signOut } = useSession();
  const path = usePath();
  const items = NAV.filter((item) => !item.permissions || item.permissions.some((p) => can(me, p)));
  // The deepest item that holds the page: /security/cases/… is under "cases", not under the dashboard at /security.
  const current = items
    .filter((item) => (item.to === '/' ? path === '/' : path === item.to || path.startsWith(`${item.to}/`)))
    .sort((a, b) => b.to.length - a.to.length)[0]?.to;
  const active = (to: string) => to === current;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="topbar">
        <Brand />
        <div className="topbar-right">
          <LangSwitch />
          <NotificationBell />
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
        <nav className="sidenav" aria-label={t('nav.label')}>
          <ul>
            {items.map((item) => (
              <li key={item.to}>
                <Link to={item.to} className={active(item.to) ? 'active' : undefined} aria-current={active(item.to) ? 'page' : undefined}>
                  {t(item.label)}
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
