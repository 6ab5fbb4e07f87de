import { useState } from 'react';
import { Notice, usePageTitle } from '../../components.tsx';
import { useI18n } from '../../i18n.ts';
import { useSession } from '../../session.ts';
import { ChangePasswordForm } from './SignInSteps.tsx';

export function ChangePasswordPage() {
  const { t } = useI18n();
  const { refresh } = useSession();
  usePageTitle(t('pwd.title'));
  const [done, setDone] = useState(false);
  return (
    <div className="page">
      <h1>{t('pwd.title')}</h1>
      {done && (
        <Notice kind="success" testId="password-changed">
          {t('pwd.done')}
        </Notice>
      )}
      <section className="card">
        <ChangePasswordForm
          atSignIn={false}
          onDone={async () => {
            await refresh();
            setDone(true);
          }}
        />
      </section>
    </div>
  );
}
