import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, apiEvents, get, post, setCsrfToken, type Me } from './api.ts';
import { ErrorBox, Loading, notFoundError } from './components.tsx';
import { I18nContext, storedLang, storeLang, translator, useI18n, type Lang } from './i18n.ts';
import { IdleGuard, LockScreen } from './idle.tsx';
import { AuthFrame, Shell } from './layout.tsx';
import { AccountDetailPage } from './pages/AccountDetail.tsx';
import { AccountsPage } from './pages/Accounts.tsx';
import { ChangePasswordPage } from './pages/ChangePassword.tsx';
import { DetectionRulesPage } from './pages/DetectionRules.tsx';
import { DossierDetailPage } from './pages/DossierDetail.tsx';
import { DossiersPage } from './pages/Dossiers.tsx';
import { HomePage } from './pages/Home.tsx';
import { IncidentDetailPage } from './pages/IncidentDetail.tsx';
import { IncidentsPage } from './pages/Incidents.tsx';
import { IntegrationsPage } from './pages/Integrations.tsx';
import { JournalPage } from './pages/Journal.tsx';
import { NpdConnectionPage } from './pages/NpdConnection.tsx';
import { NpdReconciliationPage } from './pages/NpdReconciliation.tsx';
import { NpdSuspensionsPage } from './pages/NpdSuspensions.tsx';
import { ReceptionPage } from './pages/Reception.tsx';
import { SecurityCasePage } from './pages/SecurityCase.tsx';
import { SecurityCasesPage } from './pages/SecurityCases.tsx';
import { SecurityDashboardPage } from './pages/SecurityDashboard.tsx';
import { SessionsPage } from './pages/Sessions.tsx';
import { SetupPage } from './pages/Setup.tsx';
import { SignInPage, type SignInNotice } from './pages/SignIn.tsx';
import { StatisticsPage } from './pages/Statistics.tsx';
import { EnrollmentStep, OtpStep, PasswordChangeStep } from './pages/SignInSteps.tsx';
import { UnitsPage } from './pages/Units.tsx';
import { match, navigate, usePath } from './router.tsx';
import { can, DOSSIER_PERMISSIONS, SessionContext, useSession, type SessionApi } from './session.ts';
import { resetStores } from './stores.ts';

function SignedInPages() {
  const path = usePath();
  const { me } = useSession();
  // Pages this officer cannot use (a bookmark, the address typed before signing in) lead home.
  const elsewhere =
    path === '/setup' ||
    (path === '/accounts' && !can(me, 'accounts.read')) ||
    (path === '/journal' && !can(me, 'journal.read')) ||
    (path === '/reception' && !can(me, 'dossiers.receive')) ||
    (path === '/dossiers' && !DOSSIER_PERMISSIONS.some((p) => can(me, p))) ||
    (path === '/statistics' && !can(me, 'statistics.read')) ||
    (path === '/npd/connection' && !can(me, 'npd.configure')) ||
    ((path === '/npd/suspensions' || path === '/npd/reconciliation') && !can(me, 'npd.audit')) ||
    ((path === '/security' || path.startsWith('/security/')) && !can(me, 'monitoring.read')) ||
    ((path === '/incidents' || path.startsWith('/incidents/')) && !can(me, 'incidents.read')) ||
    (path === '/integrations' && !can(me, 'integrations.manage'));
  useEffect(() => {
    if (elsewhere) navigate('/', { replace: true });
  }, [elsewhere]);
  const account = match('/accounts/:id', path);
  const dossier = match('/dossiers/:id', path);
  const securityCase = match('/security/cases/:id', path);
  const incident = match('/incidents/:id', path);
  let page;
  if (path === '/' || elsewhere) page = <HomePage />;
  else if (path === '/sessions') page = <SessionsPage />;
  else if (path === '/units') page = <UnitsPage />;
  else if (path === '/accounts') page = <AccountsPage />;
  else if (path === '/journal') page = <JournalPage />;
  else if (account) page = <AccountDetailPage key={account.id} id={account.id!} />;
  else if (path === '/reception') page = <ReceptionPage />;
  else if (path === '/dossiers') page = <DossiersPage />;
  else if (dossier) page = <DossierDetailPage key={dossier.id} id={dossier.id!} />;
  else if (path === '/statistics') page = <StatisticsPage />;
  else if (path === '/npd/connection') page = <NpdConnectionPage />;
  else if (path === '/npd/suspensions') page = <NpdSuspensionsPage />;
  else if (path === '/npd/reconciliation') page = <NpdReconciliationPage />;
  else if (path === '/integrations') page = <IntegrationsPage />;
  else if (path === '/security') page = <SecurityDashboardPage />;
  else if (path === '/security/cases') page = <SecurityCasesPage />;
  else if (securityCase) page = <SecurityCasePage key={securityCase.id} id={securityCase.id!} />;
  else if (path === '/security/rules') page = <DetectionRulesPage />;
  else if (path === '/incidents') page = <IncidentsPage />;
  else if (incident) page = <IncidentDetailPage key={incident.id} id={incident.id!} />;
  else if (path === '/password') page = <ChangePasswordPage />;
  else page = <NotFound />;
  return <Shell>{page}</Shell>;
}

function NotFound() {
  return (
    <div className="page">
      <ErrorBox error={notFoundError()} />
    </div>
  );
}

function BootFailure({ error, retry }: { error: unknown; retry: () => void }) {
  const { t } = useI18n();
  return (
    <AuthFrame title={t('app.system')}>
      <ErrorBox error={error} />
      <button type="button" className="btn" onClick={retry}>
        {t('common.retry')}
      </button>
    </AuthFrame>
  );
}

export function App() {
  const [lang, setLangState] = useState<Lang>(storedLang);
  const i18n = useMemo(
    () => ({
      lang,
      t: translator(lang),
      setLang: (next: Lang) => {
        storeLang(next);
        setLangState(next);
      },
    }),
    [lang],
  );
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  // undefined while the first answer is awaited; null when nobody is signed in.
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [bootError, setBootError] = useState<unknown>(null);
  const [locked, setLocked] = useState(false);
  const [notice, setNotice] = useState<SignInNotice>(null);
  const path = usePath();

  const clear = useCallback((why: SignInNotice) => {
    setCsrfToken('');
    resetStores();
    setMe(null);
    setLocked(false);
    setNotice(why);
  }, []);

  const refresh = useCallback(async (): Promise<Me | null> => {
    try {
      const current = await get<Me>('/api/auth/me', { quiet: true });
      setCsrfToken(current.csrfToken);
      setMe(current);
      setBootError(null);
      return current;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        clear(e.code === 'session_idle_locked' ? 'idle' : null);
        return null;
      }
      setBootError(e);
      throw e;
    }
  }, [clear]);

  const syncCsrf = useCallback(async () => {
    const current = await get<Me>('/api/auth/me', { quiet: true });
    setCsrfToken(current.csrfToken);
  }, []);

  const signOut = useCallback(
    async (why: 'signedOut' | 'idle' = 'signedOut') => {
      try {
        await post('/api/auth/sign-out', undefined, { quiet: true });
      } catch {
        // Already ended (idle lock, ended elsewhere): the server answers 401, which is fine here.
      }
      clear(why);
      navigate('/');
    },
    [clear],
  );

  useEffect(() => {
    refresh().catch(() => {});
  }, [refresh]);

  useEffect(() => {
    apiEvents.onSessionEnded = (code) => {
      if (code === 'session_idle_locked') setLocked(true);
      else clear('ended');
    };
    apiEvents.onIncompleteSignIn = () => void refresh().catch(() => {});
  }, [clear, refresh]);

  const onLock = useCallback(() => setLocked(true), []);
  const session: SessionApi = useMemo(() => ({ me: me ?? null, refresh, syncCsrf, signOut }), [me, refresh, syncCsrf, signOut]);

  let content;
  if (me === undefined) content = bootError ? <BootFailure error={bootError} retry={() => void refresh().catch(() => {})} /> : <Loading />;
  else if (me && locked) content = <LockScreen timeoutSeconds={me.idleTimeoutSeconds} onSignInAgain={() => void signOut('idle')} />;
  else if (!me) content = path === '/setup' ? <SetupPage /> : <SignInPage notice={notice} />;
  else if (me.stage === 'otp') content = <OtpStep />;
  else if (me.stage === 'password_change') content = <PasswordChangeStep />;
  else if (me.stage === 'otp_enrollment') content = <EnrollmentStep />;
  else content = <SignedInPages />;

  return (
    <I18nContext.Provider value={i18n}>
      <SessionContext.Provider value={session}>
        {content}
        {me && !locked && <IdleGuard timeoutSeconds={me.idleTimeoutSeconds} fullySignedIn={me.stage === 'full'} onLock={onLock} />}
      </SessionContext.Provider>
    </I18nContext.Provider>
  );
}
