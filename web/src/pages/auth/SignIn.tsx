import { useMutation } from '@tanstack/react-query';
import type { z } from 'zod';
import { signInBody } from '../../../../common/schemas/auth.ts';
import { answer, quietClient } from '../../api/index.ts';
import { ErrorBox, Notice, usePageTitle } from '../../components.tsx';
import { AuthFrame } from '../../components/AuthFrame.tsx';
import { FormField, useZodForm } from '../../components/form.tsx';
import { useI18n } from '../../i18n.ts';
import { useSession } from '../../session.ts';
import { PasswordField } from './SignInSteps.tsx';

export type SignInNotice = 'idle' | 'ended' | 'signedOut' | null;

/** R03: the form forbids autofill and password saving (autocomplete off, new-password). */
export function SignInPage({ notice }: { notice: SignInNotice }) {
  const { t } = useI18n();
  const { refresh } = useSession();
  usePageTitle(t('signIn.title'));
  // quiet: a refused password is no ended session
  const signIn = useMutation({ mutationFn: (body: z.output<typeof signInBody>) => answer(quietClient.POST('/api/auth/sign-in', { body })) });
  const form = useZodForm(signInBody, { username: '', password: '' });
  const submit = form.handleSubmit((body) =>
    signIn.mutateAsync(body).then(
      async () => {
        form.resetField('password');
        await refresh();
      },
      () => {},
    ),
  );
  const busy = form.formState.isSubmitting;

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
      <form onSubmit={(e) => void submit(e)} autoComplete="off" data-testid="sign-in-form" noValidate>
        <FormField form={form} name="username" label={t('signIn.username')} required>
          {(field) => <input {...field} autoComplete="off" autoCapitalize="off" spellCheck={false} autoFocus required />}
        </FormField>
        <FormField form={form} name="password" label={t('signIn.password')} required>
          {(field) => <PasswordField field={field} />}
        </FormField>
        <ErrorBox error={signIn.error} />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? t('signIn.submitting') : t('signIn.submit')}
        </button>
      </form>
      <p className="hint small-print">{t('signIn.autofillNote')}</p>
    </AuthFrame>
  );
}
