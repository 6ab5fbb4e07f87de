import { date, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { CalendarDayKind } from './holidays.ts';

export const calendarYears = pgTable('calendar_years', {
  provinceId: uuid('province_id').notNull(),
  year: integer('year').notNull(),
  /** the Government's decision the year's table follows (null: the built-in table, or days entered one by one) */
  decision: text('decision'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }),
});

export const calendarDays = pgTable('calendar_days', {
  provinceId: uuid('province_id').notNull(),
  day: date('day', { mode: 'string' }).notNull(),
  kind: text('kind').$type<CalendarDayKind>().notNull(),
  name: text('name').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

export type CalendarDayRow = typeof calendarDays.$inferSelect;
