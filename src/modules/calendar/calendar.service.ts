import { and, asc, eq, gte, lte } from 'drizzle-orm';
import { requireActor, type Ctx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import { record } from '../journal/index.ts';
import { getProvince, type UnitRow } from '../units/index.ts';
import { calendarPolicy } from './calendar.policy.ts';
import { calendarDays, calendarYears } from './calendar.tables.ts';
import { computeDeadline, isWeekend, type Deadline, type Pause, type WorkCalendar } from './deadline.ts';
import { BUILT_IN_CALENDAR, type CalendarDayInput } from './holidays.ts';
import type { CalendarYearBody } from '../../../common/schemas/calendar.ts';
import { vietnamDate, type IsoDate } from '../../../common/vietnam-time.ts';

async function requireProvince(tx: Executor): Promise<UnitRow> {
  const province = await getProvince(tx);
  if (!province) throw new Error('the province has not been imported');
  return province;
}

const yearOf = (day: IsoDate) => Number(day.slice(0, 4));

/** Loads the built-in days of every year the province's table does not have yet; returns those years. */
export async function seedCalendar(ctx: Ctx): Promise<number[]> {
  const province = await requireProvince(ctx.tx);
  const have = new Set((await ctx.tx.select({ year: calendarYears.year }).from(calendarYears).where(eq(calendarYears.provinceId, province.id))).map((r) => r.year));
  const years = Object.keys(BUILT_IN_CALENDAR).map(Number).filter((y) => !have.has(y));
  if (years.length === 0) return [];
  const now = ctx.clock.now();
  await ctx.tx.insert(calendarYears).values(years.map((year) => ({ provinceId: province.id, year, createdAt: now })));
  const days = years.flatMap((y) => BUILT_IN_CALENDAR[y]!.days);
  await ctx.tx.insert(calendarDays).values(days.map((d) => ({ provinceId: province.id, day: d.date, kind: d.kind, name: d.name, updatedAt: now })));
  await record(ctx, {
    type: 'calendar.seed',
    target: { type: 'calendar', id: province.id },
    unitId: province.id,
    details: { years, days: days.length, sources: years.flatMap((y) => BUILT_IN_CALENDAR[y]!.sources) },
  });
  return years;
}

/** The province's whole table (a few dozen days a year) and the years it covers. */
export async function loadWorkCalendar(tx: Executor, provinceId: string): Promise<WorkCalendar & { years: ReadonlySet<number> }> {
  const days = await tx.select({ day: calendarDays.day, kind: calendarDays.kind }).from(calendarDays).where(eq(calendarDays.provinceId, provinceId));
  const years = await tx.select({ year: calendarYears.year }).from(calendarYears).where(eq(calendarYears.provinceId, provinceId));
  return {
    holidays: new Set(days.filter((d) => d.kind === 'holiday').map((d) => d.day)),
    workingWeekends: new Set(days.filter((d) => d.kind === 'working').map((d) => d.day)),
    years: new Set(years.map((y) => y.year)),
  };
}

/**
 * The deadline of a dossier of this province, and the years it runs through for which the province has no table
 * (only weekends are skipped there, so the date may be too early: the caller shows a warning).
 */
export async function provinceDeadline(tx: Executor, input: { receivedAt: Date; workingDays: number; pauses?: Pause[] }): Promise<{ deadline: Deadline; yearsWithoutTable: number[] }> {
  const province = await requireProvince(tx);
  const calendar = await loadWorkCalendar(tx, province.id);
  const deadline = computeDeadline({ ...input, calendar });
  const last = deadline.state === 'running' ? deadline.dueDate : deadline.startDate;
  const yearsWithoutTable: number[] = [];
  for (let y = yearOf(vietnamDate(input.receivedAt)); y <= yearOf(last); y++) if (!calendar.years.has(y)) yearsWithoutTable.push(y);
  return { deadline, yearsWithoutTable };
}

export async function calendarYear(ctx: Ctx, year: number) {
  const actor = requireActor(ctx);
  const province = await requireProvince(ctx.tx);
  const [set] = await ctx.tx.select().from(calendarYears).where(and(eq(calendarYears.provinceId, province.id), eq(calendarYears.year, year)));
  const days = await ctx.tx
    .select()
    .from(calendarDays)
    .where(and(eq(calendarDays.provinceId, province.id), gte(calendarDays.day, `${year}-01-01`), lte(calendarDays.day, `${year}-12-31`)))
    .orderBy(asc(calendarDays.day));
  return { year, defined: !!set, decision: set?.decision ?? null, days, abilities: calendarPolicy.abilities(actor, { provincePath: province.path }) };
}

const workingNotWeekend = () => invalid('working_day_not_weekend', 'Ngày làm bù phải là thứ Bảy hoặc Chủ nhật.', 'A make-up working day must be a Saturday or a Sunday.');

/**
 * The year's table as the Government's decision sets it, entered once: every day off and make-up working day of the
 * year replaces the ones before, and the journal keeps what was added, removed and changed.
 */
export async function setCalendarYear(ctx: Ctx, year: number, input: CalendarYearBody) {
  const province = await requireProvince(ctx.tx);
  calendarPolicy.authorize(requireActor(ctx), 'manage', { provincePath: province.path });
  const outside = input.days.find((d) => yearOf(d.date) !== year);
  if (outside) throw invalid('day_outside_year', `Ngày ${outside.date} không thuộc năm ${year}.`, `${outside.date} is not in ${year}.`);
  if (input.days.some((d) => d.kind === 'working' && !isWeekend(d.date))) throw workingNotWeekend();
  const now = ctx.clock.now();
  const inYear = and(eq(calendarDays.provinceId, province.id), gte(calendarDays.day, `${year}-01-01`), lte(calendarDays.day, `${year}-12-31`));
  const before = new Map((await ctx.tx.select().from(calendarDays).where(inYear).for('update')).map((d) => [d.day, d]));
  await ctx.tx
    .insert(calendarYears)
    .values({ provinceId: province.id, year, decision: input.decision, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: [calendarYears.provinceId, calendarYears.year], set: { decision: input.decision, updatedAt: now } });
  await ctx.tx.delete(calendarDays).where(inYear);
  if (input.days.length > 0) await ctx.tx.insert(calendarDays).values(input.days.map((d) => ({ provinceId: province.id, day: d.date, kind: d.kind, name: d.name, updatedAt: now })));
  const after = new Map(input.days.map((d) => [d.date, d]));
  await record(ctx, {
    type: 'calendar.year_set',
    target: { type: 'calendar', id: province.id },
    unitId: province.id,
    details: {
      year,
      decision: input.decision,
      added: input.days.filter((d) => !before.has(d.date)).map((d) => d.date),
      removed: [...before.keys()].filter((day) => !after.has(day)),
      changed: input.days.filter((d) => before.has(d.date) && (before.get(d.date)!.kind !== d.kind || before.get(d.date)!.name !== d.name)).map((d) => d.date),
    },
  });
  return calendarYear(ctx, year);
}

/** Adds or changes one day of the province's table (a holiday, or a weekend day worked to make up a swapped day). */
export async function setCalendarDay(ctx: Ctx, input: CalendarDayInput) {
  const province = await requireProvince(ctx.tx);
  calendarPolicy.authorize(requireActor(ctx), 'manage', { provincePath: province.path });
  if (input.kind === 'working' && !isWeekend(input.date)) throw workingNotWeekend();
  const now = ctx.clock.now();
  await ctx.tx.insert(calendarYears).values({ provinceId: province.id, year: yearOf(input.date), createdAt: now }).onConflictDoNothing();
  const [before] = await ctx.tx.select().from(calendarDays).where(and(eq(calendarDays.provinceId, province.id), eq(calendarDays.day, input.date))).for('update');
  const [day] = await ctx.tx
    .insert(calendarDays)
    .values({ provinceId: province.id, day: input.date, kind: input.kind, name: input.name, updatedAt: now })
    .onConflictDoUpdate({ target: [calendarDays.provinceId, calendarDays.day], set: { kind: input.kind, name: input.name, updatedAt: now } })
    .returning();
  await record(ctx, {
    type: 'calendar.day_set',
    target: { type: 'calendar', id: province.id },
    unitId: province.id,
    details: { date: input.date, kind: input.kind, name: input.name, before: before ? { kind: before.kind, name: before.name } : null },
  });
  return day!;
}

export async function removeCalendarDay(ctx: Ctx, date: IsoDate): Promise<void> {
  const province = await requireProvince(ctx.tx);
  calendarPolicy.authorize(requireActor(ctx), 'manage', { provincePath: province.path });
  const [removed] = await ctx.tx.delete(calendarDays).where(and(eq(calendarDays.provinceId, province.id), eq(calendarDays.day, date))).returning();
  if (!removed) throw notFound();
  await record(ctx, {
    type: 'calendar.day_remove',
    target: { type: 'calendar', id: province.id },
    unitId: province.id,
    details: { date, kind: removed.kind, name: removed.name },
  });
}
