import { and, asc, count, desc, eq, ilike, inArray, like, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import { scopeOf, type Actor, type Grant } from '../../authz/actor.ts';
import { ROLES, roleRequiresOtp, type Permission, type Role, otpRequired } from '../../authz/roles.ts';
import type { Ctx } from '../../platform/context.ts';
import { requireActor } from '../../platform/context.ts';
import { sha256 } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db.ts';
import { AppError, conflict, forbidden, invalid, notFound } from '../../platform/errors.ts';
import { likeContains } from '../../platform/text.ts';
import { record } from '../journal/index.ts';
import { findUnit, unitPolicy, unitsView } from '../units/index.ts';
import { accountPolicy, canGrant, canTransferTo, type AccountScope } from './accounts.policy.ts';
import type { AccountStatus } from './accounts.schemas.ts';
import { accounts, passwordHistory, roleGrants, type AccountRow } from './accounts.tables.ts';
import { assertStrongPassword, generateOneTimePassword, hashPassword, verifyPassword } from './passwords.ts';
import { concurrentSessionsSince, endAccountSessions, endSessionsWithoutOtp, liveSessions, presentSession } from '../sessions/index.ts';
import { isValidPersonalId } from '../../../common/personal-id.ts';
import { foldVietnamese } from '../../../common/text.ts';

const units = unitsView('units');

export interface AccountInput {
  username: string;
  fullName: string;
  personalId: string;
  position: string;
  email: string;
  phone: string;
}

type AccountWithUnit = AccountRow & { unitPath: string; unitCode: string; unitName: string };

const withUnit = {
  account: accounts,
  unitPath: units.path,
  unitCode: units.code,
  unitName: units.fullName,
};

async function loadAccount(tx: Executor, where: SQL): Promise<AccountWithUnit | undefined> {
  const [row] = await tx.select(withUnit).from(accounts).innerJoin(units, eq(units.id, accounts.unitId)).where(where);
  return row && { ...row.account, unitPath: row.unitPath, unitCode: row.unitCode, unitName: row.unitName };
}

export const findAccountById = (tx: Executor, id: string) => loadAccount(tx, eq(accounts.id, id));
export const findAccountByUsername = (tx: Executor, username: string) => loadAccount(tx, eq(accounts.username, username.trim().toLowerCase()));

export async function grantsOf(tx: Executor, accountId: string): Promise<(Grant & { unitCode: string; unitName: string; grantedAt: Date })[]> {
  const rows = await tx
    .select({ id: roleGrants.id, role: roleGrants.role, unitId: roleGrants.unitId, unitPath: units.path, unitCode: units.code, unitName: units.fullName, grantedAt: roleGrants.grantedAt })
    .from(roleGrants)
    .innerJoin(units, eq(units.id, roleGrants.unitId))
    .where(eq(roleGrants.accountId, accountId))
    .orderBy(asc(roleGrants.grantedAt));
  return rows.filter((r): r is typeof r & { role: Role } => r.role in ROLES);
}

/** The actor of a signed-in account, with its grants resolved to unit paths. */
export async function loadActor(tx: Executor, accountId: string): Promise<Actor | undefined> {
  const account = await findAccountById(tx, accountId);
  if (!account || account.status !== 'active') return undefined;
  return { accountId, username: account.username, unitId: account.unitId, unitPath: account.unitPath, grants: await grantsOf(tx, accountId) };
}

/** The active accounts holding a permission somewhere, with the unit paths where they hold it (whom to notify). */
export async function holdersOf(tx: Executor, permission: Permission): Promise<{ accountId: string; unitPath: string }[]> {
  const roles = (Object.keys(ROLES) as Role[]).filter((r) => (ROLES[r].permissions as readonly Permission[]).includes(permission));
  return tx
    .select({ accountId: roleGrants.accountId, unitPath: units.path })
    .from(roleGrants)
    .innerJoin(units, eq(units.id, roleGrants.unitId))
    .innerJoin(accounts, eq(accounts.id, roleGrants.accountId))
    .where(and(inArray(roleGrants.role, roles), eq(accounts.status, 'active')));
}

export const passwordExpired = (ctx: Pick<Ctx, 'clock' | 'config'>, a: AccountRow) =>
  a.passwordChangedAt.getTime() + ctx.config.password.maxAgeMs <= ctx.clock.now().getTime();

function validateIdentity(ctx: Ctx, input: Partial<AccountInput>) {
  if (input.personalId !== undefined && !isValidPersonalId(input.personalId, ctx.clock.now())) {
    throw invalid('invalid_personal_id', 'Số định danh cá nhân không hợp lệ (12 chữ số, mã tỉnh nơi đăng ký khai sinh, thế kỷ và năm sinh).', 'Invalid 12-digit personal ID.');
  }
}

async function uniqueOrConflict(tx: Executor, input: { username: string; personalId: string }) {
  const [clash] = await tx
    .select({ username: accounts.username, personalId: accounts.personalId })
    .from(accounts)
    .where(or(eq(accounts.username, input.username), eq(accounts.personalId, input.personalId)));
  if (clash?.personalId === input.personalId) {
    // R18: one account per officer, whatever the unit.
    throw conflict('personal_id_taken', 'Cán bộ có số định danh này đã có tài khoản (mỗi cán bộ chỉ một tài khoản).', 'This officer already has an account.');
  }
  if (clash) throw conflict('username_taken', 'Tên đăng nhập đã được dùng.', 'This username is taken.');
}

export async function storePassword(ctx: Ctx, accountId: string, passwordHash: string, mustChange: boolean) {
  const now = ctx.clock.now();
  await ctx.tx.update(accounts).set({ passwordHash, passwordChangedAt: now, mustChangePassword: mustChange }).where(eq(accounts.id, accountId));
  await ctx.tx.insert(passwordHistory).values({ accountId, passwordHash, createdAt: now });
}

/** Creates the account row; callers decide who may and how the first password is chosen. */
export async function insertAccount(ctx: Ctx, input: AccountInput & { unitId: string; password: string; mustChangePassword: boolean }) {
  validateIdentity(ctx, input);
  const username = input.username.trim().toLowerCase();
  await uniqueOrConflict(ctx.tx, { username, personalId: input.personalId });
  const now = ctx.clock.now();
  const passwordHash = await hashPassword(input.password);
  const [account] = await ctx.tx
    .insert(accounts)
    .values({
      username,
      personalId: input.personalId,
      fullName: input.fullName.trim(),
      position: input.position.trim(),
      email: input.email.trim(),
      phone: input.phone.trim(),
      searchText: foldVietnamese(`${input.fullName} ${username} ${input.email}`),
      unitId: input.unitId,
      status: 'active',
      statusChangedAt: now,
      passwordHash,
      passwordChangedAt: now,
      mustChangePassword: input.mustChangePassword,
      createdAt: now,
      createdBy: ctx.actor?.accountId ?? null,
    })
    .returning();
  await ctx.tx.insert(passwordHistory).values({ accountId: account!.id, passwordHash, createdAt: now });
  return account!;
}

export async function insertGrant(ctx: Ctx, accountId: string, role: Role, unitId: string) {
  const [grant] = await ctx.tx
    .insert(roleGrants)
    .values({ accountId, role, unitId, grantedBy: ctx.actor?.accountId ?? null, grantedAt: ctx.clock.now() })
    .onConflictDoNothing()
    .returning();
  if (!grant) throw conflict('role_already_granted', 'Tài khoản đã có vai trò này tại đơn vị này.', 'The account already has this role at this unit.');
  // R04 (issue 13): a session that passed no one-time code must not carry a role that needs one; the officer signs
  // in again and enrolls.
  const sessionsEnded = roleRequiresOtp(role) ? await endSessionsWithoutOtp(ctx, accountId) : 0;
  await record(ctx, { type: 'account.role_grant', target: { type: 'account', id: accountId }, unitId, details: { role, grantId: grant.id, sessionsEnded } });
  return grant;
}

/** R46: an account is issued with a one-time password that must be changed at first sign-in. */
export async function issueAccount(ctx: Ctx, input: AccountInput & { unitId: string }) {
  const actor = requireActor(ctx);
  const unit = unitPolicy.authorize(actor, 'issueAccount', await findUnit(ctx.tx, input.unitId));
  const oneTimePassword = generateOneTimePassword();
  const account = await insertAccount(ctx, { ...input, password: oneTimePassword, mustChangePassword: true });
  await record(ctx, { type: 'account.issue', target: { type: 'account', id: account.id }, unitId: unit.id, details: { username: account.username }, citizens: [input.personalId] });
  return { account: await getAccount(ctx, account.id), oneTimePassword };
}

async function scoped(ctx: Ctx, id: string, action: Parameters<typeof accountPolicy.authorize>[1]): Promise<AccountWithUnit> {
  const account = await findAccountById(ctx.tx, id);
  const scope: AccountScope | undefined = account && { id: account.id, unitPath: account.unitPath, status: account.status };
  accountPolicy.authorize(requireActor(ctx), action, scope);
  return account!;
}

/** Whether the actor may end the sessions of an account (their own, or one they manage sessions for). */
export async function mayEndSessionsOf(ctx: Ctx, id: string): Promise<boolean> {
  const account = await findAccountById(ctx.tx, id);
  return !!account && accountPolicy.can(requireActor(ctx), 'endSessions', { id, unitPath: account.unitPath, status: account.status });
}

export interface AccountListQuery {
  q?: string;
  unitId?: string;
  status?: AccountStatus;
  limit: number;
  offset: number;
}

/** Accounts in the subtrees where the actor may read accounts; the search ignores diacritics. */
export async function listAccounts(ctx: Ctx, query: AccountListQuery) {
  const actor = requireActor(ctx);
  const roots = scopeOf(actor, 'accounts.read');
  if (roots.length === 0) return { total: 0, items: [] };
  const filters: (SQL | undefined)[] = [or(...roots.map((root) => like(units.path, `${root}%`)))];
  if (query.q) filters.push(or(ilike(accounts.searchText, likeContains(foldVietnamese(query.q))), eq(accounts.personalId, query.q.trim())));
  if (query.status) filters.push(eq(accounts.status, query.status));
  if (query.unitId) {
    const unit = await findUnit(ctx.tx, query.unitId);
    filters.push(like(units.path, `${unit?.path ?? '/none/'}%`));
  }
  const where = and(...filters);
  const [total] = await ctx.tx.select({ n: count() }).from(accounts).innerJoin(units, eq(units.id, accounts.unitId)).where(where);
  const rows = await ctx.tx
    .select(withUnit)
    .from(accounts)
    .innerJoin(units, eq(units.id, accounts.unitId))
    .where(where)
    .orderBy(asc(accounts.searchText), asc(accounts.username))
    .limit(query.limit)
    .offset(query.offset);
  const ids = rows.map((r) => r.account.id);
  const grants = ids.length
    ? await ctx.tx.select({ accountId: roleGrants.accountId, role: roleGrants.role }).from(roleGrants).where(inArray(roleGrants.accountId, ids))
    : [];
  return {
    total: total?.n ?? 0,
    items: rows.map((r) => ({
      ...presentSummary({ ...r.account, unitPath: r.unitPath, unitCode: r.unitCode, unitName: r.unitName }),
      roles: [...new Set(grants.filter((g) => g.accountId === r.account.id).map((g) => g.role))],
    })),
  };
}

function presentSummary(a: AccountWithUnit) {
  return {
    id: a.id,
    username: a.username,
    fullName: a.fullName,
    position: a.position,
    unit: { id: a.unitId, code: a.unitCode, name: a.unitName },
    status: a.status,
    lastSignInAt: a.lastSignInAt?.toISOString() ?? null,
    otpEnabled: a.otpEnabledAt !== null,
  };
}

/** R16: accounts used from two devices at once in the last 30 days, within the units where the actor manages sessions. */
export async function listSharingSignals(ctx: Ctx) {
  const actor = requireActor(ctx);
  const roots = scopeOf(actor, 'sessions.manage');
  const flagged = await concurrentSessionsSince(ctx.tx, new Date(ctx.clock.now().getTime() - 30 * 86_400_000));
  const ids = [...new Set(flagged.map((s) => s.accountId))];
  if (ids.length === 0 || roots.length === 0) return { items: [] };
  const visible = await ctx.tx
    .select(withUnit)
    .from(accounts)
    .innerJoin(units, eq(units.id, accounts.unitId))
    .where(and(inArray(accounts.id, ids), or(...roots.map((root) => like(units.path, `${root}%`)))));
  const byId = new Map(visible.map((r) => [r.account.id, presentSummary({ ...r.account, unitPath: r.unitPath, unitCode: r.unitCode, unitName: r.unitName })]));
  return {
    items: flagged
      .filter((s) => byId.has(s.accountId))
      .map((s) => ({ account: byId.get(s.accountId)!, at: s.createdAt.toISOString(), ip: s.ip, userAgent: s.userAgent })),
  };
}

export async function getAccount(ctx: Ctx, id: string) {
  const actor = requireActor(ctx);
  const account = await scoped(ctx, id, 'read');
  const scope = { id: account.id, unitPath: account.unitPath, status: account.status };
  const abilities = accountPolicy.abilities(actor, scope);
  const grants = await grantsOf(ctx.tx, id);
  const sessions = abilities.endSessions ? await liveSessions(ctx, id) : [];
  return {
    ...presentSummary(account),
    // The full personal ID only for those who manage the account; readers (inspectors) see it masked.
    personalId: abilities.update || actor.accountId === id ? account.personalId : `${account.personalId.slice(0, 3)}******${account.personalId.slice(9)}`,
    email: account.email,
    phone: account.phone,
    statusReason: account.statusReason,
    mustChangePassword: account.mustChangePassword,
    passwordChangedAt: account.passwordChangedAt.toISOString(),
    passwordExpiresAt: new Date(account.passwordChangedAt.getTime() + ctx.config.password.maxAgeMs).toISOString(),
    otpRequired: otpRequired(grants),
    createdAt: account.createdAt.toISOString(),
    roles: grants.map((g) => ({
      id: g.id,
      role: g.role,
      unit: { id: g.unitId, code: g.unitCode, name: g.unitName },
      grantedAt: g.grantedAt.toISOString(),
      revocable: canGrant(actor, scope, g.role, g.unitPath),
    })),
    sessions: sessions.map((s) => presentSession(s, ctx.sessionId, ctx.config.session.idleMs)),
    abilities,
  };
}

export async function updateAccount(ctx: Ctx, id: string, input: Partial<Omit<AccountInput, 'username' | 'personalId'>>) {
  const account = await scoped(ctx, id, 'update');
  const next = { ...account, ...Object.fromEntries(Object.entries(input).map(([k, v]) => [k, (v as string).trim()])) };
  await ctx.tx
    .update(accounts)
    .set({ fullName: next.fullName, position: next.position, email: next.email, phone: next.phone, searchText: foldVietnamese(`${next.fullName} ${next.username} ${next.email}`) })
    .where(eq(accounts.id, id));
  await record(ctx, { type: 'account.update', target: { type: 'account', id }, unitId: account.unitId, details: { fields: Object.keys(input) } });
  return getAccount(ctx, id);
}

async function setStatus(ctx: Ctx, account: AccountWithUnit, status: AccountStatus, reason: string) {
  await ctx.tx.update(accounts).set({ status, statusReason: reason, statusChangedAt: ctx.clock.now() }).where(eq(accounts.id, account.id));
}

export async function lockAccount(ctx: Ctx, id: string, reason: string) {
  const account = await scoped(ctx, id, 'lock');
  await setStatus(ctx, account, 'locked', reason);
  const ended = await endAccountSessions(ctx, id, 'locked');
  await record(ctx, { type: 'account.lock', target: { type: 'account', id }, unitId: account.unitId, reason, details: { sessionsEnded: ended } });
  return getAccount(ctx, id);
}

export async function unlockAccount(ctx: Ctx, id: string, reason: string) {
  const account = await scoped(ctx, id, 'unlock');
  await setStatus(ctx, account, 'active', reason);
  await record(ctx, { type: 'account.unlock', target: { type: 'account', id }, unitId: account.unitId, reason });
  return getAccount(ctx, id);
}

/** R18: a transferred officer keeps the account but loses every right at once; the new unit grants new ones. */
export async function transferAccount(ctx: Ctx, id: string, input: { unitId: string; reason: string }) {
  const actor = requireActor(ctx);
  const account = await scoped(ctx, id, 'transfer');
  const target = await findUnit(ctx.tx, input.unitId);
  if (!target) throw invalid('unknown_unit', 'Đơn vị chuyển đến không tồn tại.', 'The destination unit does not exist.');
  if (target.id === account.unitId) throw invalid('same_unit', 'Tài khoản đã thuộc đơn vị này.', 'The account is already in this unit.');
  if (!canTransferTo(actor, { id, unitPath: account.unitPath, status: account.status }, target.path)) {
    throw new AppError(403, 'transfer_destination_not_managed', 'Bạn không quản lý đơn vị chuyển đến: việc điều chuyển sang đơn vị khác do quản trị cấp trên thực hiện.', 'You do not administer the destination unit: a transfer there is made by an administrator above both units.').recording({
      type: 'account.transfer',
      outcome: 'refused',
      target: { type: 'account', id },
      unitId: account.unitId,
      reason: input.reason,
      details: { reason: 'destination_not_managed', fromUnitId: account.unitId, toUnitId: target.id },
    });
  }
  const revoked = await ctx.tx.delete(roleGrants).where(eq(roleGrants.accountId, id)).returning();
  await ctx.tx.update(accounts).set({ unitId: target.id }).where(eq(accounts.id, id));
  const ended = await endAccountSessions(ctx, id, 'transfer');
  await record(ctx, {
    type: 'account.transfer',
    target: { type: 'account', id },
    unitId: account.unitId,
    reason: input.reason,
    details: { fromUnitId: account.unitId, toUnitId: target.id, revokedRoles: revoked.map((g) => ({ role: g.role, unitId: g.unitId })), sessionsEnded: ended },
  });
  // The actor manages the destination, so they still see the account.
  return getAccount(ctx, id);
}

/** R18: an officer who leaves is disabled, with every right and session ended; the record stays for the journal. */
export async function leaveAccount(ctx: Ctx, id: string, reason: string) {
  const account = await scoped(ctx, id, 'leave');
  const revoked = await ctx.tx.delete(roleGrants).where(eq(roleGrants.accountId, id)).returning();
  await setStatus(ctx, account, 'left', reason);
  const ended = await endAccountSessions(ctx, id, 'leave');
  await record(ctx, {
    type: 'account.leave',
    target: { type: 'account', id },
    unitId: account.unitId,
    reason,
    details: { revokedRoles: revoked.map((g) => ({ role: g.role, unitId: g.unitId })), sessionsEnded: ended },
  });
  return getAccount(ctx, id);
}

/** R45: after a sign-in upgrade every account (in the actor's subtrees, locked ones included) changes its password at next sign-in. */
export async function requirePasswordChangeAll(ctx: Ctx, reason: string) {
  const actor = requireActor(ctx);
  const roots = scopeOf(actor, 'accounts.manage');
  if (roots.length === 0) throw forbidden();
  const inScope = ctx.tx
    .select({ id: accounts.id })
    .from(accounts)
    .innerJoin(units, eq(units.id, accounts.unitId))
    .where(or(...roots.map((root) => like(units.path, `${root}%`))));
  const changed = await ctx.tx
    .update(accounts)
    .set({ mustChangePassword: true })
    .where(and(inArray(accounts.id, inScope), ne(accounts.status, 'left')))
    .returning({ id: accounts.id });
  await record(ctx, { type: 'account.require_password_change', reason, unitId: actor.unitId, details: { accounts: changed.length } });
  return { accounts: changed.length };
}

export async function grantRole(ctx: Ctx, id: string, input: { role: Role; unitId: string }) {
  const actor = requireActor(ctx);
  const account = await scoped(ctx, id, 'grantRoles');
  const unit = await findUnit(ctx.tx, input.unitId);
  if (!unit) throw invalid('unknown_unit', 'Đơn vị không tồn tại.', 'Unknown unit.');
  if (!canGrant(actor, { id, unitPath: account.unitPath, status: account.status }, input.role, unit.path)) throw forbidden();
  await insertGrant(ctx, id, input.role, unit.id);
  return getAccount(ctx, id);
}

export async function revokeRole(ctx: Ctx, id: string, grantId: string) {
  const actor = requireActor(ctx);
  const account = await scoped(ctx, id, 'grantRoles');
  const grant = (await grantsOf(ctx.tx, id)).find((g) => g.id === grantId);
  if (!grant) throw notFound();
  if (!canGrant(actor, { id, unitPath: account.unitPath, status: account.status }, grant.role, grant.unitPath)) throw forbidden();
  await ctx.tx.delete(roleGrants).where(eq(roleGrants.id, grantId));
  await record(ctx, { type: 'account.role_revoke', target: { type: 'account', id }, unitId: grant.unitId, details: { role: grant.role, grantId } });
  return getAccount(ctx, id);
}

/**
 * R50, R07: the strength rules and the last N passwords. The caller has checked the current password, under the
 * sign-in attempt budget (auth.service changeOwnPassword).
 */
export async function changePassword(ctx: Ctx, accountId: string, newPassword: string) {
  const account = await findAccountById(ctx.tx, accountId);
  if (!account) throw notFound();
  assertStrongPassword(newPassword, account);
  const history = await ctx.tx
    .select({ hash: passwordHistory.passwordHash })
    .from(passwordHistory)
    .where(eq(passwordHistory.accountId, accountId))
    .orderBy(desc(passwordHistory.createdAt))
    .limit(ctx.config.password.history);
  for (const { hash } of history) {
    if (await verifyPassword(hash, newPassword)) {
      throw invalid('password_reused', `Không được dùng lại ${ctx.config.password.history} mật khẩu gần nhất.`, `Must differ from the last ${ctx.config.password.history} passwords.`);
    }
  }
  await storePassword(ctx, accountId, await hashPassword(newPassword), false);
  await record(ctx, { type: 'account.password_change', actorAccountId: accountId, target: { type: 'account', id: accountId }, unitId: account.unitId });
}

/** R06: accounts not used for N days are locked by the scheduled job. */
export async function lockDormantAccounts(ctx: Ctx): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - ctx.config.dormantMs);
  const lastUse = sql`GREATEST(${accounts.lastSignInAt}, ${accounts.createdAt}, ${accounts.statusChangedAt})`;
  const dormant = await ctx.tx
    .update(accounts)
    .set({ status: 'locked', statusReason: 'dormant', statusChangedAt: ctx.clock.now() })
    .where(and(eq(accounts.status, 'active'), lt(lastUse, cutoff)))
    .returning({ id: accounts.id, unitId: accounts.unitId });
  for (const a of dormant) {
    await endAccountSessions(ctx, a.id, 'locked');
    await record(ctx, { type: 'account.dormant_lock', target: { type: 'account', id: a.id }, unitId: a.unitId, details: { days: ctx.config.dormantMs / 86_400_000 } });
  }
  return dormant.length;
}

export function hashRecoveryCode(code: string): string {
  return sha256(code).toString('hex');
}
