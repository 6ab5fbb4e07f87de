import crypto from 'node:crypto';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { requireActor, type Ctx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { conflict, invalid, notFound } from '../../platform/errors.ts';
import { likeContains } from '../../platform/text.ts';
import { record } from '../journal/index.ts';
import { findUnit, getProvince, type UnitRow } from '../units/index.ts';
import { findCatalogued, searchCatalogue, type CatalogueQuery } from './catalogue.service.ts';
import { DEFAULT_LOOKUP_STAGES, LOOKUP_SEATS, type LookupStages } from '../../../common/lookup-stages.ts';
import { NPD_FIELD_NAMES } from './npd-fields.ts';
import { procedurePolicy, type OfferedScope } from './procedures.policy.ts';
import {
  offeredProcedures,
  procedureCatalogue,
  procedureVersions,
  type OfferLevel,
  type OfferStatus,
  type OfferedRow,
  type VersionRow,
} from './procedures.tables.ts';
import { SUGGESTED_VERSIONS, type VersionContent } from './suggested-versions.ts';
import type { BulkSkip } from '../../../common/schemas/procedures.ts';
import { foldVietnamese } from '../../../common/text.ts';

export interface VersionInput extends Omit<VersionContent, 'lookupStages'> {
  /** Left out: the default (the desk while receiving, the assigned officer while processing). */
  lookupStages?: LookupStages;
  /** Why this version (what changed); may be empty for the first one. */
  note: string;
}

/** The note of a version made by a bulk offer: what it still lacks. */
const BULK_NOTE = 'Cung cấp hàng loạt theo danh mục: chưa khai báo giấy tờ, trường dữ liệu dân cư được khai thác và thời hạn lưu trữ.';

const LEVEL_VI: Record<string, string> = { province: 'tỉnh', commune: 'xã', ministry: 'bộ', other: 'cơ quan khác' };

async function requireProvince(tx: Executor): Promise<UnitRow> {
  const province = await getProvince(tx);
  if (!province) throw new Error('the province has not been imported');
  return province;
}

const scopeOf = (province: UnitRow, offered: Pick<OfferedRow, 'status'> | null): OfferedScope => ({ provincePath: province.path, status: offered?.status ?? null });
const withScope = (province: UnitRow, offered: OfferedRow | undefined) => offered && { ...offered, provincePath: province.path };

/** The same content in one form: documents in the given order, population fields in the vocabulary's order, lookup seats in theirs. */
function normalise(input: Omit<VersionContent, 'lookupStages'> & { lookupStages?: LookupStages }): VersionContent {
  const names = input.documents.map((d) => foldVietnamese(d.name));
  const twice = input.documents.find((_, i) => names.indexOf(names[i]!) !== i);
  if (twice) throw invalid('duplicate_document', `Giấy tờ "${twice.name}" được liệt kê hai lần.`, `The document "${twice.name}" is listed twice.`);
  if (new Set(input.npdFields).size !== input.npdFields.length) {
    throw invalid('duplicate_npd_field', 'Một trường dữ liệu dân cư được liệt kê hai lần.', 'A population-database field is listed twice.');
  }
  const stages = input.lookupStages ?? DEFAULT_LOOKUP_STAGES;
  if (Object.values(stages).some((seats) => new Set(seats).size !== seats.length)) {
    throw invalid('duplicate_lookup_seat', 'Người được phép tra cứu ở một bước bị liệt kê hai lần.', 'A lookup seat is listed twice for one stage.');
  }
  const inOrder = <S extends keyof LookupStages>(stage: S): LookupStages[S] =>
    (LOOKUP_SEATS[stage] as readonly string[]).filter((seat) => (stages[stage] as readonly string[]).includes(seat)) as LookupStages[S];
  return {
    processingDays: input.processingDays,
    documents: input.documents.map((d) => ({ name: d.name.trim(), required: d.required, copies: d.copies })),
    purpose: input.purpose.trim(),
    npdFields: [...input.npdFields].sort((a, b) => NPD_FIELD_NAMES.indexOf(a) - NPD_FIELD_NAMES.indexOf(b)),
    retentionYears: input.retentionYears,
    lookupStages: { receiving: inOrder('receiving'), processing: inOrder('processing') },
  };
}

function changedParts(before: VersionRow, after: VersionContent): string[] {
  const was = normalise({ ...before, npdFields: before.npdFields as VersionContent['npdFields'] });
  return (Object.keys(after) as (keyof VersionContent)[]).filter((k) => JSON.stringify(was[k]) !== JSON.stringify(after[k]));
}

async function insertVersion(ctx: Ctx, offered: OfferedRow, version: number, content: VersionContent, note: string): Promise<VersionRow> {
  const [row] = await ctx.tx
    .insert(procedureVersions)
    .values({ id: crypto.randomUUID(), offeredProcedureId: offered.id, provinceId: offered.provinceId, version, ...content, note: note.trim(), createdAt: ctx.clock.now(), createdBy: ctx.actor?.accountId ?? null })
    .returning();
  return row!;
}

async function lockOffered(tx: Executor, province: UnitRow, id: string): Promise<OfferedRow | undefined> {
  const [row] = await tx
    .select()
    .from(offeredProcedures)
    .where(and(eq(offeredProcedures.id, id), eq(offeredProcedures.provinceId, province.id)))
    .for('update');
  return row;
}

/** Offers a catalogued procedure at a level with its first version, or offers a withdrawn one again with a new version. */
export async function offerProcedure(ctx: Ctx, input: { code: string; level: OfferLevel; version: VersionInput }) {
  const actor = requireActor(ctx);
  const province = await requireProvince(ctx.tx);
  procedurePolicy.authorize(actor, 'manage', scopeOf(province, null));
  const catalogued = await findCatalogued(ctx.tx, input.code);
  if (!catalogued) throw invalid('unknown_procedure', `Mã thủ tục ${input.code} không có trong danh mục.`, `Procedure ${input.code} is not in the catalogue.`);
  if (!catalogued.levels.includes(input.level)) {
    const levels = catalogued.levels.map((l) => LEVEL_VI[l]).join(', ');
    throw invalid('level_not_catalogued', `Thủ tục ${input.code} không thực hiện ở cấp ${LEVEL_VI[input.level]} (danh mục: cấp ${levels}).`, `Procedure ${input.code} is not carried out at ${input.level} level (catalogue: ${catalogued.levels.join(', ')}).`);
  }
  const content = normalise(input.version);
  const now = ctx.clock.now();
  const [existing] = await ctx.tx
    .select()
    .from(offeredProcedures)
    .where(and(eq(offeredProcedures.provinceId, province.id), eq(offeredProcedures.procedureCode, input.code), eq(offeredProcedures.level, input.level)))
    .for('update');
  const alreadyOffered = () => conflict('already_offered', `Thủ tục ${input.code} đã được cung cấp ở cấp ${LEVEL_VI[input.level]}.`, `Procedure ${input.code} is already offered at ${input.level} level.`);
  if (existing?.status === 'offered') throw alreadyOffered();
  const status = { status: 'offered' as const, statusReason: null, statusChangedAt: now, statusChangedBy: actor.accountId };
  let offered: OfferedRow;
  if (existing) {
    [offered] = (await ctx.tx.update(offeredProcedures).set({ ...status, currentVersion: existing.currentVersion + 1 }).where(eq(offeredProcedures.id, existing.id)).returning()) as [OfferedRow];
  } else {
    const [inserted] = await ctx.tx
      .insert(offeredProcedures)
      .values({ id: crypto.randomUUID(), provinceId: province.id, procedureCode: input.code, level: input.level, currentVersion: 1, createdAt: now, ...status })
      .onConflictDoNothing()
      .returning();
    // Another administrator offered it in the meantime.
    if (!inserted) throw alreadyOffered();
    offered = inserted;
  }
  await insertVersion(ctx, offered, offered.currentVersion, content, input.version.note);
  await record(ctx, {
    type: 'procedure.offer',
    target: { type: 'procedure', id: offered.id },
    unitId: province.id,
    details: { code: input.code, level: input.level, version: offered.currentVersion, again: !!existing },
  });
  return getOffered(ctx, offered.id);
}

/**
 * Offers many catalogued procedures at one level at once (every commune-level procedure of a ministry, say), each
 * with the time limit the catalogue states and nothing else: no papers, no population-database field (R24: those
 * are declared one procedure at a time, with their purpose), kept permanently until a retention period is set.
 * Those it cannot offer this way are left out with the reason, for the administrator to offer one at a time.
 */
export async function offerInBulk(ctx: Ctx, input: { level: OfferLevel; codes: string[] }) {
  const actor = requireActor(ctx);
  const province = await requireProvince(ctx.tx);
  procedurePolicy.authorize(actor, 'manage', scopeOf(province, null));
  const codes = [...new Set(input.codes)];
  const catalogued = new Map(
    (await ctx.tx.select({ code: procedureCatalogue.code, levels: procedureCatalogue.levels, days: procedureCatalogue.suggestedWorkingDays }).from(procedureCatalogue).where(inArray(procedureCatalogue.code, codes))).map((c) => [c.code, c]),
  );
  const existing = new Map(
    (
      await ctx.tx
        .select({ code: offeredProcedures.procedureCode, status: offeredProcedures.status })
        .from(offeredProcedures)
        .where(and(eq(offeredProcedures.provinceId, province.id), eq(offeredProcedures.level, input.level), inArray(offeredProcedures.procedureCode, codes)))
    ).map((o) => [o.code, o.status]),
  );
  const skipped: { code: string; reason: BulkSkip }[] = [];
  const offered: string[] = [];
  const now = ctx.clock.now();
  for (const code of codes) {
    const c = catalogued.get(code);
    const status = existing.get(code);
    const reason: BulkSkip | null = !c ? 'not_catalogued' : !c.levels.includes(input.level) ? 'not_at_level' : status === 'offered' ? 'already_offered' : status === 'withdrawn' ? 'withdrawn' : c.days === null ? 'no_time_limit' : null;
    if (reason) {
      skipped.push({ code, reason });
      continue;
    }
    const [row] = await ctx.tx
      .insert(offeredProcedures)
      .values({ id: crypto.randomUUID(), provinceId: province.id, procedureCode: code, level: input.level, status: 'offered', currentVersion: 1, statusChangedAt: now, statusChangedBy: actor.accountId, createdAt: now })
      .onConflictDoNothing()
      .returning();
    // another administrator offered it in the meantime
    if (!row) {
      skipped.push({ code, reason: 'already_offered' });
      continue;
    }
    await insertVersion(ctx, row, 1, normalise({ processingDays: c!.days!, documents: [], purpose: '', npdFields: [], retentionYears: null }), BULK_NOTE);
    await record(ctx, { type: 'procedure.offer', target: { type: 'procedure', id: row.id }, unitId: province.id, details: { code, level: input.level, version: 1, via: 'bulk' } });
    offered.push(code);
  }
  return { offered, skipped };
}

/** Counts the open dossiers received under any of these versions (the dossiers module keeps them). */
export type OpenDossiersUnder = (tx: Executor, versionIds: readonly string[]) => Promise<number>;

/**
 * Stops offering a procedure: refused while open dossiers were received under it, so no desk is left holding a
 * dossier of a procedure that is gone; its versions stay, as every closed dossier keeps the one it was received under.
 */
export async function withdrawProcedure(ctx: Ctx, id: string, reason: string, openDossiersUnder: OpenDossiersUnder) {
  const actor = requireActor(ctx);
  const province = await requireProvince(ctx.tx);
  const offered = procedurePolicy.authorize(actor, 'manage', withScope(province, await lockOffered(ctx.tx, province, id)));
  if (offered.status === 'withdrawn') throw conflict('already_withdrawn', 'Thủ tục đã ngừng cung cấp.', 'The procedure is already withdrawn.');
  const open = await openDossiersUnder(ctx.tx, (await versionsOf(ctx.tx, id)).map((v) => v.id));
  if (open > 0) {
    throw conflict('procedure_in_use', `Còn ${open} hồ sơ đang giải quyết theo thủ tục này: chỉ ngừng cung cấp khi các hồ sơ đó đã xong.`, `${open} open dossiers were received under this procedure: withdraw it once they are finished.`);
  }
  await ctx.tx
    .update(offeredProcedures)
    .set({ status: 'withdrawn', statusReason: reason, statusChangedAt: ctx.clock.now(), statusChangedBy: actor.accountId })
    .where(eq(offeredProcedures.id, id));
  await record(ctx, {
    type: 'procedure.withdraw',
    target: { type: 'procedure', id },
    unitId: province.id,
    reason,
    details: { code: offered.procedureCode, level: offered.level, version: offered.currentVersion },
  });
  return getOffered(ctx, id);
}

/** A change to an offered procedure: a new version, made from the version the editor saw (`basedOn`). */
export async function createVersion(ctx: Ctx, id: string, input: VersionInput & { basedOn: number }) {
  const actor = requireActor(ctx);
  const province = await requireProvince(ctx.tx);
  const offered = procedurePolicy.authorize(actor, 'manage', withScope(province, await lockOffered(ctx.tx, province, id)));
  if (offered.status === 'withdrawn') {
    throw conflict('procedure_withdrawn', 'Thủ tục đã ngừng cung cấp: hãy cung cấp lại thủ tục với phiên bản mới.', 'The procedure is withdrawn: offer it again with a new version.');
  }
  if (input.basedOn !== offered.currentVersion) {
    throw conflict('version_conflict', `Thủ tục đã có phiên bản ${offered.currentVersion}, mới hơn phiên bản ${input.basedOn} đang sửa. Tải lại rồi sửa tiếp.`, `Version ${offered.currentVersion} exists, newer than version ${input.basedOn} being edited. Reload and edit again.`);
  }
  const content = normalise(input);
  const changed = changedParts((await versionsOf(ctx.tx, id))[0]!, content);
  if (changed.length === 0) throw invalid('version_unchanged', 'Phiên bản mới không khác phiên bản hiện tại.', 'The new version is the same as the current one.');
  const version = offered.currentVersion + 1;
  await ctx.tx.update(offeredProcedures).set({ currentVersion: version }).where(eq(offeredProcedures.id, id));
  await insertVersion(ctx, offered, version, content, input.note);
  await record(ctx, {
    type: 'procedure.version',
    target: { type: 'procedure', id },
    unitId: province.id,
    reason: input.note,
    details: { code: offered.procedureCode, level: offered.level, version, changed },
  });
  return getOffered(ctx, id);
}

/** Newest first. */
async function versionsOf(tx: Executor, offeredId: string): Promise<VersionRow[]> {
  return tx.select().from(procedureVersions).where(eq(procedureVersions.offeredProcedureId, offeredId)).orderBy(desc(procedureVersions.version));
}

/** The level whose procedures a unit settles: a commune and the units under it settle commune-level ones. */
async function levelOfUnit(tx: Executor, unit: UnitRow): Promise<OfferLevel> {
  if (unit.kind === 'commune' || unit.kind === 'province') return unit.kind;
  const [, second] = unit.path.split('/').filter(Boolean);
  return second && (await findUnit(tx, second))?.kind === 'commune' ? 'commune' : 'province';
}

export interface OfferedQuery {
  unitId?: string;
  level?: OfferLevel;
  status: OfferStatus | 'all';
  q?: string;
}

export async function listOffered(ctx: Ctx, query: OfferedQuery) {
  const actor = requireActor(ctx);
  const province = await requireProvince(ctx.tx);
  if (query.unitId && query.level) throw invalid('unit_or_level', 'Chọn đơn vị hoặc cấp, không chọn cả hai.', 'Give a unit or a level, not both.');
  let level = query.level;
  if (query.unitId) {
    const unit = await findUnit(ctx.tx, query.unitId);
    if (!unit) throw notFound();
    level = await levelOfUnit(ctx.tx, unit);
  }
  const words = foldVietnamese(query.q ?? '').split(' ').filter(Boolean);
  const rows = await ctx.tx
    .select({ offered: offeredProcedures, catalogued: procedureCatalogue, current: procedureVersions })
    .from(offeredProcedures)
    .innerJoin(procedureCatalogue, eq(procedureCatalogue.code, offeredProcedures.procedureCode))
    .innerJoin(procedureVersions, and(eq(procedureVersions.offeredProcedureId, offeredProcedures.id), eq(procedureVersions.version, offeredProcedures.currentVersion)))
    .where(
      and(
        eq(offeredProcedures.provinceId, province.id),
        query.status === 'all' ? undefined : eq(offeredProcedures.status, query.status),
        level ? eq(offeredProcedures.level, level) : undefined,
        ...words.map((w) => sql`${procedureCatalogue.searchText} LIKE ${likeContains(w)}`),
      ),
    )
    .orderBy(asc(procedureCatalogue.field), asc(procedureCatalogue.code), asc(offeredProcedures.level));
  return {
    level: level ?? null,
    items: rows.map(({ offered, catalogued, current }) => ({ offered, catalogued, current, abilities: procedurePolicy.abilities(actor, scopeOf(province, offered)) })),
  };
}

export async function getOffered(ctx: Ctx, id: string) {
  const actor = requireActor(ctx);
  const province = await requireProvince(ctx.tx);
  const [row] = await ctx.tx
    .select({ offered: offeredProcedures, catalogued: procedureCatalogue })
    .from(offeredProcedures)
    .innerJoin(procedureCatalogue, eq(procedureCatalogue.code, offeredProcedures.procedureCode))
    .where(and(eq(offeredProcedures.id, id), eq(offeredProcedures.provinceId, province.id)));
  if (!row) throw notFound();
  const versions = await versionsOf(ctx.tx, id);
  return { ...row, current: versions[0]!, versions, abilities: procedurePolicy.abilities(actor, scopeOf(province, row.offered)) };
}

async function offeringsOf(tx: Executor, province: UnitRow, codes: string[]) {
  if (codes.length === 0) return new Map<string, Pick<OfferedRow, 'id' | 'level' | 'status'>[]>();
  const rows = await tx
    .select({ id: offeredProcedures.id, code: offeredProcedures.procedureCode, level: offeredProcedures.level, status: offeredProcedures.status })
    .from(offeredProcedures)
    .where(and(eq(offeredProcedures.provinceId, province.id), inArray(offeredProcedures.procedureCode, codes)))
    .orderBy(asc(offeredProcedures.level));
  const byCode = new Map<string, Pick<OfferedRow, 'id' | 'level' | 'status'>[]>();
  for (const { code, ...o } of rows) byCode.set(code, [...(byCode.get(code) ?? []), o]);
  return byCode;
}

/** The national catalogue, with where the province already offers each procedure. */
export async function searchProcedures(ctx: Ctx, query: CatalogueQuery) {
  const actor = requireActor(ctx);
  const province = await requireProvince(ctx.tx);
  const { total, items } = await searchCatalogue(ctx.tx, query);
  const offerings = await offeringsOf(ctx.tx, province, items.map((c) => c.code));
  return {
    total,
    items: items.map((catalogued) => ({ catalogued, offerings: offerings.get(catalogued.code) ?? [] })),
    abilities: { offer: procedurePolicy.can(actor, 'manage', scopeOf(province, null)) },
  };
}

export async function getCatalogued(ctx: Ctx, code: string) {
  const actor = requireActor(ctx);
  const province = await requireProvince(ctx.tx);
  const catalogued = await findCatalogued(ctx.tx, code);
  if (!catalogued) throw notFound();
  const offerings = (await offeringsOf(ctx.tx, province, [code])).get(code) ?? [];
  return {
    catalogued,
    offerings,
    suggestedVersion: SUGGESTED_VERSIONS[code] ?? null,
    abilities: { offer: procedurePolicy.can(actor, 'manage', scopeOf(province, null)) },
  };
}

/** Development demo only: the suggested procedures, offered at the levels the catalogue lists for them. */
export async function offerSuggestedProcedures(ctx: Ctx): Promise<number> {
  const province = await requireProvince(ctx.tx);
  let offered = 0;
  for (const [code, content] of Object.entries(SUGGESTED_VERSIONS)) {
    const catalogued = await findCatalogued(ctx.tx, code);
    for (const level of (['province', 'commune'] as const).filter((l) => catalogued?.levels.includes(l))) {
      const now = ctx.clock.now();
      const [row] = await ctx.tx
        .insert(offeredProcedures)
        .values({ id: crypto.randomUUID(), provinceId: province.id, procedureCode: code, level, status: 'offered', currentVersion: 1, statusChangedAt: now, createdAt: now })
        .onConflictDoNothing()
        .returning();
      if (!row) continue;
      await insertVersion(ctx, row, 1, normalise(content), '[DEMO] Phiên bản gợi ý');
      await record(ctx, { type: 'procedure.offer', target: { type: 'procedure', id: row.id }, unitId: province.id, details: { code, level, version: 1, via: 'demo' } });
      offered++;
    }
  }
  return offered;
}
