import { and, asc, eq, gt, like, lte, or, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { scopeOf } from '../../authz/actor.ts';
import type { Ctx } from '../../platform/context.ts';
import { requireActor } from '../../platform/context.ts';
import { AppError, conflict, notFound } from '../../platform/errors.ts';
import { record, type JournalEvent } from '../journal/index.ts';
import { accountPolicy, RESET_REQUEST_TTL_MS, resetRequestPolicy, type AccountScope, type ResetRequestScope } from './accounts.policy.ts';
import { findAccountById, storePassword } from './accounts.service.ts';
import type { CredentialResetKind } from './accounts.schemas.ts';
import { accounts, credentialResetRequests, recoveryCodes, type CredentialResetRow } from './accounts.tables.ts';
import { mailOneTimePassword } from './credential-mail.ts';
import { generateOneTimePassword, hashPassword } from './passwords.ts';
import { endAccountSessions } from '../sessions/index.ts';
import { unitsView } from '../units/index.ts';

const units = unitsView('units');

/**
 * Issue 13 (finding 4): a password or one-time-code reset is a request that takes effect only when a second admin
 * approves it (accounts.policy resetRequestPolicy). The new one-time password goes to the officer's e-mail when SMTP
 * is configured, else it is shown once to the approver; never to the admin who asked. The entry of the reset taking
 * effect (account.password_reset / account.otp_reset, actor: the approver) is what the monitoring rule
 * lookup_after_reset looks for.
 */

const ASKED: Record<CredentialResetKind, string> = { password: 'account.password_reset_request', otp: 'account.otp_reset_request' };
export const RESET_TAKES_EFFECT: Record<CredentialResetKind, string> = { password: 'account.password_reset', otp: 'account.otp_reset' };
const ABILITY = { password: 'resetPassword', otp: 'resetOtp' } as const;

type Account = NonNullable<Awaited<ReturnType<typeof findAccountById>>>;
const accountScope = (a: Account): AccountScope => ({ id: a.id, unitPath: a.unitPath, status: a.status });

const requester = alias(accounts, 'requester');
const requestSelect = (ctx: Ctx) =>
  ctx.tx
    .select({
      r: credentialResetRequests,
      account: { id: accounts.id, username: accounts.username, fullName: accounts.fullName, email: accounts.email, status: accounts.status, unitId: accounts.unitId },
      unit: { path: units.path, code: units.code, name: units.fullName },
      requester: { id: requester.id, username: requester.username, fullName: requester.fullName },
    })
    .from(credentialResetRequests)
    .innerJoin(accounts, eq(accounts.id, credentialResetRequests.accountId))
    .innerJoin(units, eq(units.id, accounts.unitId))
    .innerJoin(requester, eq(requester.id, credentialResetRequests.requestedBy));
type RequestRow = Awaited<ReturnType<typeof requestSelect>>[number];

const isOpen = (ctx: Ctx, r: CredentialResetRow) => r.status === 'pending' && r.expiresAt > ctx.clock.now();

const scopeOfRow = (ctx: Ctx, row: RequestRow): ResetRequestScope => ({
  account: { id: row.account.id, unitPath: row.unit.path, status: row.account.status },
  requestedBy: row.r.requestedBy,
  open: isOpen(ctx, row.r),
});

/** Where a password approved now would go: the officer's mailbox when the system can send mail there. */
const deliveryFor = (ctx: Ctx, email: string) => (ctx.config.smtp && email !== '' ? 'email' : 'approver');

function presentRequest(ctx: Ctx, row: RequestRow) {
  const { r } = row;
  return {
    id: r.id,
    kind: r.kind,
    reason: r.reason,
    // a pending request past its time is shown as what it is
    status: r.status === 'pending' && !isOpen(ctx, r) ? ('expired' as const) : r.status,
    requestedAt: r.requestedAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    account: { id: row.account.id, username: row.account.username, fullName: row.account.fullName, unit: { id: row.account.unitId, code: row.unit.code, name: row.unit.name } },
    requestedBy: row.requester,
    /** for a password: where the new one goes once approved (so the approver can check the address first) */
    delivery: r.kind === 'password' ? (r.delivery ?? deliveryFor(ctx, row.account.email)) : null,
    email: r.kind === 'password' && deliveryFor(ctx, row.account.email) === 'email' ? row.account.email : null,
    decidedAt: r.decidedAt?.toISOString() ?? null,
    abilities: resetRequestPolicy.abilities(requireActor(ctx), scopeOfRow(ctx, row)),
  };
}

async function loadRequest(ctx: Ctx, id: string) {
  const [row] = await requestSelect(ctx).where(eq(credentialResetRequests.id, id));
  return row;
}

/** Asks for a reset; nothing changes on the account until another admin approves. */
export async function requestReset(ctx: Ctx, accountId: string, kind: CredentialResetKind, reason: string) {
  const actor = requireActor(ctx);
  const found = await findAccountById(ctx.tx, accountId);
  accountPolicy.authorize(actor, ABILITY[kind], found && accountScope(found));
  const account = found!;
  const now = ctx.clock.now();
  const mine = and(eq(credentialResetRequests.accountId, accountId), eq(credentialResetRequests.kind, kind), eq(credentialResetRequests.status, 'pending'));
  // a request nobody answered in time no longer holds the place of a new one
  const expired = await ctx.tx
    .update(credentialResetRequests)
    .set({ status: 'expired' })
    .where(and(mine, lte(credentialResetRequests.expiresAt, now)))
    .returning({ id: credentialResetRequests.id });
  const [request] = await ctx.tx
    .insert(credentialResetRequests)
    .values({ accountId, kind, reason, requestedBy: actor.accountId, requestedAt: now, expiresAt: new Date(now.getTime() + RESET_REQUEST_TTL_MS), status: 'pending' })
    .onConflictDoNothing()
    .returning();
  const entry: JournalEvent = { type: ASKED[kind], target: { type: 'account', id: accountId }, unitId: account.unitId, reason };
  if (!request) {
    throw conflict('reset_already_requested', 'Đã có một yêu cầu đặt lại như vậy đang chờ phê duyệt cho tài khoản này.', 'A reset of this kind is already waiting for approval for this account.').recording({
      ...entry,
      outcome: 'refused',
      details: { reason: 'already_requested' },
    });
  }
  await record(ctx, { ...entry, details: { request: request.id, expiresAt: request.expiresAt.toISOString(), expiredRequests: expired.map((e) => e.id) } });
  return { request: presentRequest(ctx, (await loadRequest(ctx, request.id))!) };
}

/** The open requests in the units where the actor manages accounts (optionally of one account), oldest first. */
export async function listResetRequests(ctx: Ctx, query: { accountId?: string }) {
  const roots = scopeOf(requireActor(ctx), 'accounts.manage');
  if (roots.length === 0) return { items: [] };
  const filters: (SQL | undefined)[] = [
    or(...roots.map((root) => like(units.path, `${root}%`))),
    eq(credentialResetRequests.status, 'pending'),
    gt(credentialResetRequests.expiresAt, ctx.clock.now()),
    query.accountId ? eq(credentialResetRequests.accountId, query.accountId) : undefined,
  ];
  const rows = await requestSelect(ctx)
    .where(and(...filters))
    .orderBy(asc(credentialResetRequests.requestedAt));
  return { items: rows.map((row) => presentRequest(ctx, row)) };
}

/** A request one may not see answers 404 like a missing one; one already decided or expired, 409. */
async function openRequest(ctx: Ctx, id: string, action: 'approve' | 'refuse', refusal: (row: RequestRow, reason: string) => JournalEvent) {
  const actor = requireActor(ctx);
  const row = await loadRequest(ctx, id);
  const scope = row && scopeOfRow(ctx, row);
  if (!row || !scope || !resetRequestPolicy.can(actor, 'read', scope)) throw notFound();
  if (!scope.open) {
    throw conflict('reset_request_closed', 'Yêu cầu này đã hết hạn hoặc đã được xử lý: không có gì thay đổi.', 'This request has expired or was already decided: nothing changed.').recording(
      refusal(row, row.r.status === 'pending' ? 'expired' : row.r.status),
    );
  }
  if (!resetRequestPolicy.can(actor, action, scope)) {
    throw new AppError(
      403,
      'second_approver_required',
      'Người phê duyệt phải là một quản trị khác của đơn vị hoặc cấp trên, không phải người đã yêu cầu và không phải chủ tài khoản.',
      'The approver must be another administrator of the unit or above: neither the one who asked nor the account itself.',
    ).recording(refusal(row, 'second_approver_required'));
  }
  return { actor, row };
}

/** Claims the request for this decision: of two admins deciding at once, one wins and the other gets 409. */
async function claim(ctx: Ctx, id: string, decision: Partial<CredentialResetRow>) {
  const now = ctx.clock.now();
  const [claimed] = await ctx.tx
    .update(credentialResetRequests)
    .set({ ...decision, decidedAt: now })
    .where(and(eq(credentialResetRequests.id, id), eq(credentialResetRequests.status, 'pending'), gt(credentialResetRequests.expiresAt, now)))
    .returning({ id: credentialResetRequests.id });
  if (!claimed) throw conflict('reset_request_closed', 'Yêu cầu này đã hết hạn hoặc đã được xử lý: không có gì thay đổi.', 'This request has expired or was already decided: nothing changed.');
}

/**
 * The second admin approves: the reset takes effect now, the officer's sessions end, and the new one-time password
 * (for a password reset) is e-mailed to the officer or answered here, once, to the approver.
 */
export async function approveReset(ctx: Ctx, id: string) {
  const effect = (row: RequestRow, outcome: JournalEvent['outcome'], details: Record<string, unknown>): JournalEvent => ({
    type: RESET_TAKES_EFFECT[row.r.kind],
    outcome,
    target: { type: 'account', id: row.account.id },
    unitId: row.account.unitId,
    reason: row.r.reason,
    details: { request: row.r.id, requestedBy: row.r.requestedBy, ...details },
  });
  const { actor, row } = await openRequest(ctx, id, 'approve', (r, reason) => effect(r, 'refused', { reason }));
  const { r, account } = row;
  const delivery = r.kind === 'password' ? deliveryFor(ctx, account.email) : null;
  await claim(ctx, id, { status: 'approved', decidedBy: actor.accountId, delivery });
  let oneTimePassword: string | null = null;
  if (r.kind === 'password') {
    oneTimePassword = generateOneTimePassword();
    await storePassword(ctx, account.id, await hashPassword(oneTimePassword), true);
  } else {
    await ctx.tx.update(accounts).set({ otpSecret: null, otpEnabledAt: null, otpLastStep: null }).where(eq(accounts.id, account.id));
    await ctx.tx.delete(recoveryCodes).where(eq(recoveryCodes.accountId, account.id));
  }
  const sessionsEnded = await endAccountSessions(ctx, account.id, 'credentials_reset');
  await record(ctx, effect(row, 'success', { approvedBy: actor.accountId, delivery, sessionsEnded }));
  if (oneTimePassword && delivery === 'email') {
    try {
      await mailOneTimePassword(ctx.config, {
        to: { name: account.fullName, address: account.email },
        username: account.username,
        oneTimePassword,
        requestedBy: `${row.requester.fullName} (${row.requester.username})`,
        approvedBy: actor.username,
      });
    } catch {
      throw new AppError(
        502,
        'reset_mail_not_sent',
        'Không gửi được thư chứa mật khẩu mới tới cán bộ: chưa có gì thay đổi, yêu cầu vẫn chờ phê duyệt. Hãy thử lại sau.',
        'The e-mail with the new password could not be sent: nothing changed and the request still waits. Try again later.',
      ).recording(effect(row, 'failure', { reason: 'mail_not_sent' }));
    }
    oneTimePassword = null;
  }
  return { request: presentRequest(ctx, (await loadRequest(ctx, id))!), oneTimePassword };
}

/** Any admin who sees the request may refuse it, the requester too: nothing changes on the account. */
export async function refuseReset(ctx: Ctx, id: string, reason: string) {
  const refused = (row: RequestRow, outcome: JournalEvent['outcome'], details: Record<string, unknown>): JournalEvent => ({
    type: 'account.reset_request_refuse',
    outcome,
    target: { type: 'account', id: row.account.id },
    unitId: row.account.unitId,
    reason,
    details: { request: row.r.id, kind: row.r.kind, requestedBy: row.r.requestedBy, ...details },
  });
  const { actor, row } = await openRequest(ctx, id, 'refuse', (r, why) => refused(r, 'refused', { reason: why }));
  await claim(ctx, id, { status: 'refused', decidedBy: actor.accountId, decisionReason: reason });
  await record(ctx, refused(row, 'success', {}));
  return { request: presentRequest(ctx, (await loadRequest(ctx, id))!) };
}
