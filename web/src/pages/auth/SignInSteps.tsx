import { useEffect, useRef, useState, type FormEvent } from 'react';
import { post, type OtpEnrollment, type Stage } from '../../api/index.ts';
import { CopyButton, ErrorBox, Field, Loading, Notice, PasswordInput, PasswordRules, usePageTitle } from '../../components.tsx';
import { AuthFrame } from '../../components/AuthFrame.tsx';
import { useI18n } from '../../i18n.ts';
import { useSession } from '../../session.ts';

/** Second step: a TOTP code, or a recovery code when the phone is lost. */
/** A six-digit TOTP code: digits only, and the phone's keyboard offers the code it received. */
function OtpCodeInput({ id, value, onChange, autoFocus }: { id: string; value: string; onChange: (code: string) => void; autoFocus?: boolean }) {
  return (
    <input
      id={id}
      name="code"
      className="otp-input"
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9]{6}"
      maxLength={6}
      value={value}
      onChange={(e) => onChange(e.target.value.replace(/\D/g, ''))}
      autoFocus={autoFocus}
      required
    />
  );
}

export function OtpStep() {
  const { t } = useI18n();
  const { refresh, signOut } = useSession();
  usePageTitle(t('otp.title'));
  const [recovery, setRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await post<{ stage: Stage }>('/api/auth/otp', recovery ? { recoveryCode: code.trim().toLowerCase() } : { code: code.replace(/\s/g, '') });
      await refresh();
    } catch (e) {
      setError(e);
      setCode('');
      setBusy(false);
    }
  };

  return (
    <AuthFrame title={t('otp.title')} onSignOut={() => void signOut()}>
      <p>{recovery ? t('otp.recoveryIntro') : t('otp.intro')}</p>
      <form onSubmit={submit} autoComplete="off" data-testid="otp-form">
        <Field label={recovery ? t('otp.recoveryCode') : t('otp.code')} required>
          {(id) =>
            recovery ? (
              <input key="recovery" id={id} name="recoveryCode" autoComplete="off" spellCheck={false} value={code} onChange={(e) => setCode(e.target.value)} maxLength={20} autoFocus required />
            ) : (
              <OtpCodeInput key="code" id={id} value={code} onChange={setCode} autoFocus />
            )
          }
        </Field>
        <ErrorBox error={error} />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || (recovery ? code.trim().length < 10 : code.length !== 6)}>
          {t('otp.submit')}
        </button>
      </form>
      <div className="auth-links">
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setRecovery(!recovery);
            setCode('');
            setError(null);
          }}
        >
          {recovery ? t('otp.useCode') : t('otp.useRecovery')}
        </button>
        <button type="button" className="link-button" onClick={() => void signOut()}>
          {t('otp.otherAccount')}
        </button>
      </div>
    </AuthFrame>
  );
}

/** R46/R50: the password form, at sign-in (first sign-in, expiry, R45) and from the "change password" page. */
export function ChangePasswordForm({ atSignIn, onDone }: { atSignIn: boolean; onDone: (stage: Stage) => Promise<void> }) {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setError(null);
    if (next !== repeat) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setBusy(true);
    try {
      const { stage } = await post<{ stage: Stage }>('/api/auth/password', { currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setRepeat('');
      setBusy(false);
      await onDone(stage);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <div className="form-with-aside">
      <form onSubmit={submit} autoComplete="off" data-testid="password-form" noValidate>
        <Field label={atSignIn ? t('pwd.currentOneTime') : t('pwd.current')} required>
          {(id) => <PasswordInput id={id} name="currentPassword" value={current} onChange={setCurrent} autoFocus />}
        </Field>
        <Field label={t('pwd.new')} required>
          {(id) => <PasswordInput id={id} name="newPassword" value={next} onChange={setNext} />}
        </Field>
        <Field label={t('pwd.confirm')} required>
          {(id) => <PasswordInput id={id} name="confirmPassword" value={repeat} onChange={setRepeat} />}
        </Field>
        {mismatch && (
          <div className="alert alert-error" role="alert" data-testid="error">
            {t('pwd.mismatch')}
          </div>
        )}
        <ErrorBox error={error} />
        <button type="submit" className="btn btn-primary" disabled={busy || !current || !next || !repeat}>
          {t('pwd.submit')}
        </button>
      </form>
      <PasswordRules password={next} />
    </div>
  );
}

export function PasswordChangeStep() {
  const { t } = useI18n();
  const { refresh, signOut } = useSession();
  usePageTitle(t('pwd.title'));
  return (
    <AuthFrame title={t('pwd.title')} wide onSignOut={() => void signOut()}>
      <Notice kind="warning" testId="password-change-required">
        {t('pwd.required')}
      </Notice>
      <ChangePasswordForm atSignIn onDone={async () => void (await refresh())} />
    </AuthFrame>
  );
}


const groupBy4 = (secret: string) => secret.replace(/\s/g, '').match(/.{1,4}/g)?.join(' ') ?? secret;

/** R04: enroll an authenticator app (QR + secret once), confirm with a code, then see the recovery codes once. */
export function EnrollmentStep() {
  const { t } = useI18n();
  const { refresh, syncCsrf, signOut } = useSession();
  usePageTitle(t('enroll.title'));
  const [enrollment, setEnrollment] = useState<OtpEnrollment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const started = useRef(false);

  const start = async () => {
    setError(null);
    setEnrollment(null);
    setCode('');
    try {
      setEnrollment(await post<OtpEnrollment>('/api/auth/otp/enrollment'));
    } catch (e) {
      setError(e);
    }
  };

  useEffect(() => {
    // Once per visit (React may run effects twice in development): each start replaces the key.
    if (started.current) return;
    started.current = true;
    void start();
  }, []);

  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const result = await post<{ stage: Stage; recoveryCodes: string[] }>('/api/auth/otp/enrollment/confirm', { code });
      await syncCsrf();
      setCodes(result.recoveryCodes);
    } catch (e) {
      setError(e);
      setCode('');
    }
    setBusy(false);
  };

  if (codes) {
    return (
      <AuthFrame title={t('enroll.codesTitle')} wide>
        <Notice kind="success">{t('enroll.codesIntro')}</Notice>
        <ol className="recovery-codes" data-testid="recovery-codes">
          {codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ol>
        <div className="button-row">
          <CopyButton text={codes.join('\n')} />
          <button type="button" className="btn btn-small" onClick={() => window.print()}>
            {t('enroll.print')}
          </button>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => void refresh()} data-testid="recovery-codes-saved">
          {t('enroll.codesSaved')}
        </button>
      </AuthFrame>
    );
  }

  return (
    <AuthFrame title={t('enroll.title')} wide onSignOut={() => void signOut()}>
      <p>{t('enroll.intro')}</p>
      {!enrollment && !error && <Loading />}
      {enrollment && (
        <div className="enroll">
          <ol className="steps">
            <li>{t('enroll.step1')}</li>
            <li>
              {t('enroll.step2')}
              <div className="qr">
                <img src={'data:image/svg+xml;utf8,' + encodeURIComponent(enrollment.qrSvg)} alt={t('enroll.qrAlt')} width={200} height={200} data-testid="otp-qr" />
              </div>
            </li>
            <li>
              {t('enroll.step3')}
              <div className="secret-row">
                <code className="secret-value" data-testid="otp-secret" aria-label={t('enroll.secret')}>
                  {groupBy4(enrollment.secret)}
                </code>
                <CopyButton text={enrollment.secret} />
              </div>
              <p className="hint">{t('enroll.secretNote')}</p>
            </li>
            <li>
              {t('enroll.step4')}
              <form onSubmit={confirm} autoComplete="off" className="inline-form" data-testid="enroll-form">
                <Field label={t('otp.code')} required>
                  {(id) => (
                    <OtpCodeInput id={id} value={code} onChange={setCode} />
                  )}
                </Field>
                <button type="submit" className="btn btn-primary" disabled={busy || code.length !== 6}>
                  {t('enroll.confirm')}
                </button>
              </form>
            </li>
          </ol>
        </div>
      )}
      <ErrorBox error={error} />
      {error !== null && !enrollment && (
        <button type="button" className="btn" onClick={() => void start()}>
          {t('enroll.restart')}
        </button>
      )}
    </AuthFrame>
  );
}
