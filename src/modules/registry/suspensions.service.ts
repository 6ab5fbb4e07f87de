import crypto from 'node:crypto';
import { and, desc, eq, isNull, or, sql, type AnyColumn } from 'drizzle-orm';
import { scopeOf } from '../../authz/actor.ts';
import { requireActor, type Ctx } from '../../platform/context.ts';
import { suspensionPolicy } from './registry.policy.ts';
import { conflict, invalid, notFound } from '../../platform/errors.ts';
import { findAccountById, officersView } from '../accounts/index.ts';
import { record } from '../journal/index.ts';
import { findUnit, getProvince, unitsView } from '../units/index.ts';
import type { SuspensionScope } from './registry.schemas.ts';
import { npdSuspensions, npdUpstream } from './registry.tables.ts';

const units = unitsView('units');

export interface SuspensionInput {
  scope: SuspensionScope;
  unitId?: string;
  accountId?: string;
  reason: string;
}

/** The unit path a suspension covers: the province for the whole system, the unit, or the account's unit. */
async function coveredPath(ctx: Ctx, input: { scope: SuspensionScope; unitId?: string | null; accountId?: string | null }): Promise<string | null> {
  if (input.scope === 'system') return (await getProvince(ctx.tx))?.path ?? null;
  if (input.scope === 'unit') return input.unitId ? ((await findUnit(ctx.tx, input.unitId))?.path ?? null) : null;
  return input.accountId ? ((await findAccountById(ctx.tx, input.accountId))?.unitPath ?? null) : null;
}

/**
 * R43: the security officer cuts lookups at once, for the whole system (only from the province), a unit subtree or
 * one account within their own subtree. Everything else keeps working; the cut is journaled with its reason.
 */
export async function suspendLookups(ctx: Ctx, input: SuspensionInput) {
  const actor = requireActor(ctx);
  if ((input.scope === 'unit') !== Boolean(input.unitId) || (input.scope === 'account') !== Boolean(input.accountId)) {
    throw invalid('suspension_target', 'Chọn đúng đơn vị hoặc tài khoản cho phạm vi tạm dừng.', 'Name the unit or the account the scope needs, and nothing else.');
  }
  const path = await coveredPath(ctx, input);
  if (!path || !suspensionPolicy.can(actor, 'read', { coveredPath: path })) throw notFound();
  const id = crypto.randomUUID();
  await ctx.tx.insert(npdSuspensions).values({
    id,
    scope: input.scope,
    unitId: input.unitId ?? null,
    accountId: input.accountId ?? null,
    reason: input.reason,
    suspendedBy: actor.accountId,
    suspendedAt: ctx.clock.now(),
  });
  await record(ctx, { type: 'npd.suspend', target: { type: 'npd_suspension', id }, unitId: input.unitId ?? null, reason: input.reason, details: { scope: input.scope, accountId: input.accountId ?? null } });
  return { id };
}

/**
 * Issue 6: a critical alert suspends the account's lookups at once, by the system itself (no officer); only a person
 * lifts it, with a reason. Does nothing if the account is already suspended.
 */
export async function suspendAccountAutomatically(ctx: Ctx, accountId: string, reason: string): Promise<boolean> {
  const [active] = await ctx.tx
    .select({ id: npdSuspensions.id })
    .from(npdSuspensions)
    .where(and(eq(npdSuspensions.accountId, accountId), isNull(npdSuspensions.liftedAt)));
  if (active) return false;
  const id = crypto.randomUUID();
  await ctx.tx.insert(npdSuspensions).values({ id, scope: 'account', accountId, reason, suspendedBy: null, suspendedAt: ctx.clock.now() });
  await record(ctx, { type: 'npd.suspend', target: { type: 'npd_suspension', id }, reason, details: { scope: 'account', accountId, automatic: true } });
  return true;
}

/** Lookups resume only with a reason, from someone who could have made the cut. */
export async function liftSuspension(ctx: Ctx, id: string, reason: string) {
  const actor = requireActor(ctx);
  const [s] = await ctx.tx.select().from(npdSuspensions).where(eq(npdSuspensions.id, id));
  const path = s ? await coveredPath(ctx, s) : null;
  if (!s || !path || !suspensionPolicy.can(actor, 'lift', { coveredPath: path })) throw notFound();
  if (s.liftedAt) throw conflict('suspension_lifted', 'Lệnh tạm dừng này đã được gỡ.', 'This suspension was already lifted.');
  await ctx.tx.update(npdSuspensions).set({ liftedAt: ctx.clock.now(), liftedBy: actor.accountId, liftReason: reason }).where(eq(npdSuspensions.id, id));
  await record(ctx, { type: 'npd.resume', target: { type: 'npd_suspension', id }, unitId: s.unitId, reason, details: { scope: s.scope, accountId: s.accountId } });
}

const suspender = officersView('suspender');
const lifter = officersView('lifter');
const suspendedAccount = officersView('suspended_account');
const suspendedAccountUnit = unitsView('suspended_account_unit');

/**
 * The kill switch's state and history, for those who audit lookups, within what they audit: the system-wide cuts,
 * the cuts of units in or above their subtrees (those stop lookups there too) and of accounts whose unit is in them.
 */
export async function listSuspensions(ctx: Ctx) {
  const roots = scopeOf(requireActor(ctx), 'npd.audit');
  if (roots.length === 0) return [];
  const inOrAbove = (path: AnyColumn) => or(...roots.map((root) => sql`(starts_with(${path}, ${root}) OR starts_with(${root}, ${path}))`));
  const under = (path: AnyColumn) => or(...roots.map((root) => sql`starts_with(${path}, ${root})`));
  const rows = await ctx.tx
    .select({
      s: npdSuspensions,
      unitName: units.name,
      account: { fullName: suspendedAccount.fullName, username: suspendedAccount.username },
      by: { fullName: suspender.fullName, username: suspender.username },
      liftedBy: { fullName: lifter.fullName, username: lifter.username },
    })
    .from(npdSuspensions)
    .leftJoin(units, eq(units.id, npdSuspensions.unitId))
    .leftJoin(suspendedAccount, eq(suspendedAccount.id, npdSuspensions.accountId))
    .leftJoin(suspendedAccountUnit, eq(suspendedAccountUnit.id, suspendedAccount.unitId))
    .leftJoin(suspender, eq(suspender.id, npdSuspensions.suspendedBy))
    .leftJoin(lifter, eq(lifter.id, npdSuspensions.liftedBy))
    .where(
      or(
        eq(npdSuspensions.scope, 'system'),
        and(eq(npdSuspensions.scope, 'unit'), inOrAbove(units.path)),
        and(eq(npdSuspensions.scope, 'account'), under(suspendedAccountUnit.path)),
      ),
    )
    .orderBy(desc(npdSuspensions.suspendedAt))
    .limit(200);
  return rows.map(({ s, unitName, account, by, liftedBy }) => ({
    id: s.id,
    scope: s.scope,
    unit: s.unitId ? { id: s.unitId, name: unitName ?? '' } : null,
    account: s.accountId && account ? { id: s.accountId, ...account } : null,
    reason: s.reason,
    suspendedBy: s.suspendedBy ? by : null,
    suspendedAt: s.suspendedAt.toISOString(),
    liftedBy: s.liftedBy ? liftedBy : null,
    liftedAt: s.liftedAt?.toISOString() ?? null,
    liftReason: s.liftReason,
  }));
}

/** An account's suspensions, newest first (an incident's measures). */
export async function accountSuspensions(ctx: Ctx, accountId: string) {
  return ctx.tx.select().from(npdSuspensions).where(eq(npdSuspensions.accountId, accountId)).orderBy(desc(npdSuspensions.suspendedAt));
}

/**
 * The active suspension that stops a lookup, if any: the whole system, the caller's account, or a unit above any of
 * the given units (the caller's own and, for a lookup, the dossier's desk and processing unit, whoever calls).
 */
export async function activeSuspension(ctx: Ctx, caller: { accountId: string | null; unitPaths: string[] }) {
  const [hit] = await ctx.tx
    .select({ scope: npdSuspensions.scope, reason: npdSuspensions.reason, unitName: units.name })
    .from(npdSuspensions)
    .leftJoin(units, eq(units.id, npdSuspensions.unitId))
    .where(
      and(
        isNull(npdSuspensions.liftedAt),
        or(
          eq(npdSuspensions.scope, 'system'),
          and(eq(npdSuspensions.scope, 'unit'), or(...caller.unitPaths.map((path) => sql`starts_with(${path}, ${units.path})`))),
          caller.accountId ? eq(npdSuspensions.accountId, caller.accountId) : undefined,
        ),
      ),
    )
    .limit(1);
  return hit ?? null;
}

// ——— The NPD's own word on our connection (R43) ———

/** How long a "disconnected" answer stops calls before one lookup is let through to see whether it still holds. */
export const DISCONNECTED_PROBE_MS = 60_000;

export async function upstreamState(ctx: Ctx) {
  const [row] = await ctx.tx.select().from(npdUpstream);
  return { disconnectedAt: row?.disconnectedAt ?? null, changedAt: row?.changedAt ?? null };
}

/** Records a change of the NPD's answer (disconnected ↔ answering), journaled once per change. */
export async function markUpstream(ctx: Ctx, disconnected: boolean) {
  const now = ctx.clock.now();
  const changed = await ctx.tx
    .insert(npdUpstream)
    .values({ id: true, disconnectedAt: disconnected ? now : null, changedAt: now })
    .onConflictDoUpdate({
      target: npdUpstream.id,
      set: { disconnectedAt: disconnected ? now : null, changedAt: now },
      setWhere: disconnected ? isNull(npdUpstream.disconnectedAt) : sql`${npdUpstream.disconnectedAt} IS NOT NULL`,
    })
    .returning({ id: npdUpstream.id });
  if (changed.length > 0) await record(ctx, { type: disconnected ? 'npd.upstream.disconnected' : 'npd.upstream.reconnected', outcome: disconnected ? 'failure' : 'success' });
}
