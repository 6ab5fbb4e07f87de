import { useEffect, useState, type FormEvent } from 'react';
import { post, type Stage } from '../../api/index.ts';
import { ErrorBox, Field, Loading, Notice, OfficerFields, PasswordInput, PasswordRules, usePageTitle } from '../../components.tsx';
import { AuthFrame } from '../../components/AuthFrame.tsx';
import { useI18n } from '../../i18n.ts';
import { useSession } from '../../session.ts';

/** First start: the link printed on the server console (/setup#<token>) creates the first system administrator. */
export function SetupPage() {
  const { t } = useI18n();
  const { refresh } = useSession();
  usePageTitle(t('setup.title'));
  const [token] = useState(() => decodeURIComponent(location.hash.replace(/^#/, '')));
  const [status, setStatus] = useState<{ valid: boolean; province: { code: string; name: string } | null } | null>(null);
  const [form, setForm] = useState({ username: '', fullName: '', personalId: '', position: '', email: '', phone: '', password: '' });
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);

  useEffect(() => {
    if (!token) return;
    // The token leaves the address bar (and the history) once read.
    history.replaceState(null, '', '/setup');
    post<{ valid: boolean; province: { code: string; name: string } | null }>('/api/setup/status', { token }, { quiet: true }).then(setStatus, setError);
  }, [token]);

  const set = (key: keyof typeof form) => (value: string) => setForm((f) => ({ ...f, [key]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (form.password !== repeat) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setBusy(true);
    setError(null);
    try {
      await post<{ stage: Stage }>('/api/setup', { token, ...form, username: form.username.trim() }, { quiet: true });
      await refresh();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  if (!token) {
    return (
      <AuthFrame title={t('setup.title')}>
        <Notice kind="warning">{t('setup.noToken')}</Notice>
      </AuthFrame>
    );
  }
  if (!status) {
    return <AuthFrame title={t('setup.title')}>{error ? <ErrorBox error={error} /> : <Loading />}</AuthFrame>;
  }
  if (!status.valid) {
    return (
      <AuthFrame title={t('setup.title')}>
        <Notice kind="warning">{t('setup.invalid')}</Notice>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title={t('setup.title')} wide>
      <p>{t('setup.intro', { province: status.province?.name ?? '' })}</p>
      <div className="form-with-aside">
        <form onSubmit={submit} autoComplete="off" noValidate>
          <OfficerFields form={form} set={set} />
          <Field label={t('pwd.new')} required>
            {(id) => <PasswordInput id={id} name="password" value={form.password} onChange={set('password')} />}
          </Field>
          <Field label={t('pwd.confirm')} required>
            {(id) => <PasswordInput id={id} name="confirmPassword" value={repeat} onChange={setRepeat} />}
          </Field>
          {mismatch && (
            <div className="alert alert-error" role="alert">
              {t('pwd.mismatch')}
            </div>
          )}
          <ErrorBox error={error} />
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {t('setup.submit')}
          </button>
        </form>
        <PasswordRules password={form.password} />
      </div>
    </AuthFrame>
  );
}
