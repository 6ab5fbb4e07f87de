import { addDays, endOfVietnamDay, vietnamDate, vietnamParts, weekday, type IsoDate } from '../../../common/vietnam-time.ts';

/**
 * Deadlines in working days (issue 4, item 3), as pure functions of a calendar: no clock, no database.
 *
 * The rules, in order:
 * - Working days are Monday to Friday, minus the holidays of the province's table, plus its make-up working
 *   Saturdays/Sundays.
 * - A dossier received on a working day before 15:00 (Vietnam time) counts from that day; received at or after
 *   15:00, or on a day off, it counts from the next working day (the cut-off the civil-status procedures also use).
 * - The day the count starts from is not itself counted (Civil Code 2015 Art. 147): N working days end at the end of
 *   the N-th working day after it; 0 days (settled "in the day") end at the end of that day.
 * - A supplement request pauses the clock: the working days up to and including the day of the request are used;
 *   the remaining ones count again after the supplement arrives, and that arrival counts like a receipt (15:00 rule,
 *   the day itself not counted). A pause that starts after the due day has ended extends nothing: it was late already.
 */

/** Received at or after this hour, a dossier counts from the next working day. */
export const RECEIPT_CUTOFF_HOUR = 15;
/** The longest time limit accepted, in working days (no catalogued procedure comes near it). */
export const MAX_WORKING_DAYS = 365;

/**
 * The years a province's table may cover and a receipt may fall in. Dates are `YYYY-MM-DD` text: past 9999 they would
 * no longer be (toISOString writes `+010000-01-01`), and no real dossier is received outside these years anyway.
 */
export const CALENDAR_YEARS = { first: 2000, last: 2100 } as const;

/** No real calendar has this many days off in a row; a calendar that does is refused rather than looped on. */
const MAX_DAYS_OFF_IN_A_ROW = 60;

export interface WorkCalendar {
  /** Days off on top of weekends: public holidays, compensatory days, swapped days. */
  holidays: ReadonlySet<IsoDate>;
  /** Saturdays or Sundays worked to make up a swapped day. */
  workingWeekends: ReadonlySet<IsoDate>;
}

/** Whether an instant falls, in Vietnam, in CALENDAR_YEARS (false for an invalid date). */
export function inCalendarYears(at: Date): boolean {
  const { year } = vietnamParts(at);
  return year >= CALENDAR_YEARS.first && year <= CALENDAR_YEARS.last;
}


export function isWeekend(day: IsoDate): boolean {
  const d = weekday(day);
  return d === 0 || d === 6;
}


export function isWorkingDay(day: IsoDate, calendar: WorkCalendar): boolean {
  if (calendar.workingWeekends.has(day)) return true;
  return !isWeekend(day) && !calendar.holidays.has(day);
}

/** The first working day strictly after `day`. */
export function nextWorkingDay(day: IsoDate, calendar: WorkCalendar): IsoDate {
  let d = day;
  for (let i = 0; i < MAX_DAYS_OFF_IN_A_ROW; i++) {
    d = addDays(d, 1);
    if (isWorkingDay(d, calendar)) return d;
  }
  throw new RangeError(`the calendar has no working day in the ${MAX_DAYS_OFF_IN_A_ROW} days after ${day}`);
}

/** The day a receipt (or a supplement's arrival) counts from: its own day before 15:00 on a working day, else the next working day. */
export function countingDay(at: Date, calendar: WorkCalendar): IsoDate {
  const day = vietnamDate(at);
  return isWorkingDay(day, calendar) && vietnamParts(at).hour < RECEIPT_CUTOFF_HOUR ? day : nextWorkingDay(day, calendar);
}

/** The `n`-th working day after `day` (`day` itself when n is 0). */
export function addWorkingDays(day: IsoDate, n: number, calendar: WorkCalendar): IsoDate {
  let d = day;
  for (let left = n; left > 0; left--) d = nextWorkingDay(d, calendar);
  return d;
}

/** How many working days lie in (from, to]; 0 when `to` is not after `from`. */
export function workingDaysBetween(from: IsoDate, to: IsoDate, calendar: WorkCalendar): number {
  let count = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkingDay(d, calendar)) count++;
  return count;
}

/** A supplement request: from the request until the supplement arrived (`to` null while the citizen has not answered). */
export interface Pause {
  from: Date;
  to: Date | null;
}

export interface DeadlineInput {
  receivedAt: Date;
  workingDays: number;
  pauses?: readonly Pause[];
  calendar: WorkCalendar;
}

export type Deadline =
  | { state: 'running'; startDate: IsoDate; dueDate: IsoDate; dueAt: Date }
  /** Waiting for a supplement: no due date until it arrives; this many working days will be left. */
  | { state: 'paused'; startDate: IsoDate; remainingWorkingDays: number };

function checkPauses(receivedAt: Date, pauses: readonly Pause[]): Pause[] {
  const sorted = [...pauses].sort((a, b) => a.from.getTime() - b.from.getTime());
  let previousEnd = receivedAt.getTime();
  sorted.forEach((p, i) => {
    if (p.from.getTime() < previousEnd) throw new RangeError('pauses must start after the receipt and must not overlap');
    if (p.to === null && i !== sorted.length - 1) throw new RangeError('only the last pause may be open');
    if (p.to !== null && p.to.getTime() < p.from.getTime()) throw new RangeError('a pause must not end before it starts');
    previousEnd = p.to?.getTime() ?? Infinity;
  });
  return sorted;
}

export function computeDeadline({ receivedAt, workingDays, pauses = [], calendar }: DeadlineInput): Deadline {
  if (!Number.isInteger(workingDays) || workingDays < 0 || workingDays > MAX_WORKING_DAYS) {
    throw new RangeError(`workingDays must be a whole number from 0 to ${MAX_WORKING_DAYS}`);
  }
  if (!inCalendarYears(receivedAt)) throw new RangeError(`receivedAt must fall in the years ${CALENDAR_YEARS.first}–${CALENDAR_YEARS.last}`);
  const startDate = countingDay(receivedAt, calendar);
  let anchor = startDate;
  let remaining = workingDays;
  for (const pause of checkPauses(receivedAt, pauses)) {
    const pauseDay = vietnamDate(pause.from);
    if (pauseDay > addWorkingDays(anchor, remaining, calendar)) break;
    remaining -= workingDaysBetween(anchor, pauseDay, calendar);
    if (pause.to === null) return { state: 'paused', startDate, remainingWorkingDays: remaining };
    const resumed = countingDay(pause.to, calendar);
    if (resumed > anchor) anchor = resumed;
  }
  const dueDate = addWorkingDays(anchor, remaining, calendar);
  return { state: 'running', startDate, dueDate, dueAt: endOfVietnamDay(dueDate) };
}

export type DeadlineStatus = 'on_track' | 'due_soon' | 'overdue' | 'paused';

/**
 * Where an open dossier stands at `now`: overdue once its due day has ended; due soon when the due day is today or
 * within the next `dueSoonWorkingDays` working days.
 */
export function classifyDeadline(deadline: Deadline, now: Date, calendar: WorkCalendar, dueSoonWorkingDays = 1): DeadlineStatus {
  if (deadline.state === 'paused') return 'paused';
  if (now.getTime() >= deadline.dueAt.getTime()) return 'overdue';
  return workingDaysBetween(vietnamDate(now), deadline.dueDate, calendar) <= dueSoonWorkingDays ? 'due_soon' : 'on_track';
}

/** Whether a result returned at `at` met the deadline (statistics: settled on time / late). */
export function metDeadline(deadline: Deadline, at: Date): boolean {
  return deadline.state === 'running' && at.getTime() < deadline.dueAt.getTime();
}
