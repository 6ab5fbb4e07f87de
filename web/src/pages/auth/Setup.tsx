import { useMutation } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { z } from 'zod';
import { setupBody } from '../../../../common/schemas/auth.ts';
import { answer, quietClient, type Answer } from '../../api/index.ts';
import { ErrorBox, Loading, Notice, PasswordRules, usePageTitle } from '../../components.tsx';
import { AuthFrame } from '../../components/AuthFrame.tsx';
import { FormField, useZodForm } from '../../components/form.tsx';
import { useI18n } from '../../i18n.ts';
import { useSession } from '../../session.ts';
import { PasswordField } from './SignInSteps.tsx';
import { OfficerFields } from '../../components/OfficerFields.tsx';

type SetupStatus = Answer<'/api/setup/status', 'post'>;

/** The first administrator's form: the server's fields without the link's token, and the new password typed twice. */
function SetupForm({ token }: { token: string }) {
  const { t } = useI18n();
  const { refresh } = useSession();
  const schema = useMemo(
    () =>
      setupBody
        .omit({ token: true })
        .extend({ confirmPassword: z.string() })
        .refine((v) => v.password === v.confirmPassword, { message: t('pwd.mismatch'), path: ['confirmPassword'] }),
    [t],
  );
  const form = useZodForm(schema, { username: '', fullName: '', personalId: '', position: '', email: '', phone: '', password: '', confirmPassword: '' });
  // quiet: nobody is signed in yet, a 401 here ends no session
  const setup = useMutation({ mutationFn: (body: z.input<typeof setupBody>) => answer(quietClient.POST('/api/setup', { body })) });
  const submit = form.handleSubmit(({ confirmPassword: _, ...values }) => setup.mutateAsync({ token, ...values }).then(() => refresh(), () => {}));
  return (
    <div className="form-with-aside">
      <form onSubmit={(e) => void submit(e)} autoComplete="off" noValidate>
        <OfficerFields form={form} />
        <FormField form={form} name="password" label={t('pwd.new')} required>
          {(field) => <PasswordField field={field} />}
        </FormField>
        <FormField form={form} name="confirmPassword" label={t('pwd.confirm')} required>
          {(field) => <PasswordField field={field} />}
        </FormField>
        <ErrorBox error={setup.error} />
        <button type="submit" className="btn btn-primary" disabled={form.formState.isSubmitting}>
          {t('setup.submit')}
        </button>
      </form>
      <PasswordRules password={form.watch('password')} />
    </div>
  );
}

/** First start: the link printed on the server console (/setup#<token>) creates the first system administrator. */
export function SetupPage() {
  const { t } = useI18n();
  usePageTitle(t('setup.title'));
  const [token] = useState(() => decodeURIComponent(location.hash.replace(/^#/, '')));
  const [status, setStatus] = useState<SetupStatus | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!token) return;
    // The token leaves the address bar (and the history) once read.
    history.replaceState(null, '', '/setup');
    answer(quietClient.POST('/api/setup/status', { body: { token } })).then(setStatus, setError);
  }, [token]);

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
      <SetupForm token={token} />
    </AuthFrame>
  );
}
