import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from './api/index.ts';
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

/**
 * The frame of every field: the label (with the required mark) tied to the control by `id`, the hint, and the
 * field's mistake if any; the control gets the ids that describe it, for screen readers.
 */
export function FieldFrame({ id, label, hint, required, error, children }: { id: string; label: string; hint?: string; required?: boolean; error?: string; children: (describedBy?: string) => ReactNode }) {
  const { t } = useI18n();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>
        {label}
        {required && (
          <span className="required" title={t('common.required')}>
            {' '}
            *
          </span>
        )}
      </label>
      {children([hintId, errorId].filter(Boolean).join(' ') || undefined)}
      {hint && (
        <div className="hint" id={hintId}>
          {hint}
        </div>
      )}
      {error && (
        <div className="field-error" id={errorId} data-testid="field-error">
          {error}
        </div>
      )}
    </div>
  );
}

/** A labelled control outside a validated form (filters, search boxes). */
export function Field({ label, hint, required, children }: { label: string; hint?: string; required?: boolean; children: (id: string, describedBy?: string) => ReactNode }) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} hint={hint} required={required}>
      {(describedBy) => children(id, describedBy)}
    </FieldFrame>
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
