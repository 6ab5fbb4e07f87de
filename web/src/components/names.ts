import { useNpdFields, useRoles, useUnits, type AccountSummary } from '../api/index.ts';
import { useI18n } from '../i18n.ts';

/** The full name of a unit ("Phường Đức Xuân" rather than "Đức Xuân"), once the unit tree is loaded. */
export function useUnitName() {
  const { data: units } = useUnits();
  return (unit: { id: string; name: string }) => units?.find((u) => u.id === unit.id)?.fullName ?? unit.name;
}

export function useRoleName() {
  const { lang } = useI18n();
  const { data: roles } = useRoles();
  return (role: string) => {
    const found = roles?.find((r) => r.role === role);
    return found ? (lang === 'vi' ? found.nameVi : found.nameEn) : role;
  };
}

/** The name of an NPD field (ho_ten, noi_thuong_tru…) in the page's language; an unknown key shows as it is. */
export function useNpdFieldLabel() {
  const { lang } = useI18n();
  const { data: fields } = useNpdFields();
  return (key: string) => {
    const found = fields?.find((f) => f.key === key);
    return found ? (lang === 'vi' ? found.vi : found.en) : key;
  };
}

export type AccountRef = Pick<AccountSummary, 'id' | 'username' | 'fullName'>;

export const accountLabel = (a: AccountRef) => (a.fullName ? `${a.fullName} (${a.username})` : a.id);
