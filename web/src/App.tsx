import { QueryClientProvider } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { answer, ApiError, apiEvents, queryClient, quietClient, setCsrfToken, type Me } from './api/index.ts';
import { ErrorBox, Loading, notFoundError } from './components.tsx';
import { AuthFrame } from './components/AuthFrame.tsx';
import { I18nContext, storedLang, storeLang, translator, useI18n, type Lang } from './i18n.ts';
import { IdleGuard, LockScreen } from './idle.tsx';
import { Shell } from './layout.tsx';
import { SetupPage } from './pages/auth/Setup.tsx';
import { SignInPage, type SignInNotice } from './pages/auth/SignIn.tsx';
import { EnrollmentStep, OtpStep, PasswordChangeStep } from './pages/auth/SignInSteps.tsx';
import { HomePage } from './pages/Home.tsx';
import { navigate, usePath } from './router.tsx';
import { resolve } from './routes.tsx';
import { SessionContext, useSession, type SessionApi } from './session.ts';

function SignedInPages() {
  const path = usePath();
  const { me } = useSession();
  const found = resolve(path, me?.permissions ?? []);
  // A page this officer cannot use (a bookmark, the address typed before signing in), or the setup page, leads home.
  const elsewhere = path === '/setup' || !!found?.forbidden;
  useEffect(() => {
    if (elsewhere) navigate('/', { replace: true });
  }, [elsewhere]);
  useFocusOnNavigation(path);
  const page = elsewhere ? <HomePage /> : found ? found.route.page(found.params) : <NotFound />;
  return <Shell>{page}</Shell>;
}

/** After a navigation, focus goes to the new page's heading, so a screen reader announces it (not on the first load). */
function useFocusOnNavigation(path: string) {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const frame = requestAnimationFrame(() => {
      const heading = document.querySelector<HTMLElement>('main h1');
      const target = heading ?? document.querySelector<HTMLElement>('main');
      if (!target) return;
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
      target.focus({ preventScroll: true });
    });
    return () => cancelAnimationFrame(frame);
  }, [path]);
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
    queryClient.clear();
    setMe(null);
    setLocked(false);
    setNotice(why);
  }, []);

  const refresh = useCallback(async (): Promise<Me | null> => {
    try {
      const current = await answer(quietClient.GET('/api/auth/me'));
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
    const current = await answer(quietClient.GET('/api/auth/me'));
    setCsrfToken(current.csrfToken);
  }, []);

  const signOut = useCallback(
    async (why: 'signedOut' | 'idle' = 'signedOut') => {
      try {
        await quietClient.POST('/api/auth/sign-out');
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
    <QueryClientProvider client={queryClient}>
      <I18nContext.Provider value={i18n}>
        <SessionContext.Provider value={session}>
          {content}
          {me && !locked && <IdleGuard timeoutSeconds={me.idleTimeoutSeconds} fullySignedIn={me.stage === 'full'} onLock={onLock} />}
        </SessionContext.Provider>
      </I18nContext.Provider>
    </QueryClientProvider>
  );
}
