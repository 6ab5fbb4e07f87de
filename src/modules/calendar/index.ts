export { loadWorkCalendar, provinceDeadline, seedCalendar } from './calendar.service.ts';
export { classifyDeadline, isWorkingDay } from './deadline.ts';
export type { DeadlineStatus, WorkCalendar } from './deadline.ts';
