import type { IsoDate } from '../../common/vietnam-time.ts';
import { formatDate, type MessageKey } from './i18n.ts';

// Dates as a Vietnamese desk types them: day first, whatever the browser's language. The form holds YYYY-MM-DD,
// as the server's schemas check it, and shows dd/mm/yyyy.

export interface DateBounds {
  min?: IsoDate;
  max?: IsoDate;
}

/** Why a text is not a date the field takes: a message key and its values. */
export interface DateProblem {
  key: MessageKey;
  params?: Record<string, string>;
}

export type DateReading = { ok: true; date: IsoDate } | { ok: false; problem: DateProblem };

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_FIRST = /^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$|^(\d{1,2})\s+(\d{1,2})\s+(\d{4})$/;
const DIGITS_ONLY = /^(\d{2})(\d{2})(\d{4})$/;
// pasted from another system: with the year first and four digits, the order cannot be mistaken
const YEAR_FIRST = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

const two = (n: number) => String(n).padStart(2, '0');
const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const daysIn = (year: number, month: number) => (month === 2 ? (isLeap(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31);

export const isIsoDate = (value: string): value is IsoDate => ISO_DATE.test(value) && readDate(value).ok;

/** "20071965", "20/7/1965", "20-07-1965", "20.7.1965" (and "1965-07-20") → 1965-07-20; never month first. */
export function readDate(text: string): DateReading {
  const typed = text.trim();
  const parts = DAY_FIRST.exec(typed) ?? DIGITS_ONLY.exec(typed);
  const yearFirst = parts ? null : YEAR_FIRST.exec(typed);
  const numbers = parts ? parts.slice(1).filter(Boolean).map(Number) : yearFirst ? [yearFirst[3], yearFirst[2], yearFirst[1]].map(Number) : null;
  if (!numbers) return { ok: false, problem: { key: 'date.unreadable' } };
  const [day, month, year] = numbers as [number, number, number];
  if (month < 1 || month > 12) return { ok: false, problem: { key: 'date.noSuchMonth', params: { month: String(month) } } };
  const days = daysIn(year, month);
  if (day < 1 || day > days) {
    return { ok: false, problem: { key: 'date.noSuchDay', params: { date: `${two(day)}/${two(month)}/${year}`, month: String(month), year: String(year), days: String(days) } } };
  }
  return { ok: true, date: `${year}-${two(month)}-${two(day)}` };
}

/** Why a text (or a form's value) is not a date the field takes; null when it is one, or empty. */
export function dateProblem(text: string, { min, max }: DateBounds = {}): DateProblem | null {
  if (!text.trim()) return null;
  const reading = readDate(text);
  if (!reading.ok) return reading.problem;
  if (min && reading.date < min) return { key: 'date.tooEarly', params: { date: showDate(min) } };
  if (max && reading.date > max) return { key: 'date.tooLate', params: { date: showDate(max) } };
  return null;
}

/**
 * What the form holds for a text: YYYY-MM-DD for a date the field takes, '' for nothing, else the text as typed, which
 * every date schema refuses, so that a form is never sent with a date other than the one the person sees.
 */
export function formValue(text: string, bounds: DateBounds = {}): string {
  const typed = text.trim();
  const reading = readDate(typed);
  return reading.ok && !dateProblem(typed, bounds) ? reading.date : typed;
}

/** dd/mm/yyyy for a form's YYYY-MM-DD; any other value (empty, or text that is not a date) as it is. */
export function showDate(value: string): string {
  return isIsoDate(value) ? formatDate(value) : value;
}
