import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, get } from './api/index.ts';
import type { Lang } from './i18n.ts';
import { useI18n, type MessageKey } from './i18n.ts';

export const notFoundError = () => new ApiError(404, 'not_found', 'Không tìm thấy trang.', 'Page not found.');

/** Any thrown value as an ApiError, so every message has a Vietnamese and an English text. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'unexpected', 'Lỗi không xác định.', 'Unexpected error.');
}

export function ErrorBox({ error, testId = 'error' }: { error: unknown; testId?: string }) {
  const { lang } = useI18n();
  if (!error) return null;
  const e = asApiError(error);
  const problems = e.fieldProblems();
  return (
    <div className="alert alert-error" role="alert" data-testid={testId} data-code={e.code}>
      <div>{e.text(lang)}</div>
      {problems.length > 0 && (
        <ul>
          {problems.map((p, i) => (
            <li key={i}>
              {p.path ? <code>{p.path.replace(/^\//, '')}</code> : null} {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Notice({ kind = 'info', children, testId }: { kind?: 'info' | 'success' | 'warning'; children: ReactNode; testId?: string }) {
  return (
    <div className={`alert alert-${kind}`} role={kind === 'warning' ? 'alert' : 'status'} data-testid={testId}>
      {children}
    </div>
  );
}

/** A labelled form field: the label is tied to the first control through its id. */
/**
 * A form's submit: one request at a time, its error kept for the ErrorBox. `keepBusy` leaves the form disabled
 * after a success, when the page is about to change anyway.
 */
export function useSubmit(action: () => Promise<unknown>, { keepBusy = false } = {}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await action();
      if (!keepBusy) setBusy(false);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return { busy, error, submit };
}

/** The footer of a dialog's form: cancel, and the submit button. */
export function DialogActions({ onCancel, label, disabled, danger, testId }: { onCancel: () => void; label: string; disabled: boolean; danger?: boolean; testId?: string }) {
  const { t } = useI18n();
  return (
    <div className="modal-actions">
      <button type="button" className="btn" onClick={onCancel}>
        {t('common.cancel')}
      </button>
      <button type="submit" className={danger ? 'btn btn-danger' : 'btn btn-primary'} disabled={disabled} data-testid={testId}>
        {label}
      </button>
    </div>
  );
}

export function Field({ label, hint, required, children }: { label: string; hint?: string; required?: boolean; children: (id: string, describedBy?: string) => ReactNode }) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const { t } = useI18n();
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {required && (
          <span className="required" title={t('common.required')}>
            {' '}
            *
          </span>
        )}
      </label>
      {children(id, hintId)}
      {hint && (
        <div className="hint" id={hintId}>
          {hint}
        </div>
      )}
    </div>
  );
}

export interface OfficerIdentity {
  username: string;
  fullName: string;
  personalId: string;
  position: string;
  email: string;
  phone: string;
}

/** The officer's identity fields, as the account issue form and the first-start setup both ask them. */
export function OfficerFields({ form, set }: { form: OfficerIdentity; set: (key: keyof OfficerIdentity) => (value: string) => void }) {
  const { t } = useI18n();
  const text = (key: keyof OfficerIdentity, label: string, options: { required?: boolean; hint?: string; type?: string; inputMode?: 'numeric' | 'tel' | 'email'; maxLength?: number } = {}) => (
    <Field label={label} required={options.required} hint={options.hint}>
      {(id, hint) => (
        <input
          id={id}
          name={key}
          type={options.type ?? 'text'}
          inputMode={options.inputMode}
          maxLength={options.maxLength}
          autoComplete="off"
          value={form[key]}
          onChange={(e) => set(key)(e.target.value)}
          aria-describedby={hint}
          required={options.required}
        />
      )}
    </Field>
  );
  return (
    <>
      {text('fullName', t('accounts.fullName'), { required: true, maxLength: 120 })}
      {text('username', t('accounts.username'), { required: true, hint: t('accounts.usernameHint'), maxLength: 40 })}
      {text('personalId', t('accounts.personalId'), { required: true, hint: t('accounts.personalIdHint'), inputMode: 'numeric', maxLength: 12 })}
      {text('position', t('accounts.position'), { maxLength: 120 })}
      {text('email', t('accounts.email'), { type: 'email', inputMode: 'email', maxLength: 200 })}
      {text('phone', t('accounts.phone'), { type: 'tel', inputMode: 'tel', maxLength: 20 })}
    </>
  );
}

/** A modal <dialog>: focus stays inside, Escape closes it. */
export function Modal({ title, onClose, children, testId, wide, role }: { title: string; onClose: () => void; children: ReactNode; testId?: string; wide?: boolean; role?: 'alertdialog' }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      if (dialog?.open) dialog.close();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={wide ? 'modal modal-wide' : 'modal'}
      aria-labelledby={titleId}
      role={role}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId} className="modal-title">
        {title}
      </h2>
      {children}
    </dialog>
  );
}

/**
 * Confirmation of an action; lifecycle actions ask for a reason, which goes to the journal.
 * `onConfirm` throws an ApiError to keep the dialog open with the message.
 */
export function ConfirmDialog({
  title,
  text,
  confirmLabel,
  danger,
  requireReason,
  canConfirm = true,
  onConfirm,
  onClose,
  children,
  testId = 'confirm-dialog',
}: {
  title: string;
  text: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  requireReason?: boolean;
  canConfirm?: boolean;
  onConfirm: (reason: string) => Promise<void>;
  onClose: () => void;
  children?: ReactNode;
  testId?: string;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const ready = canConfirm && (!requireReason || reason.trim().length >= 3);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready || busy) return;
    setBusy(true);
    setError(null);
    try {
      await onConfirm(reason.trim());
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Modal title={title} onClose={onClose} testId={testId}>
      <form onSubmit={submit} autoComplete="off">
        <div className="modal-text">{text}</div>
        {children}
        {requireReason && (
          <Field label={t('common.reason')} hint={t('common.reasonHint')} required>
            {(id, hint) => (
              <textarea id={id} name="reason" aria-describedby={hint} rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />
            )}
          </Field>
        )}
        <ErrorBox error={error} testId="dialog-error" />
        <DialogActions onCancel={onClose} label={confirmLabel} disabled={!ready || busy} danger={danger} testId="confirm-button" />
      </form>
    </Modal>
  );
}

export function CopyButton({ text, label }: { text: string; label?: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      window.setTimeout(() => setCopied(false), 2000);
    } catch {
      // Without clipboard access the text stays selectable on the page.
    }
  };
  return (
    <button type="button" className="btn btn-small" onClick={copy}>
      {copied ? t('common.copied') : (label ?? t('common.copy'))}
    </button>
  );
}

/** A one-time password shown once, with the rules for handing it over. */
export function OneTimePassword({ password, testId = 'one-time-password' }: { password: string; testId?: string }) {
  const { t } = useI18n();
  return (
    <div className="secret-box">
      <div className="secret-label">{t('accounts.oneTimePassword')}</div>
      <div className="secret-row">
        <code className="secret-value" data-testid={testId}>
          {password}
        </code>
        <CopyButton text={password} />
      </div>
      <p className="hint">{t('accounts.oneTimeNote')}</p>
    </div>
  );
}

const RULE_CHECKS: [MessageKey, ((p: string) => boolean) | null][] = [
  ['pwd.rule.length', (p) => [...p].length >= 8],
  ['pwd.rule.lower', (p) => /\p{Ll}/u.test(p)],
  ['pwd.rule.upper', (p) => /\p{Lu}/u.test(p)],
  ['pwd.rule.digit', (p) => /[^\p{L}]/u.test(p)],
  ['pwd.rule.identity', null],
  ['pwd.rule.common', null],
  ['pwd.rule.history', null],
  ['pwd.rule.expiry', null],
];

/** R50: the rules beside the form, ticked as the officer types (the server decides). */
export function PasswordRules({ password }: { password: string }) {
  const { t } = useI18n();
  return (
    <aside className="rules" aria-labelledby="password-rules-title">
      <h3 id="password-rules-title">{t('pwd.rulesTitle')}</h3>
      <ul>
        {RULE_CHECKS.map(([key, check]) => {
          const state = check && password ? (check(password) ? 'ok' : 'bad') : 'unknown';
          return (
            <li key={key} className={`rule rule-${state}`}>
              <span className="rule-mark" aria-hidden="true">
                {state === 'ok' ? '✓' : state === 'bad' ? '✗' : '•'}
              </span>
              {t(key)}
            </li>
          );
        })}
      </ul>
    </aside>
  );
}

/** Password input with a show/hide toggle; never offered to the browser's password manager (R03). */
export function PasswordInput({ id, name, value, onChange, describedBy, autoFocus }: { id: string; name: string; value: string; onChange: (v: string) => void; describedBy?: string; autoFocus?: boolean }) {
  const { t } = useI18n();
  const [visible, setVisible] = useState(false);
  return (
    <div className="password-input">
      <input
        id={id}
        name={name}
        type={visible ? 'text' : 'password'}
        autoComplete="new-password"
        autoCapitalize="off"
        spellCheck={false}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={describedBy}
        autoFocus={autoFocus}
        required
      />
      <button type="button" className="btn btn-small btn-ghost" onClick={() => setVisible(!visible)} aria-pressed={visible}>
        {visible ? t('field.hidePassword') : t('field.showPassword')}
      </button>
    </div>
  );
}

export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  const option = (value: Lang, label: string) => (
    <button type="button" lang={value} className={lang === value ? 'lang-option active' : 'lang-option'} aria-pressed={lang === value} onClick={() => setLang(value)}>
      {label}
    </button>
  );
  return (
    <div className="lang-switch" role="group" aria-label={t('lang.switch')}>
      {option('vi', t('lang.vi'))}
      {option('en', t('lang.en'))}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <div className="loading" role="status">
      {t('app.loading')}
    </div>
  );
}

/** GET a path and keep the answer; `reload` asks again. A null path waits. */
export function useApi<T>(path: string | null) {
  const [state, setState] = useState<{ data?: T; error: unknown; loading: boolean }>({ error: null, loading: path !== null });
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    get<T>(path).then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error: unknown) => current && setState((s) => ({ ...s, error, loading: false })),
    );
    return () => {
      current = false;
    };
  }, [path, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const setData = useCallback((data: T) => setState({ data, error: null, loading: false }), []);
  return { ...state, reload, setData };
}

export function usePageTitle(title: string) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${title} · ${t('app.systemShort')}`;
  }, [title, t]);
}

export function StatusBadge({ status }: { status: 'active' | 'locked' | 'left' }) {
  const { t } = useI18n();
  return (
    <span className={`badge badge-${status}`} data-testid="status-badge" data-status={status}>
      {t(`accounts.status.${status}`)}
    </span>
  );
}
