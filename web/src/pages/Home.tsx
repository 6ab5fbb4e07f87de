import { Notice, usePageTitle } from '../components.tsx';
import { describeDuration, formatDate, useI18n } from '../i18n.ts';
import { Link } from '../router.tsx';
import { useMe } from '../session.ts';

const DAY = 24 * 60 * 60 * 1000;

export function HomePage() {
  const { t, lang } = useI18n();
  const me = useMe();
  usePageTitle(t('nav.home'));
  const expires = new Date(me.account.passwordExpiresAt).getTime();
  const expiresSoon = expires - Date.now() < 14 * DAY;
  return (
    <div className="page" data-testid="home-page">
      <h1>{t('home.greeting', { name: me.account.fullName })}</h1>
      {expiresSoon && <Notice kind="warning">{t('home.passwordSoon')}</Notice>}
      <div className="cards">
        <section className="card">
          <dl className="facts">
            <dt>{t('home.unit')}</dt>
            <dd>
              {me.account.unit.name} <span className="muted">({me.account.unit.code})</span>
            </dd>
            <dt>{t('home.roles')}</dt>
            <dd>
              {me.roles.length === 0 ? (
                <span className="muted">{t('home.noRoles')}</span>
              ) : (
                <ul className="plain-list" data-testid="my-roles">
                  {me.roles.map((r) => (
                    <li key={`${r.role}@${r.unit.id}`}>
                      <strong>{lang === 'vi' ? r.nameVi : r.nameEn}</strong> <span className="muted">— {r.unit.name}</span>
                    </li>
                  ))}
                </ul>
              )}
            </dd>
            <dt>{t('home.passwordExpires')}</dt>
            <dd data-testid="password-expires">
              {formatDate(me.account.passwordExpiresAt)} · <Link to="/password">{t('home.changePassword')}</Link>
            </dd>
            <dt>{t('home.otp')}</dt>
            <dd>{me.account.otpEnabled ? t('home.otpOn') : t('home.otpOff')}</dd>
            <dt>{t('home.session')}</dt>
            <dd>
              {t('home.sessionNote', { duration: describeDuration(me.idleTimeoutSeconds, t) })} <Link to="/sessions">{t('home.mySessions')}</Link>
            </dd>
          </dl>
        </section>
        <section className="card card-aside">
          <h2>{t('home.reminders')}</h2>
          <ul>
            <li>{t('home.reminder1')}</li>
            <li>{t('home.reminder2')}</li>
            <li>{t('home.reminder3')}</li>
          </ul>
        </section>
      </div>
    </div>
  );
}
