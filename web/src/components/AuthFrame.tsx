import type { ReactNode } from 'react';
import { useProvince } from '../api/index.ts';
import { LangSwitch } from '../components.tsx';
import { useI18n } from '../i18n.ts';

export function Brand() {
  const { t } = useI18n();
  const province = useProvince().data?.name;
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
