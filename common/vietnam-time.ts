/**
 * Vietnam time, for the server and the web alike: every date shown or computed is Vietnam's. Asia/Ho_Chi_Minh has
 * been UTC+7 all year, without daylight saving, since 1975, so the arithmetic is a fixed offset (no time-zone
 * database, identical in Node and every browser).
 */

/** A calendar date, `YYYY-MM-DD`, in Vietnam. */
export type IsoDate = string;

const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** Whether the text is a real calendar date (not 2026-02-30). */
export function isIsoDate(text: string): boolean {
  return ISO_DATE.test(text) && new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;
}

export const VIETNAM_UTC_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

/** The instant moved so that its UTC fields read Vietnam's wall clock. */
const wallClock = (at: Date) => new Date(at.getTime() + VIETNAM_UTC_OFFSET_MS);

export function vietnamParts(at: Date) {
  const v = wallClock(at);
  return { year: v.getUTCFullYear(), month: v.getUTCMonth() + 1, day: v.getUTCDate(), hour: v.getUTCHours(), minute: v.getUTCMinutes(), second: v.getUTCSeconds(), weekday: v.getUTCDay() };
}

/** The date in Vietnam of an instant. */
export function vietnamDate(at: Date): IsoDate {
  return wallClock(at).toISOString().slice(0, 10);
}

/** The first day of the month an instant falls in, in Vietnam, as YYYY-MM-DD. */
export function vietnamMonth(at: Date): IsoDate {
  return `${vietnamDate(at).slice(0, 7)}-01`;
}

/** The instant a day begins in Vietnam (its midnight). */
export function startOfVietnamDay(day: IsoDate): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - VIETNAM_UTC_OFFSET_MS);
}

/** The instant a day ends in Vietnam (midnight at its close): a deadline on that day is met before it. */
export function endOfVietnamDay(day: IsoDate): Date {
  return new Date(startOfVietnamDay(day).getTime() + DAY_MS);
}

export function addDays(day: IsoDate, days: number): IsoDate {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: IsoDate): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

const two = (n: number) => String(n).padStart(2, '0');

/** dd/mm/yyyy, as Vietnamese documents write dates. */
export function formatVietnamDate(at: Date): string {
  const p = vietnamParts(at);
  return `${two(p.day)}/${two(p.month)}/${p.year}`;
}

/** HH:mm on Vietnam's clock. */
export function formatVietnamTime(at: Date): string {
  const p = vietnamParts(at);
  return `${two(p.hour)}:${two(p.minute)}`;
}

/** `YYYY-MM-DDTHH:mm` on Vietnam's clock: the value a datetime-local input shows for an instant. */
export function vietnamWallClock(at: Date): string {
  return wallClock(at).toISOString().slice(0, 16);
}

/**
 * The instant a Vietnam wall-clock time names (`YYYY-MM-DDTHH:mm`, as a datetime-local input gives it, seconds
 * optional), whatever the browser's own time zone; null when the text is not such a time.
 */
export function fromVietnamWallClock(local: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(local)) return null;
  const at = Date.parse(`${local}Z`);
  // a day the month does not have (30 February) parses as a later one: refuse it
  if (Number.isNaN(at) || !new Date(at).toISOString().startsWith(local)) return null;
  return new Date(at - VIETNAM_UTC_OFFSET_MS);
}
