import crypto from 'node:crypto';
import fs from 'node:fs';
import { asc, eq, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.ts';
import { requireActor } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { conflict, invalid } from '../../platform/errors.ts';
import { record } from '../journal/index.ts';
import { unitPolicy } from './units.policy.ts';
import { units, type UnitKind, type UnitRow } from './units.tables.ts';
import { foldVietnamese } from '../../../common/text.ts';

interface AdminUnits2025 {
  provinces: { code: string; name: string; fullName: string; fullNameEn: string; unitType: string }[];
  communes: { code: string; name: string; fullName: string; fullNameEn: string; provinceCode: string; unitType: string }[];
}
interface Amendments {
  changes: { code: string; after: { name: string; fullName: string; fullNameEn: string; unitType: string } }[];
}

const REFERENCE = new URL('../../../reference/', import.meta.url);

function readReference(): AdminUnits2025 {
  const data = JSON.parse(fs.readFileSync(new URL('admin-units-2025.json', REFERENCE), 'utf8')) as AdminUnits2025;
  const amendments = JSON.parse(fs.readFileSync(new URL('admin-units-2025-amendments.json', REFERENCE), 'utf8')) as Amendments;
  // Changes in force after 1 July 2025 (e.g. Đồng Nai became a city); codes never change.
  const byCode = new Map(amendments.changes.map((c) => [c.code, c.after]));
  const amend = <T extends { code: string }>(u: T): T => ({ ...u, ...byCode.get(u.code) });
  return { provinces: data.provinces.map(amend), communes: data.communes.map(amend) };
}

export function provinceNames(): { code: string; fullName: string }[] {
  return readReference().provinces.map(({ code, fullName }) => ({ code, fullName }));
}

/** Imports the deployment's province and its communes once; returns the province. */
export async function importProvince(tx: Executor, provinceCode: string, now: Date): Promise<UnitRow> {
  const [existing] = await tx.select().from(units).where(eq(units.kind, 'province'));
  if (existing) {
    if (existing.code !== provinceCode) {
      throw new Error(`This database serves province ${existing.code}; MOTCUA_PROVINCE_CODE is ${provinceCode}`);
    }
    return existing;
  }
  const reference = readReference();
  const province = reference.provinces.find((p) => p.code === provinceCode);
  if (!province) throw new Error(`Unknown province code ${provinceCode}`);
  const provinceId = crypto.randomUUID();
  const rows = [
    { id: provinceId, parentId: null, path: `/${provinceId}/`, kind: 'province' as const, ...province },
    ...reference.communes
      .filter((c) => c.provinceCode === provinceCode)
      .map((c) => {
        const id = crypto.randomUUID();
        return { id, parentId: provinceId, path: `/${provinceId}/${id}/`, kind: 'commune' as const, ...c };
      }),
  ].map((u) => ({
    id: u.id,
    code: u.code,
    name: u.name,
    fullName: u.fullName,
    fullNameEn: u.fullNameEn,
    kind: u.kind,
    unitType: u.unitType,
    parentId: u.parentId,
    path: u.path,
    searchText: foldVietnamese(`${u.code} ${u.fullName}`),
    createdAt: now,
  }));
  await tx.insert(units).values(rows);
  return rows[0] as UnitRow;
}

export async function getProvince(tx: Executor): Promise<UnitRow | undefined> {
  const [province] = await tx.select().from(units).where(eq(units.kind, 'province'));
  return province;
}

export async function findUnit(tx: Executor, id: string): Promise<UnitRow | undefined> {
  const [unit] = await tx.select().from(units).where(eq(units.id, id));
  return unit;
}

export async function listUnits(ctx: Ctx) {
  const actor = requireActor(ctx);
  const rows = await ctx.tx.select().from(units).orderBy(asc(units.path));
  return rows.map((u) => ({ ...u, abilities: unitPolicy.abilities(actor, u) }));
}

/** PostgreSQL's unique_violation, as the driver or Drizzle's wrapper carries it. */
const uniqueViolation = (err: unknown) => [err, (err as { cause?: unknown })?.cause].some((e) => (e as { code?: string } | undefined)?.code === '23505');

type OrgUnitInput = { code: string; name: string; kind: Exclude<UnitKind, 'province' | 'commune'> };

/** Adds an organisational unit under a parent; the caller has decided who may. */
export async function insertOrgUnit(tx: Executor, parent: Pick<UnitRow, 'id' | 'path'>, input: OrgUnitInput, now: Date): Promise<UnitRow> {
  const taken = () => conflict('unit_code_taken', 'Mã đơn vị đã tồn tại.', 'This unit code is already in use.');
  // whatever its case (migration 0020); the unique index settles two requests racing for one code
  const [clash] = await tx.select({ id: units.id }).from(units).where(sql`lower(${units.code}) = lower(${input.code})`);
  if (clash) throw taken();
  const id = crypto.randomUUID();
  const [unit] = await tx
    .insert(units)
    .values({
      id,
      code: input.code,
      name: input.name,
      fullName: input.name,
      kind: input.kind,
      parentId: parent.id,
      path: `${parent.path}${id}/`,
      searchText: foldVietnamese(`${input.code} ${input.name}`),
      createdAt: now,
    })
    .returning()
    .catch((err: unknown) => {
      throw uniqueViolation(err) ? taken() : err;
    });
  return unit!;
}

export async function createUnit(ctx: Ctx, input: OrgUnitInput & { parentId: string }) {
  const parent = unitPolicy.authorize(requireActor(ctx), 'addChild', await findUnit(ctx.tx, input.parentId));
  const unit = await insertOrgUnit(ctx.tx, parent, input, ctx.clock.now());
  await record(ctx, { type: 'unit.create', target: { type: 'unit', id: unit.id }, unitId: unit.id, details: { code: input.code, name: input.name, kind: input.kind, parentId: parent.id } });
  return unit;
}

export async function renameUnit(ctx: Ctx, id: string, name: string) {
  const actor = requireActor(ctx);
  const unit = unitPolicy.authorize(actor, 'rename', await findUnit(ctx.tx, id));
  if (!name.trim()) throw invalid('invalid_input', 'Tên đơn vị không được để trống.', 'The unit name is empty.');
  const [updated] = await ctx.tx
    .update(units)
    .set({ name, fullName: name, searchText: foldVietnamese(`${unit.code} ${name}`) })
    .where(eq(units.id, id))
    .returning();
  await record(ctx, { type: 'unit.rename', target: { type: 'unit', id }, unitId: id, details: { from: unit.name, to: name } });
  return updated!;
}
