export { loadWorkCalendar, provinceDeadline, seedCalendar } from './calendar.service.ts';
export { VIETNAM_UTC_OFFSET_MS, addDays, classifyDeadline, endOfVietnamDay, isWorkingDay, vietnamDate, weekday } from './deadline.ts';
export type { DeadlineStatus, IsoDate, WorkCalendar } from './deadline.ts';
