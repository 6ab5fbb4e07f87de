import crypto from 'node:crypto';
import fs from 'node:fs';
import { and, arrayContains, asc, count, eq, getTableColumns, like, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { likeContains } from '../../platform/text.ts';
import { record } from '../journal/index.ts';
import { procedureCatalogue, type CatalogueLevel, type CatalogueRow, type ProcessingTime } from './procedures.tables.ts';
import { foldVietnamese } from '../../../common/text.ts';

const REFERENCE_FILE = new URL('../../../reference/procedures-2026.json', import.meta.url);

interface ReferenceProcedure {
  code: string;
  name: string;
  field: string;
  levels: string[];
  procedureType: string;
  decisionNumber: string;
  sourceGroupName: string;
  targetSubjects: string;
  competentAgency: string;
  implementingAgency: string;
  processingTimes: ProcessingTime[];
  submissionMethodsRaw: string;
  sourceUrl: string;
  dossierRaw: string | null;
  legalBasisRaw: string | null;
}

const LEVELS: Record<string, CatalogueLevel> = { 'Cấp bộ': 'ministry', 'Cấp tỉnh': 'province', 'Cấp xã': 'commune', 'Cơ quan khác': 'other' };
const WORKING_DAY_UNITS = new Set<string | null>(['Ngày làm việc', null]);

/**
 * The time limit the portal states in working days (a bare number there means working days), when every channel
 * and case agrees on it; otherwise (calendar days, hours, several cases, unparsed text) the province decides.
 */
export function suggestedWorkingDays(times: readonly ProcessingTime[]): number | null {
  const values = new Set(times.filter((t) => t.value !== null && !t.unparsed && WORKING_DAY_UNITS.has(t.unit)).map((t) => t.value));
  const onlyWorkingDays = times.every((t) => t.value === null || WORKING_DAY_UNITS.has(t.unit));
  const [value] = values;
  return onlyWorkingDays && values.size === 1 && Number.isInteger(value) && value! <= 365 ? value! : null;
}

function catalogueRow(p: ReferenceProcedure, sourceVersion: string): CatalogueRow {
  return {
    code: p.code,
    name: p.name,
    field: p.field,
    levels: [...new Set(p.levels.map((l) => LEVELS[l] ?? 'other'))],
    procedureType: p.procedureType,
    decisionNumber: p.decisionNumber,
    issuingBody: p.sourceGroupName,
    targetSubjects: p.targetSubjects,
    competentAgency: p.competentAgency,
    implementingAgency: p.implementingAgency,
    processingTimes: p.processingTimes,
    submissionMethods: p.submissionMethodsRaw,
    suggestedWorkingDays: suggestedWorkingDays(p.processingTimes),
    dossierText: p.dossierRaw,
    legalBasisText: p.legalBasisRaw,
    sourceUrl: p.sourceUrl || null,
    searchText: foldVietnamese(`${p.code} ${p.name}`),
    sourceVersion,
  };
}

/**
 * Brings the catalogue up to the reference file, once per version of the file: new codes are added and known ones
 * refreshed; a code that left the file stays (offered procedures and dossiers refer to it).
 */
export async function importCatalogue(ctx: Ctx): Promise<number> {
  const bytes = fs.readFileSync(REFERENCE_FILE);
  const reference = JSON.parse(bytes.toString('utf8')) as { meta: { version: string }; procedures: ReferenceProcedure[] };
  const sourceVersion = `${reference.meta.version}/${crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 12)}`;
  const [current] = await ctx.tx.select({ n: count() }).from(procedureCatalogue).where(eq(procedureCatalogue.sourceVersion, sourceVersion));
  if (current!.n === reference.procedures.length) return 0;

  const rows = reference.procedures.map((p) => catalogueRow(p, sourceVersion));
  const refreshed = Object.fromEntries(
    Object.entries(getTableColumns(procedureCatalogue))
      .filter(([key]) => key !== 'code')
      .map(([key, column]) => [key, sql.raw(`excluded.${column.name}`)]),
  );
  for (let i = 0; i < rows.length; i += 500) {
    await ctx.tx.insert(procedureCatalogue).values(rows.slice(i, i + 500)).onConflictDoUpdate({ target: procedureCatalogue.code, set: refreshed });
  }
  await record(ctx, { type: 'procedure.catalogue_import', details: { version: sourceVersion, procedures: rows.length } });
  return rows.length;
}

export interface CatalogueFilter {
  q?: string;
  level?: CatalogueLevel;
  field?: string;
  /** the ministry (or court) that published the procedure */
  issuingBody?: string;
}

export interface CatalogueQuery extends CatalogueFilter {
  limit: number;
  offset: number;
}

const wordsOf = (q: string | undefined) => foldVietnamese(q ?? '').split(' ').filter(Boolean);
const isCodePrefix = (words: string[]) => words.length === 1 && /^[0-9.]+$/.test(words[0]!);

/** By code (a prefix such as `1.0011`) or by words of the name in any order, diacritics ignored. */
function catalogueWhere(filter: CatalogueFilter): SQL | undefined {
  const words = wordsOf(filter.q);
  return and(
    ...(isCodePrefix(words) ? [like(procedureCatalogue.code, `${words[0]}%`)] : words.map((w): SQL => sql`${procedureCatalogue.searchText} LIKE ${likeContains(w)}`)),
    filter.level ? arrayContains(procedureCatalogue.levels, [filter.level]) : undefined,
    filter.field ? eq(procedureCatalogue.field, filter.field) : undefined,
    filter.issuingBody ? eq(procedureCatalogue.issuingBody, filter.issuingBody) : undefined,
  );
}

/** A page of the catalogue: short names first (the common procedures), a code prefix in code order. */
export async function searchCatalogue(tx: Executor, query: CatalogueQuery) {
  const byCode = isCodePrefix(wordsOf(query.q));
  const where = catalogueWhere(query);
  const [total] = await tx.select({ n: count() }).from(procedureCatalogue).where(where);
  const items = await tx
    .select()
    .from(procedureCatalogue)
    .where(where)
    .orderBy(...(byCode ? [] : [sql`length(${procedureCatalogue.name})`]), asc(procedureCatalogue.code))
    .limit(query.limit)
    .offset(query.offset);
  return { total: total!.n, items };
}

/** Every code the filter matches (a few thousand at most: the whole catalogue is 2,642), for an offer in bulk. */
export async function catalogueCodes(tx: Executor, filter: CatalogueFilter): Promise<string[]> {
  return (await tx.select({ code: procedureCatalogue.code }).from(procedureCatalogue).where(catalogueWhere(filter)).orderBy(asc(procedureCatalogue.code))).map((r) => r.code);
}

/** The issuing bodies and fields of the catalogue with how many procedures each has (at a level): the search's filters. */
export async function catalogueFacets(tx: Executor, level: CatalogueLevel | undefined) {
  const where = level ? arrayContains(procedureCatalogue.levels, [level]) : undefined;
  const facet = (column: typeof procedureCatalogue.field | typeof procedureCatalogue.issuingBody) =>
    tx.select({ name: column, count: count() }).from(procedureCatalogue).where(where).groupBy(column).orderBy(asc(column));
  return { issuingBodies: await facet(procedureCatalogue.issuingBody), fields: await facet(procedureCatalogue.field) };
}

export async function findCatalogued(tx: Executor, code: string): Promise<CatalogueRow | undefined> {
  const [row] = await tx.select().from(procedureCatalogue).where(eq(procedureCatalogue.code, code));
  return row;
}
