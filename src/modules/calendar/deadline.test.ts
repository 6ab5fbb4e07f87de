import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyDeadline, computeDeadline, isWorkingDay, metDeadline, type Pause, type WorkCalendar } from './deadline.ts';
import { isIsoDate } from '../../../common/vietnam-time.ts';
import { BUILT_IN_CALENDAR } from './holidays.ts';
import { addDays } from '../../../common/vietnam-time.ts';

const days = Object.values(BUILT_IN_CALENDAR).flatMap((y) => y.days);
const calendar: WorkCalendar = {
  holidays: new Set(days.filter((d) => d.kind === 'holiday').map((d) => d.date)),
  workingWeekends: new Set(days.filter((d) => d.kind === 'working').map((d) => d.date)),
};
const weekendsOnly: WorkCalendar = { holidays: new Set(), workingWeekends: new Set() };

/** An instant written as Vietnam wall-clock time, e.g. `2026-03-02 09:00`. */
const vn = (local: string) => new Date(`${local.replace(' ', 'T')}:00+07:00`);
const due = (receivedAt: string, workingDays: number, pauses: Pause[] = [], cal = calendar) => {
  const d = computeDeadline({ receivedAt: vn(receivedAt), workingDays, pauses, calendar: cal });
  return d.state === 'running' ? d.dueDate : `paused, ${d.remainingWorkingDays} left`;
};
const pause = (from: string, to: string | null): Pause => ({ from: vn(from), to: to ? vn(to) : null });

describe('deadlines: N working days from the receipt', () => {
  it.each([
    ['Monday 09:00, 3 days: the receipt day is not counted, Thursday', '2026-03-02 09:00', 3, '2026-03-05'],
    ['Monday 09:00, 0 days (settled in the day): Monday', '2026-03-02 09:00', 0, '2026-03-02'],
    ['Friday 10:00, 1 day: the weekend is skipped, Monday', '2026-03-06 10:00', 1, '2026-03-09'],
    ['Saturday (online), 1 day: counts from Monday, so Tuesday', '2026-03-07 09:00', 1, '2026-03-10'],
    ['Sunday 23:59, 0 days: Monday', '2026-03-08 23:59', 0, '2026-03-09'],
    ['10 days over two weekends', '2026-03-02 09:00', 10, '2026-03-16'],
  ])('%s', (_rule, receivedAt, n, expected) => {
    expect(due(receivedAt, n)).toBe(expected);
  });
});

describe('deadlines: the years a calendar counts', () => {
  it('should refuse a receipt outside 2000–2100 rather than count past year 9999', () => {
    const calendar: WorkCalendar = { holidays: new Set(), workingWeekends: new Set() };
    for (const at of ['9999-12-31T16:00:00Z', '2100-12-31T17:00:00Z', '1999-12-31T16:59:59Z']) {
      expect(() => computeDeadline({ receivedAt: new Date(at), workingDays: 5, calendar })).toThrow(/2000–2100/);
    }
    expect(computeDeadline({ receivedAt: new Date('2100-12-31T16:59:59Z'), workingDays: 365, calendar })).toMatchObject({ state: 'running', dueDate: expect.stringMatching(/^2102-\d\d-\d\d$/) });
  });
});

describe('deadlines: the 15:00 rule', () => {
  it.each([
    ['14:59 counts from the same day', '2026-03-02 14:59', 1, '2026-03-03'],
    ['15:00 exactly counts from the next working day', '2026-03-02 15:00', 1, '2026-03-04'],
    ['16:30 with 0 days is due the next working day', '2026-03-02 16:30', 0, '2026-03-03'],
    ['Friday 15:30 counts from Monday', '2026-03-06 15:30', 1, '2026-03-10'],
    ['Friday 15:30 before Tết counts from the first working day after it', '2026-02-13 15:30', 1, '2026-02-24'],
  ])('%s', (_rule, receivedAt, n, expected) => {
    expect(due(receivedAt, n)).toBe(expected);
  });

  it('an instant given in UTC is judged by its Vietnam time', () => {
    const d = computeDeadline({ receivedAt: new Date('2026-03-02T08:00:00Z'), workingDays: 0, calendar });
    expect(d).toMatchObject({ state: 'running', startDate: '2026-03-03', dueDate: '2026-03-03' });
  });
});

describe('deadlines: holidays and make-up working days', () => {
  it.each([
    ['Tết Bính Ngọ (16–20/02/2026) is skipped', '2026-02-13 10:00', 3, '2026-02-25'],
    ['New Year 2026: 1/1 and the swapped 2/1 are skipped', '2025-12-31 10:00', 1, '2026-01-05'],
    ['the make-up Saturday 10/01/2026 is a working day', '2026-01-09 10:00', 1, '2026-01-10'],
    ['Hùng Kings on a Sunday: its compensatory Monday 27/04 is skipped, then 30/4 and 1/5', '2026-04-24 09:00', 5, '2026-05-06'],
    ['received on a holiday counts from the next working day', '2026-04-30 09:00', 2, '2026-05-06'],
    ['National Day 2026: Saturday 22/08 is worked, Monday 31/08 is not', '2026-08-21 10:00', 2, '2026-08-24'],
    ['National Day 2026: 31/08, 01/09 and 02/09 are skipped', '2026-08-28 10:00', 1, '2026-09-03'],
    ['Tết Ất Tỵ 2025 (27–31/01) is skipped', '2025-01-24 09:00', 1, '2025-02-03'],
    ['30/4–2/5/2025 are skipped, the make-up Saturday 26/04 is not', '2025-04-25 09:00', 4, '2025-05-05'],
  ])('%s', (_rule, receivedAt, n, expected) => {
    expect(due(receivedAt, n)).toBe(expected);
  });

  it('should not skip a holiday the province has not listed (weekends only)', () => {
    expect(due('2026-02-13 10:00', 3, [], weekendsOnly)).toBe('2026-02-18');
  });

  it('the due instant is the end of the due day in Vietnam (17:00 UTC)', () => {
    const d = computeDeadline({ receivedAt: vn('2026-03-02 09:00'), workingDays: 3, calendar });
    expect(d.state === 'running' && d.dueAt.toISOString()).toBe('2026-03-05T17:00:00.000Z');
  });
});

describe('deadlines: a supplement request pauses the clock', () => {
  // Received Monday 2 March 09:00 with 3 working days: due Thursday 5 March without a pause.
  const received = '2026-03-02 09:00';
  it.each([
    ['answered the same morning: no day lost, still Thursday', [pause('2026-03-03 10:00', '2026-03-03 11:00')], '2026-03-05'],
    ['answered after 15:00 the same day: one day more, Friday', [pause('2026-03-03 10:00', '2026-03-03 16:00')], '2026-03-06'],
    ['requested Tuesday, answered Thursday 14:00: Wednesday and Thursday are added, Monday', [pause('2026-03-03 10:00', '2026-03-05 14:00')], '2026-03-09'],
    ['requested on the due day: due again the day the supplement arrives', [pause('2026-03-05 09:00', '2026-03-09 10:00')], '2026-03-09'],
    ['requested after the due day: extends nothing, it was late already', [pause('2026-03-06 09:00', '2026-03-09 10:00')], '2026-03-05'],
    ['two requests add up', [pause('2026-03-03 10:00', '2026-03-04 10:00'), pause('2026-03-05 09:00', '2026-03-06 09:00')], '2026-03-09'],
    ['given out of order, the same', [pause('2026-03-05 09:00', '2026-03-06 09:00'), pause('2026-03-03 10:00', '2026-03-04 10:00')], '2026-03-09'],
    ['still waiting: no due date, 2 working days left', [pause('2026-03-03 10:00', null)], 'paused, 2 left'],
  ])('%s', (_rule, pauses, expected) => {
    expect(due(received, 3, pauses)).toBe(expected);
  });

  it('a pause across Tết: the holidays are neither used nor added', () => {
    expect(due('2026-02-11 09:00', 3)).toBe('2026-02-23');
    expect(due('2026-02-11 09:00', 3, [pause('2026-02-12 10:00', '2026-02-24 09:00')])).toBe('2026-02-26');
  });

  it('a pause before the count starts (received after 15:00) costs nothing', () => {
    expect(due('2026-03-02 16:00', 1, [pause('2026-03-02 16:30', '2026-03-03 10:00')])).toBe(due('2026-03-02 16:00', 1));
  });
});

describe('R22 statistics: due soon, overdue, settled on time', () => {
  const deadline = computeDeadline({ receivedAt: vn('2026-03-02 09:00'), workingDays: 3, calendar });
  it.each([
    ['three working days ahead is on track', '2026-03-02 10:00', 'on_track'],
    ['the working day before the due day is due soon', '2026-03-04 09:00', 'due_soon'],
    ['the due day itself, until midnight, is due soon', '2026-03-05 23:59', 'due_soon'],
    ['midnight after the due day is overdue', '2026-03-06 00:00', 'overdue'],
  ])('%s', (_rule, now, status) => {
    expect(classifyDeadline(deadline, vn(now), calendar)).toBe(status);
  });

  it('days off do not count towards "soon": Friday before Tết with the due day right after it is due soon', () => {
    const beforeTet = computeDeadline({ receivedAt: vn('2026-02-11 09:00'), workingDays: 3, calendar });
    expect(classifyDeadline(beforeTet, vn('2026-02-13 10:00'), calendar)).toBe('due_soon');
    expect(classifyDeadline(beforeTet, vn('2026-02-13 10:00'), weekendsOnly)).toBe('on_track');
  });

  it('a paused dossier is neither due soon nor overdue', () => {
    const paused = computeDeadline({ receivedAt: vn('2026-03-02 09:00'), workingDays: 3, pauses: [pause('2026-03-03 10:00', null)], calendar });
    expect(classifyDeadline(paused, vn('2026-04-01 09:00'), calendar)).toBe('paused');
  });

  it('a result returned on the due day is on time, the next day late', () => {
    expect(metDeadline(deadline, vn('2026-03-05 16:00'))).toBe(true);
    expect(metDeadline(deadline, vn('2026-03-06 08:00'))).toBe(false);
  });
});

describe('bad input is refused, not guessed', () => {
  const receivedAt = vn('2026-03-02 09:00');
  it.each([
    ['a negative number of days', { workingDays: -1 }],
    ['a fraction of a day', { workingDays: 1.5 }],
    ['more than 365 days', { workingDays: 366 }],
    ['a pause before the receipt', { pauses: [pause('2026-03-01 09:00', '2026-03-03 09:00')] }],
    ['a pause ending before it starts', { pauses: [pause('2026-03-04 09:00', '2026-03-03 09:00')] }],
    ['overlapping pauses', { pauses: [pause('2026-03-03 09:00', '2026-03-05 09:00'), pause('2026-03-04 09:00', '2026-03-06 09:00')] }],
    ['an open pause followed by another', { pauses: [pause('2026-03-03 09:00', null), pause('2026-03-04 09:00', '2026-03-05 09:00')] }],
  ])('should not compute a deadline with %s', (_what, input) => {
    expect(() => computeDeadline({ receivedAt, workingDays: 3, calendar, ...input })).toThrow(RangeError);
  });

  it('should not loop on a calendar without working days', () => {
    const allOff: WorkCalendar = { holidays: new Set(Array.from({ length: 400 }, (_, i) => addDays('2026-01-01', i))), workingWeekends: new Set() };
    expect(() => computeDeadline({ receivedAt, workingDays: 1, calendar: allOff })).toThrow(RangeError);
  });

  it('isIsoDate refuses impossible dates', () => {
    expect(['2026-02-28', '2028-02-29'].every(isIsoDate)).toBe(true);
    expect(['2026-02-29', '2026-13-01', '2026-1-1', '2026-04-31', ''].some(isIsoDate)).toBe(false);
  });
});

describe('properties over random receipts and calendars', () => {
  const instant = fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true });
  const n = fc.integer({ min: 0, max: 40 });

  it('the due date is always a working day, and never before the receipt', () => {
    fc.assert(
      fc.property(instant, n, (receivedAt, workingDays) => {
        const d = computeDeadline({ receivedAt, workingDays, calendar });
        return d.state === 'running' && isWorkingDay(d.dueDate, calendar) && d.dueAt > receivedAt;
      }),
    );
  });

  it('one more working day never gives an earlier due date', () => {
    fc.assert(
      fc.property(instant, n, (receivedAt, workingDays) => {
        const a = computeDeadline({ receivedAt, workingDays, calendar });
        const b = computeDeadline({ receivedAt, workingDays: workingDays + 1, calendar });
        return a.state === 'running' && b.state === 'running' && b.dueDate > a.dueDate;
      }),
    );
  });

  it('a closed pause never brings the due date forward', () => {
    fc.assert(
      fc.property(instant, n, fc.integer({ min: 0, max: 20 * 86_400_000 }), fc.integer({ min: 0, max: 10 * 86_400_000 }), (receivedAt, workingDays, after, length) => {
        const from = new Date(receivedAt.getTime() + after);
        const plain = computeDeadline({ receivedAt, workingDays, calendar });
        const paused = computeDeadline({ receivedAt, workingDays, calendar, pauses: [{ from, to: new Date(from.getTime() + length) }] });
        return plain.state === 'running' && paused.state === 'running' && paused.dueDate >= plain.dueDate;
      }),
    );
  });
});
