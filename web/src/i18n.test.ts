import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { fromVietnamWallClock, vietnamWallClock } from '../../common/vietnam-time.ts';
import { formatDate, formatDateTime, formatDateTimeSeconds, translator, type Lang } from './i18n.ts';
import en from './locales/en.json';
import vi from './locales/vi.json';

const catalogs: Record<Lang, Record<string, string>> = { vi, en };

/** The names of the values a message takes, plural and select branches included. */
function argumentsOf(text: string, lang: Lang): string[] {
  const names = new Set<string>();
  const walk = (elements: unknown[]) => {
    for (const element of elements as { type: number; value?: unknown; options?: Record<string, { value: unknown[] }> }[]) {
      // 0 literal and 7 pound carry no name of their own
      if (element.type !== 0 && element.type !== 7 && typeof element.value === 'string') names.add(element.value);
      for (const option of Object.values(element.options ?? {})) walk(option.value);
    }
  };
  walk(new IntlMessageFormat(text, lang, undefined, { ignoreTag: true }).getAst());
  return [...names].sort();
}

describe('the message catalogs', () => {
  it('should not leave a Vietnamese text without its English one, nor English text no page asks for', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
  });

  it('every message is valid ICU and takes the same values in both languages', () => {
    const differing = Object.keys(vi).filter((key) => argumentsOf(vi[key as keyof typeof vi], 'vi').join() !== argumentsOf(catalogs.en[key]!, 'en').join());
    expect(differing).toEqual([]);
  });

  it('counts in English take the plural, Vietnamese has none', () => {
    const [tEn, tVi] = [translator('en'), translator('vi')];
    expect(tEn('units.count', { n: 1 })).toBe('1 unit');
    expect(tEn('units.count', { n: 2 })).toBe('2 units');
    expect(tEn('journal.witness.behindText', { n: 1 })).toBe('1 entry of the latest checkpoint is not yet accepted by the witness.');
    expect(tEn('idle.warning', { n: 30 })).toBe('The session will lock in 30 seconds due to inactivity.');
    expect(tVi('units.count', { n: 1 })).toBe('1 đơn vị');
    // thousands grouped as each language writes them
    expect(tEn('units.count', { n: 12345 })).toBe('12,345 units');
    expect(tVi('units.count', { n: 12345 })).toBe('12.345 đơn vị');
  });

  it('should not break a page when a value is missing: the message is shown as written', () => {
    const t = translator('en');
    const quiet = console.error;
    console.error = () => {};
    try {
      expect(t('common.showing')).toBe(en['common.showing']);
    } finally {
      console.error = quiet;
    }
  });

  it('shows a command line with angle brackets as written (tags are not parsed)', () => {
    expect(translator('en')('journal.verifyCommand')).toBe(en['journal.verifyCommand']);
    expect(en['journal.verifyCommand']).toContain('<');
  });
});

describe('dates on the page are Vietnam time, wherever the browser is', () => {
  // 17:30 UTC on 1 March is half past midnight on 2 March in Vietnam (UTC+7 all year)
  const lateEvening = '2026-03-01T17:30:05Z';

  it('formats a date, a time and seconds on Vietnam’s clock', () => {
    expect(formatDate(lateEvening)).toBe('02/03/2026');
    expect(formatDateTime(lateEvening)).toBe('02/03/2026 00:30');
    expect(formatDateTimeSeconds(lateEvening)).toBe('02/03/2026 00:30:05');
  });

  it('shows a dash for no date or a text that is not one', () => {
    expect([formatDate(null), formatDateTime(''), formatDateTimeSeconds('not a date')]).toEqual(['—', '—', '—']);
  });

  it('reads a datetime-local value as Vietnam time and writes one back', () => {
    expect(fromVietnamWallClock('2026-03-02T00:30')?.toISOString()).toBe('2026-03-01T17:30:00.000Z');
    expect(vietnamWallClock(new Date(lateEvening))).toBe('2026-03-02T00:30');
    expect(fromVietnamWallClock('02/03/2026 00:30')).toBeNull();
    expect(fromVietnamWallClock('2026-02-30T10:00')).toBeNull();
    expect(fromVietnamWallClock('2026-03-02T00:30:59')?.toISOString()).toBe('2026-03-01T17:30:59.000Z');
  });
});
