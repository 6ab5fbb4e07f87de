import { z } from 'zod';
import { isIsoDate } from '../vietnam-time.ts';

/**
 * The province's calendar of one year as its administrator enters it (issue 15): the Government's decision on the
 * year's public holidays and swapped working days, entered once, with every day it names. The web's year editor
 * validates with the same schema. Messages are "Vietnamese / English".
 */

export const CALENDAR_DAY_KINDS = ['holiday', 'working'] as const;

export const calendarDay = z.strictObject({
  date: z.string().refine(isIsoDate, 'Ngày không có thật / not a real date'),
  kind: z.enum(CALENDAR_DAY_KINDS),
  name: z.string().trim().min(2, 'Hãy ghi tên ngày nghỉ hoặc lý do làm bù / name the holiday or the make-up day').max(200),
});

export const calendarYearBody = z
  .strictObject({
    decision: z.string().trim().min(3, 'Hãy ghi số, ngày của văn bản quyết định / give the decision’s number and date').max(300),
    days: z.array(calendarDay).max(60),
  })
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.days.forEach((d, i) => {
      if (seen.has(d.date)) ctx.addIssue({ code: 'custom', path: ['days', i, 'date'], message: 'Ngày này đã có ở dòng khác / this day is listed twice' });
      seen.add(d.date);
    });
  });
export type CalendarYearBody = z.infer<typeof calendarYearBody>;
