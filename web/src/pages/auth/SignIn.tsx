import { useState } from 'react';
import { post, type Stage } from '../../api/index.ts';
import { ErrorBox, Field, Notice, PasswordInput, usePageTitle, useSubmit } from '../../components.tsx';
import { AuthFrame } from '../../components/AuthFrame.tsx';
import { useI18n } from '../../i18n.ts';
import { useSession } from '../../session.ts';

export type SignInNotice = 'idle' | 'ended' | 'signedOut' | null;

/** R03: the form forbids autofill and password saving (autocomplete off, new-password). */
export function SignInPage({ notice }: { notice: SignInNotice }) {
  const { t } = useI18n();
  const { refresh } = useSession();
  usePageTitle(t('signIn.title'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, submit } = useSubmit(
    async () => {
      await post<{ stage: Stage }>('/api/auth/sign-in', { username: username.trim(), password }, { quiet: true });
      setPassword('');
      await refresh();
    },
    { keepBusy: true },
  );

  return (
    <AuthFrame title={t('signIn.title')}>
      <p className="muted">{t('signIn.intro')}</p>
      {notice === 'idle' && (
        <Notice kind="warning" testId="idle-notice">
          {t('signIn.idleLocked')}
        </Notice>
      )}
      {notice === 'ended' && <Notice kind="warning">{t('signIn.ended')}</Notice>}
      {notice === 'signedOut' && <Notice>{t('signIn.signedOut')}</Notice>}
      <form onSubmit={submit} autoComplete="off" data-testid="sign-in-form" noValidate>
        <Field label={t('signIn.username')} required>
          {(id) => (
            <input
              id={id}
              name="username"
              autoComplete="off"
              autoCapitalize="off"
              spellCheck={false}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              autoFocus
              required
            />
          )}
        </Field>
        <Field label={t('signIn.password')} required>
          {(id) => <PasswordInput id={id} name="password" value={password} onChange={setPassword} />}
        </Field>
        <ErrorBox error={error} />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || !username.trim() || !password}>
          {busy ? t('signIn.submitting') : t('signIn.submit')}
        </button>
      </form>
      <p className="hint small-print">{t('signIn.autofillNote')}</p>
    </AuthFrame>
  );
}
