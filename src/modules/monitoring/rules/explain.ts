import type { AccountFacts, AccountRef, ClientFacts } from '../history.ts';
import { formatVietnamDate, formatVietnamTime, vietnamDate } from '../../../../common/vietnam-time.ts';

/** How the alerts' explanations name people and write times, numbers and spans, in Vietnamese and in English. */

export interface Name {
  vi: string;
  en: string;
  /** "cán bộ này" / "hệ thống này": how the sentence refers back to them */
  viSelf: string;
  enSelf: string;
}

export const officerName = (f: AccountFacts | AccountRef | undefined, id: string): Name => {
  const label = f ? `${f.fullName} (${f.username})` : `#${id.slice(0, 8)}`;
  return { vi: `cán bộ ${label}`, en: `officer ${label}`, viSelf: 'cán bộ này', enSelf: 'this officer' };
};

export const clientName = (f: ClientFacts | undefined, id: string): Name => {
  const label = f ? `«${f.name}»` : `#${id.slice(0, 8)}`;
  return { vi: `hệ thống kết nối ${label}`, en: `integration ${label}`, viSelf: 'hệ thống này', enSelf: 'this integration' };
};

export const capitalize = (text: string) => text.charAt(0).toLocaleUpperCase('vi') + text.slice(1);
const pad = (n: number) => String(n).padStart(2, '0');
export const viTime = (at: Date) => `${formatVietnamTime(at)} ngày ${formatVietnamDate(at)}`;
export const enTime = (at: Date) => `${vietnamDate(at)} ${formatVietnamTime(at)} ICT`;
export const viNumber = (x: number) => x.toLocaleString('vi-VN', { maximumFractionDigits: 1 });
export const enNumber = (x: number) => x.toLocaleString('en-GB', { maximumFractionDigits: 1 });
export const viSpan = (minutes: number) => (minutes >= 120 && minutes % 60 === 0 ? `${minutes / 60} giờ` : `${minutes} phút`);
export const enSpan = (minutes: number) => (minutes >= 120 && minutes % 60 === 0 ? `${minutes / 60} hours` : `${minutes} minutes`);
/** An hour of the day as a clock reads it (7.5 is 7:30). */
export const clock = (hour: number) => `${Math.floor(hour)}:${pad(Math.round((hour % 1) * 60))}`;

export function listNames(names: readonly string[], max = 8): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')}… (+${names.length - max})`;
}
