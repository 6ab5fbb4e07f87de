import { IntlMessageFormat } from 'intl-messageformat';
import { createContext, useContext } from 'react';
import { formatVietnamDate, formatVietnamTime, vietnamParts } from '../../common/vietnam-time.ts';
import en from './locales/en.json';
import vi from './locales/vi.json';

export type Lang = 'vi' | 'en';

/** Every text of the app has a key in the Vietnamese catalog; the English one must have them all (checked by tsc). */
export type MessageKey = keyof typeof vi;

/**
 * One catalog per language, in ICU message syntax (`{n, plural, one {# unit} other {# units}}`); tags are not
 * parsed, so a command line such as `--key <khóa>` is shown as written.
 */
const catalogs: Record<Lang, Record<MessageKey, string>> = { vi, en };

/** Whether a key built at run time (e.g. from a journal event type) has a text. */
export const isMessageKey = (key: string): key is MessageKey => Object.hasOwn(vi, key);

/** The journal event types that have a readable name (for the journal page's type filter). */
export const journalEventTypes = (): string[] =>
  Object.keys(catalogs.vi)
    .filter((key) => key.startsWith('journal.type.'))
    .map((key) => key.slice('journal.type.'.length));

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const catalog = catalogs[lang];
  const formats = new Map<MessageKey, IntlMessageFormat>();
  return (key, params) => {
    const text = catalog[key];
    if (!text.includes('{')) return text;
    let format = formats.get(key);
    if (!format) {
      format = new IntlMessageFormat(text, lang, undefined, { ignoreTag: true });
      formats.set(key, format);
    }
    try {
      return String(format.format(params));
    } catch (error) {
      // a value the page forgot: show the message as written rather than break the page
      console.error(`message ${key}:`, error);
      return text;
    }
  };
}

const LANG_KEY = 'motcua.lang';

export function storedLang(): Lang {
  try {
    return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

export function storeLang(lang: Lang) {
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    // Private mode without storage: the choice lasts for this page only.
  }
  document.documentElement.lang = lang;
}

export interface I18n {
  lang: Lang;
  t: Translate;
  setLang: (lang: Lang) => void;
}

export const I18nContext = createContext<I18n>({ lang: 'vi', t: translator('vi'), setLang: () => {} });
export const useI18n = () => useContext(I18nContext);

/** dd/mm/yyyy in Vietnam, wherever the browser is. */
export function formatDate(iso: string | null | undefined): string {
  const at = instant(iso);
  return at ? formatVietnamDate(at) : '—';
}

/** dd/mm/yyyy HH:mm in Vietnam. */
export function formatDateTime(iso: string | null | undefined): string {
  const at = instant(iso);
  return at ? `${formatVietnamDate(at)} ${formatVietnamTime(at)}` : '—';
}

/** dd/mm/yyyy HH:mm:ss in Vietnam. */
export function formatDateTimeSeconds(iso: string | null | undefined): string {
  const at = instant(iso);
  return at ? `${formatDateTime(iso)}:${String(vietnamParts(at).second).padStart(2, '0')}` : '—';
}

function instant(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** "10 phút" / "15 giây": the idle timeout in words. */
export function describeDuration(seconds: number, t: Translate): string {
  return seconds >= 60 && seconds % 60 === 0 ? t('idle.minutes', { n: seconds / 60 }) : t('idle.seconds', { n: Math.round(seconds) });
}
