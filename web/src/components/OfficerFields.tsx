import type { FieldValues, Path, UseFormReturn } from 'react-hook-form';
import { useI18n } from '../i18n.ts';
import { FormField } from './form.tsx';

/** The identity of an officer, as both the account issue form and the first-start setup ask it. */
interface OfficerIdentity {
  fullName: string;
  username: string;
  personalId: string;
  position?: string;
  email?: string;
  phone?: string;
}

/** The officer's identity fields of a form whose schema holds them (common/schemas/accounts.ts). */
export function OfficerFields<V extends FieldValues & OfficerIdentity>({ form }: { form: UseFormReturn<V, unknown, any> }) {
  const { t } = useI18n();
  const name = (key: keyof OfficerIdentity) => key as Path<V>;
  return (
    <>
      <FormField form={form} name={name('fullName')} label={t('accounts.fullName')} required>
        {(field) => <input {...field} maxLength={120} autoComplete="off" />}
      </FormField>
      <FormField form={form} name={name('username')} label={t('accounts.username')} hint={t('accounts.usernameHint')} required>
        {(field) => <input {...field} maxLength={40} autoComplete="off" />}
      </FormField>
      <FormField form={form} name={name('personalId')} label={t('accounts.personalId')} hint={t('accounts.personalIdHint')} required>
        {(field) => <input {...field} inputMode="numeric" maxLength={12} autoComplete="off" />}
      </FormField>
      <FormField form={form} name={name('position')} label={t('accounts.position')}>
        {(field) => <input {...field} maxLength={120} autoComplete="off" />}
      </FormField>
      <FormField form={form} name={name('email')} label={t('accounts.email')}>
        {(field) => <input {...field} type="email" inputMode="email" maxLength={200} autoComplete="off" />}
      </FormField>
      <FormField form={form} name={name('phone')} label={t('accounts.phone')}>
        {(field) => <input {...field} type="tel" inputMode="tel" maxLength={20} autoComplete="off" />}
      </FormField>
    </>
  );
}
