import type { NpdSuspension } from '../api/index.ts';
import type { Translate } from '../i18n.ts';
import { accountLabel } from './names.ts';

/** "toàn hệ thống", "đơn vị Xã A", "tài khoản Nguyễn Văn B (nvb)". */
export function targetOf(s: Pick<NpdSuspension, 'scope' | 'unit' | 'account'>, t: Translate): string {
  if (s.scope === 'unit') return t('npdSusp.target.unit', { name: s.unit?.name ?? '' });
  if (s.scope === 'account') return t('npdSusp.target.account', { name: s.account ? accountLabel(s.account) : '' });
  return t('npdSusp.target.system');
}

export const capitalized = (text: string) => text.charAt(0).toLocaleUpperCase('vi') + text.slice(1);
