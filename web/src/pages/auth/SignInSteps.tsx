import { useEffect, useMemo, useRef, useState, type ComponentPropsWithRef } from 'react';
import { z } from 'zod';
import { changePasswordBody, otpCodeBody, recoveryCodeBody } from '../../../../common/schemas/auth.ts';
import { $api, type Stage } from '../../api/index.ts';
import { CopyButton, ErrorBox, Loading, Notice, PasswordRules, usePageTitle } from '../../components.tsx';
import { AuthFrame } from '../../components/AuthFrame.tsx';
import { FormField, useZodForm } from '../../components/form.tsx';
import { useI18n } from '../../i18n.ts';
import { useSession } from '../../session.ts';

/** What FormField hands its input: id, described-by, invalid, and the form's own handlers. */
type FieldProps = ComponentPropsWithRef<'input'>;

/** A password input of a form, with a show/hide toggle; never offered to the browser's password manager (R03). */
export function PasswordField({ field, autoFocus }: { field: FieldProps; autoFocus?: boolean }) {
  const { t } = useI18n();
  const [visible, setVisible] = useState(false);
  return (
    <div className="password-input">
      <input {...field} type={visible ? 'text' : 'password'} autoComplete="new-password" autoCapitalize="off" spellCheck={false} autoFocus={autoFocus} required />
      <button type="button" className="btn btn-small btn-ghost" onClick={() => setVisible(!visible)} aria-pressed={visible}>
        {visible ? t('field.hidePassword') : t('field.showPassword')}
      </button>
    </div>
  );
}

/** A six-digit TOTP code: digits only, and the phone's keyboard offers the code it received. */
function OtpCodeInput({ field, autoFocus }: { field: FieldProps; autoFocus?: boolean }) {
  return (
    <input
      {...field}
      className="otp-input"
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9]{6}"
      maxLength={6}
      onChange={(e) => {
        e.target.value = e.target.value.replace(/\D/g, '');
        field.onChange?.(e);
      }}
      autoFocus={autoFocus}
      required
    />
  );
}

/** Second step: a TOTP code. A refused code is cleared for the next one. */
function TotpCodeForm() {
  const { t } = useI18n();
  const { refresh } = useSession();
  const verify = $api.useMutation('post', '/api/auth/otp');
  const form = useZodForm(otpCodeBody, { code: '' });
  const submit = form.handleSubmit((body) => verify.mutateAsync({ body }).then(() => refresh(), () => form.reset()));
  return (
    <form onSubmit={(e) => void submit(e)} autoComplete="off" data-testid="otp-form" noValidate>
      <FormField form={form} name="code" label={t('otp.code')} required>
        {(field) => <OtpCodeInput field={field} autoFocus />}
      </FormField>
      <ErrorBox error={verify.error} />
      <button type="submit" className="btn btn-primary btn-block" disabled={form.formState.isSubmitting}>
        {t('otp.submit')}
      </button>
    </form>
  );
}

/** Second step when the phone is lost: one of the recovery codes. */
function RecoveryCodeForm() {
  const { t } = useI18n();
  const { refresh } = useSession();
  const verify = $api.useMutation('post', '/api/auth/otp');
  const form = useZodForm(recoveryCodeBody, { recoveryCode: '' });
  const submit = form.handleSubmit(({ recoveryCode }) =>
    verify.mutateAsync({ body: { recoveryCode: recoveryCode.trim().toLowerCase() } }).then(() => refresh(), () => form.reset()),
  );
  return (
    <form onSubmit={(e) => void submit(e)} autoComplete="off" data-testid="otp-form" noValidate>
      <FormField form={form} name="recoveryCode" label={t('otp.recoveryCode')} required>
        {(field) => <input {...field} autoComplete="off" spellCheck={false} maxLength={20} autoFocus required />}
      </FormField>
      <ErrorBox error={verify.error} />
      <button type="submit" className="btn btn-primary btn-block" disabled={form.formState.isSubmitting}>
        {t('otp.submit')}
      </button>
    </form>
  );
}

export function OtpStep() {
  const { t } = useI18n();
  const { signOut } = useSession();
  usePageTitle(t('otp.title'));
  const [recovery, setRecovery] = useState(false);
  return (
    <AuthFrame title={t('otp.title')} onSignOut={() => void signOut()}>
      <p>{recovery ? t('otp.recoveryIntro') : t('otp.intro')}</p>
      {recovery ? <RecoveryCodeForm /> : <TotpCodeForm />}
      <div className="auth-links">
        <button type="button" className="link-button" onClick={() => setRecovery(!recovery)}>
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
  const change = $api.useMutation('post', '/api/auth/password');
  // the second typing of the new password is the form's own check; the rules (R50) are the server's
  const schema = useMemo(
    () => changePasswordBody.extend({ confirmPassword: z.string() }).refine((v) => v.newPassword === v.confirmPassword, { message: t('pwd.mismatch'), path: ['confirmPassword'] }),
    [t],
  );
  const form = useZodForm(schema, { currentPassword: '', newPassword: '', confirmPassword: '' });
  const submit = form.handleSubmit(({ currentPassword, newPassword }) =>
    change.mutateAsync({ body: { currentPassword, newPassword } }).then(
      async ({ stage }) => {
        form.reset();
        await onDone(stage);
      },
      () => {},
    ),
  );
  return (
    <div className="form-with-aside">
      <form onSubmit={(e) => void submit(e)} autoComplete="off" data-testid="password-form" noValidate>
        <FormField form={form} name="currentPassword" label={atSignIn ? t('pwd.currentOneTime') : t('pwd.current')} required>
          {(field) => <PasswordField field={field} autoFocus />}
        </FormField>
        <FormField form={form} name="newPassword" label={t('pwd.new')} required>
          {(field) => <PasswordField field={field} />}
        </FormField>
        <FormField form={form} name="confirmPassword" label={t('pwd.confirm')} required>
          {(field) => <PasswordField field={field} />}
        </FormField>
        <ErrorBox error={change.error} />
        <button type="submit" className="btn btn-primary" disabled={form.formState.isSubmitting}>
          {t('pwd.submit')}
        </button>
      </form>
      <PasswordRules password={form.watch('newPassword')} />
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
  const start = $api.useMutation('post', '/api/auth/otp/enrollment');
  const confirm = $api.useMutation('post', '/api/auth/otp/enrollment/confirm');
  const form = useZodForm(otpCodeBody, { code: '' });
  const [codes, setCodes] = useState<string[] | null>(null);
  const started = useRef(false);

  // each start replaces the key: a new QR and secret
  const begin = () => {
    confirm.reset();
    form.reset();
    start.mutate({});
  };
  useEffect(() => {
    // Once per visit (React may run effects twice in development).
    if (started.current) return;
    started.current = true;
    begin();
  }, []);

  const submit = form.handleSubmit((body) =>
    confirm.mutateAsync({ body }).then(
      async (result) => {
        await syncCsrf();
        setCodes(result.recoveryCodes);
      },
      () => form.reset(),
    ),
  );

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

  const enrollment = start.data;
  return (
    <AuthFrame title={t('enroll.title')} wide onSignOut={() => void signOut()}>
      <p>{t('enroll.intro')}</p>
      {!enrollment && !start.error && <Loading />}
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
              <form onSubmit={(e) => void submit(e)} autoComplete="off" className="inline-form" data-testid="enroll-form" noValidate>
                <FormField form={form} name="code" label={t('otp.code')} required>
                  {(field) => <OtpCodeInput field={field} />}
                </FormField>
                <button type="submit" className="btn btn-primary" disabled={form.formState.isSubmitting}>
                  {t('enroll.confirm')}
                </button>
              </form>
            </li>
          </ol>
        </div>
      )}
      <ErrorBox error={start.error ?? confirm.error} />
      {start.error && (
        <button type="button" className="btn" onClick={begin}>
          {t('enroll.restart')}
        </button>
      )}
    </AuthFrame>
  );
}
