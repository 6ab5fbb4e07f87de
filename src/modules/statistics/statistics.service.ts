import { and, inArray, like, lt, sql, type SQL } from 'drizzle-orm';
import { mayReadStatistics } from './statistics.policy.ts';
import { requireActor, type Ctx } from '../../platform/context.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import { dossiersView } from '../dossiers/index.ts';
import { findUnit, getProvince, unitsView } from '../units/index.ts';
import { catalogueView } from '../procedures/index.ts';
import { addDays, startOfVietnamDay, type IsoDate } from '../../../common/vietnam-time.ts';
import { OPEN_STATUSES } from '../../../common/dossier-workflow.ts';

const dossiers = dossiersView('dossiers');
const procedureCatalogue = catalogueView('procedure_catalogue');
const units = unitsView('units');

export interface StatisticsQuery {
  /** first and last day of the period, Vietnam dates, inclusive */
  from: IsoDate;
  to: IsoDate;
  /** the unit whose desks' dossiers are counted (default: the whole province) */
  unitId?: string;
}


/**
 * R22, Decision 766/QĐ-TTg: per procedure and per receiving unit, the dossiers received in the period, settled in it
 * on time or late (the due date already excludes the time waiting for a supplement), and, as of now, those still in
 * progress and overdue. Counted in the database in one pass over the period's dossiers.
 */
export async function dossierStatistics(ctx: Ctx, query: StatisticsQuery) {
  const actor = requireActor(ctx);
  if (query.from > query.to) throw invalid('period', 'Ngày bắt đầu phải trước ngày kết thúc.', 'The period starts after it ends.');
  if (addDays(query.from, 366) <= query.to) throw invalid('period_too_long', 'Chọn một khoảng tối đa một năm.', 'Choose at most one year.');
  const unit = query.unitId ? await findUnit(ctx.tx, query.unitId) : await getProvince(ctx.tx);
  if (!unit || !mayReadStatistics(actor, unit.path)) throw notFound();

  const start = startOfVietnamDay(query.from);
  const end = startOfVietnamDay(addDays(query.to, 1));
  const now = ctx.clock.now();
  const inPeriod = (column: typeof dossiers.receivedAt | typeof dossiers.settledAt) => sql`${column} >= ${start} AND ${column} < ${end}`;
  const open = inArray(dossiers.status, [...OPEN_STATUSES]);
  // dossiers that matter to the period: received before its end and not closed before its start
  const province = await getProvince(ctx.tx);
  const relevant = and(
    unit.id === province?.id ? undefined : inArray(dossiers.receivedUnitId, ctx.tx.select({ id: units.id }).from(units).where(like(units.path, `${unit.path}%`))),
    lt(dossiers.receivedAt, end),
    sql`(${open} OR ${dossiers.settledAt} >= ${start} OR ${dossiers.receivedAt} >= ${start})`,
  );
  const settledInPeriod = inPeriod(dossiers.settledAt);
  // One pass over the period's dossiers, counted per unit and procedure: a plain GROUP BY, which PostgreSQL can share
  // among parallel workers (GROUPING SETS cannot); the two groupings are then summed from those few cells below.
  const cells = ctx.tx.$with('cells').as(
    ctx.tx
      .select({
        unitId: dossiers.receivedUnitId,
        code: dossiers.procedureCode,
        received: sql<number>`count(*) FILTER (WHERE ${inPeriod(dossiers.receivedAt)})`.as('received'),
        online: sql<number>`count(*) FILTER (WHERE ${inPeriod(dossiers.receivedAt)} AND ${dossiers.channel} = 'online')`.as('online'),
        // Circular 01/2023, Decision 766: the dossier's documents as counted on it (migration 0012), as of now
        digitized: sql<number>`count(*) FILTER (WHERE ${inPeriod(dossiers.receivedAt)} AND ${dossiers.papers} > 0 AND ${dossiers.papersDigital} = ${dossiers.papers})`.as('digitized'),
        reused: sql<number>`count(*) FILTER (WHERE ${inPeriod(dossiers.receivedAt)} AND ${dossiers.papersReused} > 0)`.as('reused'),
        settledOnTime: sql<number>`count(*) FILTER (WHERE ${settledInPeriod} AND ${dossiers.settledAt} <= ${dossiers.dueAt})`.as('settled_on_time'),
        settledLate: sql<number>`count(*) FILTER (WHERE ${settledInPeriod} AND ${dossiers.settledAt} > ${dossiers.dueAt})`.as('settled_late'),
        // the average is carried as its sum and count, and divided as avg() itself divides
        settledDaysSum: sql<string | null>`sum(extract(epoch FROM ${dossiers.settledAt} - ${dossiers.receivedAt}) / 86400) FILTER (WHERE ${settledInPeriod})`.as('settled_days_sum'),
        settledCount: sql<number>`count(*) FILTER (WHERE ${settledInPeriod})`.as('settled_count'),
        inProgress: sql<number>`count(*) FILTER (WHERE ${open} AND ${dossiers.receivedAt} < ${end})`.as('in_progress'),
        overdue: sql<number>`count(*) FILTER (WHERE ${open} AND ${dossiers.receivedAt} < ${end} AND ${dossiers.dueAt} < ${now})`.as('overdue'),
      })
      .from(dossiers)
      .where(relevant)
      .groupBy(dossiers.receivedUnitId, dossiers.procedureCode),
  );
  const summed = (column: SQL.Aliased<number>) => sql<number>`sum(${column})::int`;
  // A year of a province is a pass over a million rows, which PostgreSQL's JIT would compile first: about a second
  // of LLVM for a query that then runs in less. SET LOCAL ends with this transaction.
  await ctx.tx.execute(sql`SET LOCAL jit = off`);
  const rows = await ctx.tx
    .with(cells)
    .select({
      unitId: cells.unitId,
      code: cells.code,
      perUnit: sql<number>`grouping(${cells.code})`,
      received: summed(cells.received),
      online: summed(cells.online),
      digitized: summed(cells.digitized),
      reused: summed(cells.reused),
      settledOnTime: summed(cells.settledOnTime),
      settledLate: summed(cells.settledLate),
      settledDays: sql<number | null>`sum(${cells.settledDaysSum}) / nullif(sum(${cells.settledCount}), 0)`,
      inProgress: summed(cells.inProgress),
      overdue: summed(cells.overdue),
    })
    .from(cells)
    .groupBy(sql`GROUPING SETS ((${cells.unitId}), (${cells.code}))`);
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
  // loaded on the first export: it weighs more than half a second on every start otherwise
  const { default: ExcelJS } = await import('exceljs');
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
