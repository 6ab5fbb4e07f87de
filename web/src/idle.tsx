import { useEffect, useRef, useState } from 'react';
import { apiEvents, client } from './api/index.ts';
import { Modal } from './components.tsx';
import { describeDuration, useI18n } from './i18n.ts';

const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart', 'input'] as const;
const SHARED_KEY = 'motcua.lastServerContact';

/**
 * R17/R48: the server locks a session after `timeoutSeconds` without a request. The page keeps it alive while the
 * officer works (a keepalive at most once a minute), warns before the lock, and locks the screen when it happens.
 * The deadline is counted from the last answered request (every request restarts the server's idle clock), so
 * the screen never locks later than the server does. Tabs of the same browser share that time.
 */
export function IdleGuard({ timeoutSeconds, fullySignedIn, onLock }: { timeoutSeconds: number; fullySignedIn: boolean; onLock: () => void }) {
  const { t } = useI18n();
  const [secondsLeft, setSecondsLeft] = useState<number | null>(null);
  const keepaliveRef = useRef<() => Promise<void>>(async () => {});

  useEffect(() => {
    const timeoutMs = timeoutSeconds * 1000;
    const warnMs = Math.min(60_000, timeoutMs * 0.2);
    const keepaliveEveryMs = Math.min(60_000, timeoutMs / 4);
    let lastContact = Date.now();
    let warning = false;
    let inFlight = false;
    let locked = false;

    const tick = () => {
      if (locked) return;
      const left = lastContact + timeoutMs - Date.now();
      if (left <= 0) {
        locked = true;
        setSecondsLeft(null);
        onLock();
      } else if (left <= warnMs) {
        warning = true;
        setSecondsLeft(Math.ceil(left / 1000));
      } else if (warning) {
        warning = false;
        setSecondsLeft(null);
      }
    };
    const contact = (at: number) => {
      if (at <= lastContact) return;
      lastContact = at;
      tick();
    };
    const keepalive = async () => {
      if (inFlight || locked) return;
      inFlight = true;
      try {
        // Before the last sign-in step only /api/auth/me is open to the session; it restarts the clock as well.
        if (fullySignedIn) await client.POST('/api/auth/keepalive');
        else await client.GET('/api/auth/me');
      } catch {
        // A 401 is handled by the api module (lock screen); anything else is retried with the next activity.
      } finally {
        inFlight = false;
      }
    };
    keepaliveRef.current = keepalive;

    const previousTouch = apiEvents.onTouch;
    apiEvents.onTouch = () => {
      const now = Date.now();
      contact(now);
      try {
        localStorage.setItem(SHARED_KEY, String(now));
      } catch {
        // No storage: each tab keeps its own clock.
      }
    };
    const onStorage = (event: StorageEvent) => {
      if (event.key === SHARED_KEY && event.newValue) contact(Number(event.newValue));
    };
    const onActivity = (event: Event) => {
      // During the warning only the explicit button keeps working, so a passing hand does not dismiss it.
      if (warning || locked) return;
      // Chromium sends motionless "moves" when the page changes under a resting mouse: not the officer's doing.
      if (event instanceof PointerEvent && event.type === 'pointermove' && event.movementX === 0 && event.movementY === 0) return;
      if (Date.now() - lastContact >= keepaliveEveryMs) void keepalive();
    };

    const timer = window.setInterval(tick, 500);
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, onActivity, { capture: true, passive: true });
    window.addEventListener('storage', onStorage);
    document.addEventListener('visibilitychange', tick);
    return () => {
      window.clearInterval(timer);
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, onActivity, { capture: true });
      window.removeEventListener('storage', onStorage);
      document.removeEventListener('visibilitychange', tick);
      apiEvents.onTouch = previousTouch;
    };
  }, [timeoutSeconds, fullySignedIn, onLock]);

  if (secondsLeft === null) return null;
  return (
    <Modal title={t('idle.warningTitle')} onClose={() => void keepaliveRef.current()} testId="idle-warning" role="alertdialog">
      <p className="idle-countdown">
        {t('idle.warning', { n: secondsLeft })}
      </p>
      <div className="modal-actions">
        <button type="button" className="btn btn-primary" onClick={() => void keepaliveRef.current()} autoFocus data-testid="idle-continue">
          {t('idle.continue')}
        </button>
      </div>
    </Modal>
  );
}

/** The locked screen hides the page; the way back is a new sign-in. */
export function LockScreen({ timeoutSeconds, onSignInAgain }: { timeoutSeconds: number; onSignInAgain: () => void }) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = t('idle.lockedTitle');
  }, [t]);
  return (
    <div className="lock-screen" data-testid="lock-screen" role="alert">
      <div className="lock-card">
        <svg className="lock-icon" viewBox="0 0 24 24" width="48" height="48" aria-hidden="true">
          <path fill="currentColor" d="M12 2a5 5 0 0 0-5 5v3H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-8a2 2 0 0 0-2-2h-1V7a5 5 0 0 0-5-5zm-3 5a3 3 0 1 1 6 0v3H9V7zm3 6a2 2 0 0 1 1 3.73V19h-2v-2.27A2 2 0 0 1 12 13z" />
        </svg>
        <h1>{t('idle.lockedTitle')}</h1>
        <p>{t('idle.lockedText', { duration: describeDuration(timeoutSeconds, t) })}</p>
        <button type="button" className="btn btn-primary" onClick={onSignInAgain} autoFocus data-testid="lock-sign-in">
          {t('idle.signInAgain')}
        </button>
      </div>
    </div>
  );
}
