import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, noContent } from '../../platform/schemas.ts';
import * as calendar from './calendar.service.ts';
import type { CalendarDayRow } from './calendar.tables.ts';
import { CALENDAR_YEARS, inCalendarYears, MAX_WORKING_DAYS } from './deadline.ts';
import { calendarYearBody } from '../../../common/schemas/calendar.ts';
import { isIsoDate, startOfVietnamDay, weekday } from '../../../common/vietnam-time.ts';

const outsideYears = `Ngày phải trong các năm ${CALENDAR_YEARS.first}–${CALENDAR_YEARS.last}, những năm lịch làm việc tính được.`;
const isoDate = z
  .string()
  .refine(isIsoDate, 'Ngày có dạng YYYY-MM-DD và phải có thật.')
  .refine((d) => inCalendarYears(startOfVietnamDay(d)), outsideYears);
const dayKind = z.enum(['holiday', 'working']);
const daySchema = z.object({ date: z.string(), weekday: z.number(), kind: dayKind, name: z.string() });
const presentDay = (d: CalendarDayRow) => ({ date: d.day, weekday: weekday(d.day), kind: d.kind, name: d.name });
const yearParams = z.strictObject({ year: z.coerce.number().int().min(CALENDAR_YEARS.first).max(CALENDAR_YEARS.last) });
const yearSchema = z.object({
  year: z.number(),
  defined: z.boolean(),
  decision: z.string().nullable(),
  days: z.array(daySchema),
  abilities: z.object({ read: z.boolean(), manage: z.boolean() }),
});
const presentYear = (r: Awaited<ReturnType<typeof calendar.calendarYear>>) => ({ year: r.year, defined: r.defined, decision: r.decision, days: r.days.map(presentDay), abilities: r.abilities });

export const calendarRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/calendar/years/:year', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['calendar'],
      summary: 'The province’s days off and make-up working days of one year (weekends are implied); `defined` is false for a year without a table',
      params: yearParams,
      response: { 200: yearSchema, ...errorResponses },
    },
  }, async (req) => presentYear(await app.inTx(req, (ctx) => calendar.calendarYear(ctx, req.params.year))));

  app.put('/api/calendar/years/:year', {
    config: { access: 'calendar.manage' },
    schema: {
      tags: ['calendar'],
      summary: 'Set a year’s table from the Government’s decision, entered once: its days off and make-up working days replace those before',
      params: yearParams,
      body: calendarYearBody,
      response: { 200: yearSchema, ...errorResponses },
    },
  }, async (req) => presentYear(await app.inTx(req, (ctx) => calendar.setCalendarYear(ctx, req.params.year, req.body))));

  app.post('/api/calendar/days', {
    config: { access: 'calendar.manage' },
    schema: {
      tags: ['calendar'],
      summary: 'Add or change a day of the province’s table: a holiday, or a Saturday/Sunday worked to make up a swapped day',
      body: z.strictObject({ date: isoDate, kind: dayKind, name: z.string().trim().min(2, 'Hãy ghi tên ngày nghỉ hoặc lý do làm bù.').max(200) }),
      response: { 200: daySchema, ...errorResponses },
    },
  }, async (req) => presentDay(await app.inTx(req, (ctx) => calendar.setCalendarDay(ctx, req.body))));

  app.delete('/api/calendar/days/:date', {
    config: { access: 'calendar.manage' },
    schema: { tags: ['calendar'], summary: 'Remove a day from the province’s table', params: z.strictObject({ date: isoDate }), response: { 204: noContent, ...errorResponses } },
  }, async (req, reply) => {
    await app.inTx(req, (ctx) => calendar.removeCalendarDay(ctx, req.params.date));
    return reply.status(204).send(null);
  });

  app.get('/api/calendar/deadline', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['calendar'],
      summary: 'The due date of N working days from a receipt instant, on the province’s calendar (15:00 rule included)',
      querystring: z.strictObject({ receivedAt: z.iso.datetime({ offset: true }).refine((t) => inCalendarYears(new Date(t)), outsideYears), workingDays: z.coerce.number().int().min(0).max(MAX_WORKING_DAYS) }),
      response: {
        200: z.object({ startDate: z.string(), dueDate: z.string(), dueAt: z.string(), yearsWithoutTable: z.array(z.number()) }),
        ...errorResponses,
      },
    },
  }, async (req) => {
    const { deadline, yearsWithoutTable } = await app.inTx(req, (ctx) => calendar.provinceDeadline(ctx.tx, { receivedAt: new Date(req.query.receivedAt), workingDays: req.query.workingDays }));
    if (deadline.state !== 'running') throw new Error('a deadline without pauses is always running');
    return { startDate: deadline.startDate, dueDate: deadline.dueDate, dueAt: deadline.dueAt.toISOString(), yearsWithoutTable };
  });
};
