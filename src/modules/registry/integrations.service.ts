import crypto from 'node:crypto';
import { desc, eq, inArray } from 'drizzle-orm';
import { requireActor, type Ctx } from '../../platform/context.ts';
import { integrationPolicy } from './registry.policy.ts';
import { conflict, invalidInput, notFound } from '../../platform/errors.ts';
import type { Executor } from '../../platform/db.ts';
import { record } from '../journal/index.ts';
import { catalogueView } from '../procedures/index.ts';
import { findUnit, unitsView } from '../units/index.ts';
import { integrationClients } from './registry.tables.ts';

const units = unitsView('units');
const procedureCatalogue = catalogueView('procedure_catalogue');

const KEY_PREFIX = 'mck_';
const hashOf = (secret: string) => crypto.createHash('sha256').update(secret).digest();

export interface ClientInput {
  name: string;
  unitId: string;
  procedures: string[];
  fields: string[];
}

/**
 * R35: another provincial system gets its own key, for named procedures and fields, in one unit subtree; the NPD
 * credentials never leave the gateway. The key is shown once, here; only its hash is kept.
 */
export async function createClient(ctx: Ctx, input: ClientInput) {
  const actor = requireActor(ctx);
  const unit = await findUnit(ctx.tx, input.unitId);
  if (!unit || !integrationPolicy.can(actor, 'manage', { unitPath: unit.path })) throw notFound();
  // a key for a procedure that does not exist would look valid and never work
  const procedures = [...new Set(input.procedures)];
  const known = new Set((await ctx.tx.select({ code: procedureCatalogue.code }).from(procedureCatalogue).where(inArray(procedureCatalogue.code, procedures))).map((r) => r.code));
  const unknown = procedures.filter((code) => !known.has(code));
  if (unknown.length) throw invalidInput([{ path: 'procedures', message: `Không có thủ tục mã ${unknown.join(', ')} trong danh mục quốc gia / no procedure ${unknown.join(', ')} in the national catalogue` }]);
  const id = crypto.randomUUID();
  const secret = crypto.randomBytes(32).toString('base64url');
  await ctx.tx.insert(integrationClients).values({
    id,
    name: input.name,
    unitId: unit.id,
    keyHash: hashOf(secret),
    procedures,
    fields: [...new Set(input.fields)],
    createdBy: actor.accountId,
    createdAt: ctx.clock.now(),
  });
  await record(ctx, { type: 'integration.create', target: { type: 'integration_client', id }, unitId: unit.id, details: { name: input.name, procedures: input.procedures, fields: input.fields } });
  return { id, key: `${KEY_PREFIX}${id}.${secret}` };
}

export async function revokeClient(ctx: Ctx, id: string, reason: string) {
  const actor = requireActor(ctx);
  const [row] = await ctx.tx.select({ c: integrationClients, path: units.path }).from(integrationClients).innerJoin(units, eq(units.id, integrationClients.unitId)).where(eq(integrationClients.id, id));
  if (!row || !integrationPolicy.can(actor, 'manage', { unitPath: row.path })) throw notFound();
  if (row.c.revokedAt) throw conflict('client_revoked', 'Khóa kết nối này đã bị thu hồi.', 'This key was already revoked.');
  await ctx.tx.update(integrationClients).set({ revokedAt: ctx.clock.now(), revokedBy: actor.accountId }).where(eq(integrationClients.id, id));
  await record(ctx, { type: 'integration.revoke', target: { type: 'integration_client', id }, unitId: row.c.unitId, reason });
}

export async function listClients(ctx: Ctx) {
  const actor = requireActor(ctx);
  const rows = await ctx.tx
    .select({ c: integrationClients, unitName: units.name, path: units.path })
    .from(integrationClients)
    .innerJoin(units, eq(units.id, integrationClients.unitId))
    .orderBy(desc(integrationClients.createdAt));
  return rows
    .filter((r) => integrationPolicy.can(actor, 'read', { unitPath: r.path }))
    .map(({ c, unitName }) => ({
      id: c.id,
      name: c.name,
      unit: { id: c.unitId, name: unitName },
      procedures: c.procedures,
      fields: c.fields,
      createdAt: c.createdAt.toISOString(),
      revokedAt: c.revokedAt?.toISOString() ?? null,
    }));
}

/** The client a bearer key belongs to, if it is live; the hash comparison takes the same time whatever matches. */
export async function authenticateClient(tx: Executor, authorization: string | undefined) {
  const match = /^Bearer mck_([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(authorization ?? '');
  if (!match) return null;
  const [row] = await tx
    .select({ c: integrationClients, unitPath: units.path, unitCode: units.code })
    .from(integrationClients)
    .innerJoin(units, eq(units.id, integrationClients.unitId))
    .where(eq(integrationClients.id, match[1]!));
  if (!row || row.c.revokedAt || !crypto.timingSafeEqual(row.c.keyHash, hashOf(match[2]!))) return null;
  return { id: row.c.id, name: row.c.name, unitId: row.c.unitId, unitPath: row.unitPath, unitCode: row.unitCode, procedures: row.c.procedures, fields: row.c.fields };
}
export type IntegrationClient = NonNullable<Awaited<ReturnType<typeof authenticateClient>>>;
