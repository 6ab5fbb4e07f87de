import { zodResolver } from '@hookform/resolvers/zod';
import { useState, type ReactNode } from 'react';
import { get, useForm, type DefaultValues, type FieldValues, type Path, type UseFormReturn } from 'react-hook-form';
import type { z } from 'zod';
import { DialogActions, ErrorBox, FieldFrame, Modal } from '../components.tsx';
import { useI18n, type Lang } from '../i18n.ts';

/** The half of a "Vietnamese / English" message for the language (the shared schemas write both). */
export const messageIn = (lang: Lang, message: string): string => {
  const [vi, en] = message.split(' / ');
  return lang === 'en' && en ? en : vi!;
};

/**
 * A form validated by the same zod schema the server validates with: a mistake shows beside its field when the field
 * is left, and the request is sent only when the whole form passes. `submit` gets the parsed values (trimmed, typed).
 */
export function useZodForm<I extends FieldValues, O extends FieldValues>(schema: z.ZodType<O, I>, defaultValues: DefaultValues<I>) {
  return useForm<I, unknown, O>({ resolver: zodResolver(schema), defaultValues, mode: 'onTouched' });
}

// a field reads the form's state, whatever its parsed output
type AnyForm<V extends FieldValues> = UseFormReturn<V, unknown, any>;

/** A labelled input of a form: the label, the hint and the field's own error, tied to the input for screen readers. */
export function FormField<V extends FieldValues>({
  form,
  name,
  label,
  hint,
  required,
  children,
}: {
  form: AnyForm<V>;
  name: Path<V>;
  label: string;
  hint?: string;
  required?: boolean;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean } & ReturnType<UseFormReturn<V>['register']>) => ReactNode;
}) {
  const { lang } = useI18n();
  // a nested name (persons.0.personalId) is a valid id and finds its error in the nested errors
  const id = `field-${String(name)}`;
  const error = (get(form.formState.errors, name) as { message?: string } | undefined)?.message;
  return (
    <FieldFrame id={id} label={label} hint={hint} required={required} error={error && messageIn(lang, error)}>
      {(describedBy) => children({ id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined, ...form.register(name) })}
    </FieldFrame>
  );
}

/**
 * The one dialog with a form: fields, the server's refusal if any, cancel and submit. The submit button stays
 * disabled while the request is on its way; `onSubmit` throwing (an ApiError) shows its message and keeps the dialog.
 */
export function FormDialog<V extends FieldValues, P>({
  title,
  form,
  onSubmit,
  onClose,
  submitLabel,
  danger,
  testId,
  submitTestId,
  wide,
  children,
}: {
  title: string;
  form: UseFormReturn<V, unknown, P>;
  onSubmit: (values: P) => Promise<unknown>;
  onClose: () => void;
  submitLabel?: string;
  danger?: boolean;
  testId?: string;
  submitTestId?: string;
  /** for a form with many or long fields */
  wide?: boolean;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const [refusal, setRefusal] = useState<unknown>(null);
  const submit = form.handleSubmit(async (values) => {
    setRefusal(null);
    try {
      await onSubmit(values);
    } catch (error) {
      setRefusal(error);
    }
  });
  return (
    <Modal title={title} onClose={onClose} testId={testId} wide={wide}>
      <form onSubmit={(e) => void submit(e)} autoComplete="off" noValidate>
        {children}
        <ErrorBox error={refusal} testId="dialog-error" />
        <DialogActions onCancel={onClose} label={submitLabel ?? t('common.save')} disabled={form.formState.isSubmitting} danger={danger} testId={submitTestId} />
      </form>
    </Modal>
  );
}
