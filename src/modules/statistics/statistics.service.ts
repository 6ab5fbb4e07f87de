import ExcelJS from 'exceljs';
import { and, eq, gte, inArray, like, lt, sql } from 'drizzle-orm';
import { hasPermission } from '../../authz/actor.ts';
import { requireActor, type Ctx } from '../../platform/context.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import { addDays, type IsoDate } from '../calendar/deadline.ts';
import { documents } from '../documents/documents.tables.ts';
import { dossiers } from '../dossiers/dossiers.tables.ts';
import { OPEN_STATUSES } from '../dossiers/workflow.ts';
import { procedureCatalogue } from '../procedures/procedures.tables.ts';
import { findUnit, getProvince } from '../units/units.service.ts';
import { units } from '../units/units.tables.ts';

export interface StatisticsQuery {
  /** first and last day of the period, Vietnam dates, inclusive */
  from: IsoDate;
  to: IsoDate;
  /** the unit whose desks' dossiers are counted (default: the whole province) */
  unitId?: string;
}

const vietnamMidnight = (day: IsoDate) => new Date(`${day}T00:00:00+07:00`);

/**
 * R22, Decision 766/QĐ-TTg: per procedure and per receiving unit, the dossiers received in the period, settled in it
 * on time or late (the due date already excludes the time waiting for a supplement), and, as of now, those still in
 * progress and overdue. Counted in the database in one pass over the period's dossiers (grouping sets).
 */
export async function dossierStatistics(ctx: Ctx, query: StatisticsQuery) {
  const actor = requireActor(ctx);
  if (query.from > query.to) throw invalid('period', 'Ngày bắt đầu phải trước ngày kết thúc.', 'The period starts after it ends.');
  if (addDays(query.from, 366) <= query.to) throw invalid('period_too_long', 'Chọn một khoảng tối đa một năm.', 'Choose at most one year.');
  const unit = query.unitId ? await findUnit(ctx.tx, query.unitId) : await getProvince(ctx.tx);
  if (!unit || !hasPermission(actor, 'statistics.read', unit.path)) throw notFound();

  const start = vietnamMidnight(query.from);
  const end = vietnamMidnight(addDays(query.to, 1));
  const now = ctx.clock.now();
  const inPeriod = (column: typeof dossiers.receivedAt | typeof dossiers.settledAt) => sql`${column} >= ${start} AND ${column} < ${end}`;
  const open = inArray(dossiers.status, [...OPEN_STATUSES]);
  // Circular 01/2023, Decision 766: the components of each dossier received in the period, counted once per dossier
  const papers = ctx.tx
    .select({
      dossierId: documents.dossierId,
      total: sql<number>`count(*)`.as('papers_total'),
      digital: sql<number>`count(*) FILTER (WHERE ${documents.kind} IN ('digitized', 'reused', 'from_npd'))`.as('papers_digital'),
      reused: sql<number>`count(*) FILTER (WHERE ${documents.kind} = 'reused')`.as('papers_reused'),
    })
    .from(documents)
    .innerJoin(dossiers, eq(dossiers.id, documents.dossierId))
    .where(and(gte(dossiers.receivedAt, start), lt(dossiers.receivedAt, end)))
    .groupBy(documents.dossierId)
    .as('papers');
  const measures = {
    received: sql<number>`count(*) FILTER (WHERE ${inPeriod(dossiers.receivedAt)})::int`,
    online: sql<number>`count(*) FILTER (WHERE ${inPeriod(dossiers.receivedAt)} AND ${dossiers.channel} = 'online')::int`,
    digitized: sql<number>`count(*) FILTER (WHERE ${inPeriod(dossiers.receivedAt)} AND ${papers.total} > 0 AND ${papers.digital} = ${papers.total})::int`,
    reused: sql<number>`count(*) FILTER (WHERE ${inPeriod(dossiers.receivedAt)} AND ${papers.reused} > 0)::int`,
    settledOnTime: sql<number>`count(*) FILTER (WHERE ${inPeriod(dossiers.settledAt)} AND ${dossiers.settledAt} <= ${dossiers.dueAt})::int`,
    settledLate: sql<number>`count(*) FILTER (WHERE ${inPeriod(dossiers.settledAt)} AND ${dossiers.settledAt} > ${dossiers.dueAt})::int`,
    settledDays: sql<number | null>`avg(extract(epoch FROM ${dossiers.settledAt} - ${dossiers.receivedAt}) / 86400) FILTER (WHERE ${inPeriod(dossiers.settledAt)})`,
    inProgress: sql<number>`count(*) FILTER (WHERE ${open} AND ${dossiers.receivedAt} < ${end})::int`,
    overdue: sql<number>`count(*) FILTER (WHERE ${open} AND ${dossiers.receivedAt} < ${end} AND ${dossiers.dueAt} < ${now})::int`,
  };
  // dossiers that matter to the period: received before its end and not closed before its start
  const province = await getProvince(ctx.tx);
  const relevant = and(
    unit.id === province?.id ? undefined : inArray(dossiers.receivedUnitId, ctx.tx.select({ id: units.id }).from(units).where(like(units.path, `${unit.path}%`))),
    lt(dossiers.receivedAt, end),
    sql`(${open} OR ${dossiers.settledAt} >= ${start} OR ${dossiers.receivedAt} >= ${start})`,
  );
  // one pass over the period's dossiers for both groupings
  const rows = await ctx.tx
    .select({ unitId: dossiers.receivedUnitId, code: dossiers.procedureCode, perUnit: sql<number>`grouping(${dossiers.procedureCode})`, ...measures })
    .from(dossiers)
    .leftJoin(papers, eq(papers.dossierId, dossiers.id))
    .where(relevant)
    .groupBy(sql`GROUPING SETS ((${dossiers.receivedUnitId}), (${dossiers.procedureCode}))`);
  const perUnit = rows.filter((r) => Number(r.perUnit) === 1);
  const perProcedure = rows.filter((r) => Number(r.perUnit) === 0);
  const unitNames = perUnit.length ? await ctx.tx.select({ id: units.id, name: units.name }).from(units).where(inArray(units.id, perUnit.map((r) => r.unitId))) : [];
  const procedures = perProcedure.length
    ? await ctx.tx.select({ code: procedureCatalogue.code, name: procedureCatalogue.name, field: procedureCatalogue.field }).from(procedureCatalogue).where(inArray(procedureCatalogue.code, perProcedure.map((r) => r.code)))
    : [];
  const counts = ({ unitId: _u, code: _c, perUnit: _p, ...c }: (typeof rows)[number]) => c;
  const byUnit = perUnit
    .map((r) => ({ unitId: r.unitId, unitName: unitNames.find((u) => u.id === r.unitId)?.name ?? '', ...counts(r) }))
    .sort((a, b) => a.unitName.localeCompare(b.unitName, 'vi'));
  const byProcedure = perProcedure
    .map((r) => {
      const p = procedures.find((x) => x.code === r.code);
      return { code: r.code, name: p?.name ?? '', field: p?.field ?? '', ...counts(r) };
    })
    .sort((a, b) => a.field.localeCompare(b.field, 'vi') || a.code.localeCompare(b.code));
  const total = sum(byUnit);
  return {
    unit: { id: unit.id, name: unit.name },
    from: query.from,
    to: query.to,
    total,
    indicators: indicators(total),
    byProcedure: byProcedure.map((r) => ({ ...r, settledDays: roundDays(r.settledDays) })),
    byUnit: byUnit.map((r) => ({ ...r, settledDays: roundDays(r.settledDays) })),
  };
}

type Counts = { received: number; online: number; digitized: number; reused: number; settledOnTime: number; settledLate: number; inProgress: number; overdue: number; settledDays: number | string | null };

const roundDays = (days: number | string | null) => (days === null ? null : Math.round(Number(days) * 10) / 10);

function sum(rows: Counts[]) {
  const settled = rows.reduce((n, r) => n + r.settledOnTime + r.settledLate, 0);
  const totalDays = rows.reduce((n, r) => n + Number(r.settledDays ?? 0) * (r.settledOnTime + r.settledLate), 0);
  return {
    received: rows.reduce((n, r) => n + r.received, 0),
    online: rows.reduce((n, r) => n + r.online, 0),
    digitized: rows.reduce((n, r) => n + r.digitized, 0),
    reused: rows.reduce((n, r) => n + r.reused, 0),
    settledOnTime: rows.reduce((n, r) => n + r.settledOnTime, 0),
    settledLate: rows.reduce((n, r) => n + r.settledLate, 0),
    inProgress: rows.reduce((n, r) => n + r.inProgress, 0),
    overdue: rows.reduce((n, r) => n + r.overdue, 0),
    settledDays: settled ? Math.round((totalDays / settled) * 10) / 10 : null,
  };
}

/**
 * Decision 766's indicators this data supports; a share is null when there is nothing to divide.
 *
 * - digitizationRate: of the dossiers received in the period, the share that has at least one document and whose
 *   documents are all digitised from the paper, reused from an earlier result or taken from the NPD (Circular
 *   01/2023). Counted as of now, so papers added after the period's end count; a dossier with no document is not
 *   digitised. Whether every component the procedure requires is present is not judged here.
 * - reuseRate: of the same dossiers, the share with at least one component of kind 'reused' (an earlier result
 *   attached from this system, or a paper the officer marked as taken from an earlier result elsewhere): the
 *   citizen was not asked for that paper again.
 */
function indicators(t: ReturnType<typeof sum>) {
  const settled = t.settledOnTime + t.settledLate;
  return {
    onTimeRate: settled ? t.settledOnTime / settled : null,
    averageSettledDays: t.settledDays,
    onlineShare: t.received ? t.online / t.received : null,
    digitizationRate: t.received ? t.digitized / t.received : null,
    reuseRate: t.received ? t.reused / t.received : null,
  };
}

const COLUMNS: [keyof Counts, string][] = [
  ['received', 'Tiếp nhận'],
  ['online', 'Trực tuyến'],
  ['digitized', 'Số hóa'],
  ['reused', 'Tái sử dụng kết quả'],
  ['settledOnTime', 'Giải quyết đúng hạn'],
  ['settledLate', 'Giải quyết quá hạn'],
  ['inProgress', 'Đang giải quyết'],
  ['overdue', 'Đang quá hạn'],
  ['settledDays', 'Số ngày giải quyết trung bình'],
];

/** The same figures as a workbook: one sheet per grouping, Vietnamese headings, the period in the title. */
export async function statisticsWorkbook(stats: Awaited<ReturnType<typeof dossierStatistics>>): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'motcua';
  const sheet = (name: string, keys: [string, string][], rows: Record<string, unknown>[]) => {
    // printed as it is read: landscape, every column on one page width, the heading row repeated
    const ws = book.addWorksheet(name, { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '3:3' }, views: [{ state: 'frozen', ySplit: 3 }] });
    ws.addRow([`Thống kê hồ sơ thủ tục hành chính — ${stats.unit.name} — từ ${stats.from} đến ${stats.to}`]).font = { bold: true, size: 13 };
    ws.addRow([]);
    const header = ws.addRow([...keys.map(([, title]) => title), ...COLUMNS.map(([, title]) => title)]);
    header.font = { bold: true };
    header.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
    for (const r of rows) ws.addRow([...keys.map(([k]) => r[k]), ...COLUMNS.map(([k]) => r[k])]);
    ws.columns.forEach((c, i) => (c.width = i < keys.length ? (keys.length > 1 && i === 0 ? 12 : 36) : 13));
  };
  sheet('Theo đơn vị', [['unitName', 'Đơn vị tiếp nhận']], [...stats.byUnit, { unitName: 'Tổng cộng', ...stats.total }]);
  book.getWorksheet('Theo đơn vị')!.lastRow!.font = { bold: true };
  sheet('Theo thủ tục', [['code', 'Mã thủ tục'], ['name', 'Tên thủ tục'], ['field', 'Lĩnh vực']], stats.byProcedure);
  return Buffer.from(await book.xlsx.writeBuffer());
}
