import { describe, expect, it } from 'vitest';
import { dateProblem, formValue, isIsoDate, readDate, showDate } from './dates.ts';

const dateOf = (text: string) => {
  const reading = readDate(text);
  return reading.ok ? reading.date : reading.problem.key;
};

describe('a date typed day first', () => {
  it('reads 20071965, 20/7/1965, 20-07-1965, 20.7.1965 and 20 07 1965 as 20 July 1965', () => {
    for (const text of ['20071965', '20/7/1965', '20-07-1965', '20.7.1965', '20 07 1965', ' 20 / 07 / 1965 ']) expect(dateOf(text), text).toBe('1965-07-20');
  });

  it('should not swap day and month: 2/7/1965 is 2 July, 07/02/1965 is 7 February', () => {
    expect(dateOf('2/7/1965')).toBe('1965-07-02');
    expect(dateOf('07/02/1965')).toBe('1965-02-07');
    expect(dateOf('02071965')).toBe('1965-07-02');
  });

  it('reads a date pasted year first (1965-07-20), whose order cannot be mistaken', () => {
    expect(dateOf('1965-07-20')).toBe('1965-07-20');
    expect(dateOf('1965-7-2')).toBe('1965-07-02');
  });

  it('should not accept 31/02, nor 29/02 outside a leap year, and names the day that does not exist', () => {
    expect(readDate('31/02/2024')).toEqual({ ok: false, problem: { key: 'date.noSuchDay', params: { date: '31/02/2024', month: '2', year: '2024', days: '29' } } });
    expect(dateOf('29/02/2023')).toBe('date.noSuchDay');
    expect(dateOf('29/02/2024')).toBe('2024-02-29');
    expect(dateOf('29/02/1900')).toBe('date.noSuchDay');
    expect(dateOf('29/02/2000')).toBe('2000-02-29');
    expect(dateOf('31/04/2024')).toBe('date.noSuchDay');
  });

  it('should not accept day 32 or day 0, nor month 13 or month 0', () => {
    expect(dateOf('32/01/2000')).toBe('date.noSuchDay');
    expect(dateOf('00/01/2000')).toBe('date.noSuchDay');
    expect(readDate('15/13/2000')).toEqual({ ok: false, problem: { key: 'date.noSuchMonth', params: { month: '13' } } });
    expect(dateOf('15/00/2000')).toBe('date.noSuchMonth');
    expect(dateOf('2000-02-30')).toBe('date.noSuchDay');
  });

  it('should not guess: a two-digit year, seven digits, words or a time are unreadable', () => {
    for (const text of ['20/7/65', '2071965', '200719650', 'hôm qua', '20/7', '20/07/1965 10:00', 'July 20, 1965', '1965/07/20']) expect(dateOf(text), text).toBe('date.unreadable');
  });
});

describe('what the form holds', () => {
  it('holds YYYY-MM-DD for a date in range, nothing for an empty text', () => {
    expect(formValue('20071965')).toBe('1965-07-20');
    expect(formValue('  ')).toBe('');
    expect(formValue('20/07/1965', { max: '2025-01-01' })).toBe('1965-07-20');
  });

  it('should not hold a date outside min/max, nor an impossible one: the text as typed, which no date schema takes', () => {
    expect(formValue('31/02/2024')).toBe('31/02/2024');
    expect(formValue('01/01/2030', { max: '2025-06-15' })).toBe('01/01/2030');
    expect(formValue('01/01/2025', { min: '2025-06-15' })).toBe('01/01/2025');
    expect(isIsoDate(formValue('31/02/2024'))).toBe(false);
  });

  it('tells why a value is refused, the bounds written day first; an empty or good value has no problem', () => {
    expect(dateProblem('01/01/2030', { max: '2025-06-15' })).toEqual({ key: 'date.tooLate', params: { date: '15/06/2025' } });
    expect(dateProblem('14/06/2025', { min: '2025-06-15' })).toEqual({ key: 'date.tooEarly', params: { date: '15/06/2025' } });
    expect(dateProblem('15/06/2025', { min: '2025-06-15', max: '2025-06-15' })).toBeNull();
    expect(dateProblem('1965-07-20')).toBeNull();
    expect(dateProblem('')).toBeNull();
    expect(dateProblem('abc')?.key).toBe('date.unreadable');
  });
});

describe('a date shown', () => {
  it('shows YYYY-MM-DD as dd/mm/yyyy, the same day whatever the time zone', () => {
    expect(showDate('1965-07-20')).toBe('20/07/1965');
    expect(showDate('2024-02-29')).toBe('29/02/2024');
    expect(showDate('2025-12-31')).toBe('31/12/2025');
  });

  it('shows anything else as it is: nothing, or the text that is not a date', () => {
    expect(showDate('')).toBe('');
    expect(showDate('31/02/2024')).toBe('31/02/2024');
    expect(showDate('2024-02-31')).toBe('2024-02-31');
  });
});
