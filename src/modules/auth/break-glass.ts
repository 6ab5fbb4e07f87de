import { ROLES } from '../../authz/roles.ts';
import type { Ctx } from '../../platform/context.ts';
import { record } from '../journal/index.ts';
import { notifyHolders } from '../monitoring/index.ts';
import { findAccountByUsername, grantsOf, reactivateAccount, statusForUpdate, type AccountStatus } from '../accounts/index.ts';
import { otpKeyOf, userKeyOf } from './auth.service.ts';
import { failuresOf, forgiveAttempts } from './throttle.ts';

export interface BreakGlassInput {
  username: string;
  reason: string;
  /** Who ran the command on the server's machine: the journal names them, since no account is signed in. */
  osUser: string;
  host: string;
}

export type BreakGlassResult =
  | { outcome: 'unlocked'; username: string; fullName: string; roles: string[]; previousStatus: AccountStatus; failuresCleared: number; securityOfficersNotified: number }
  | { outcome: 'already_active'; username: string }
  | { outcome: 'departed'; username: string }
  | { outcome: 'unknown_username'; username: string };

export const BREAK_GLASS_EVENT = 'account.break_glass_unlock';

/** A lockout by failed attempts is lifted with the status, or the officer stays locked out for the rest of the window. */
const throttleKeys = (account: { id: string; username: string }) => [userKeyOf(account.username), otpKeyOf(account.id)];

/**
 * Issue 13 item 12: the dormant lock (R06) can lock the only system administrator, and only a system administrator
 * unlocks. Whoever can run commands on the server's machine already holds the database, so the command adds no
 * power; what it must add is visibility: its own journal type with the operating-system user and host, and a
 * notification to the security officers over the account's unit. A departed account is never reactivated (R18).
 */
export async function breakGlassUnlock(ctx: Ctx, input: BreakGlassInput): Promise<BreakGlassResult> {
  const reason = input.reason.trim();
  if (reason.length < 10 || reason.length > 500) {
    throw new Error('Lý do (--reason) phải dài từ 10 đến 500 ký tự. / The reason (--reason) must be 10 to 500 characters.');
  }
  const operator = { osUser: input.osUser, host: input.host };
  const found = await findAccountByUsername(ctx.tx, input.username);
  if (!found) {
    await record(ctx, { type: BREAK_GLASS_EVENT, outcome: 'refused', reason, details: { refusal: 'unknown_username', username: input.username, ...operator } });
    return { outcome: 'unknown_username', username: input.username };
  }
  // the row is locked so that a leave or a lock committed meanwhile (PostgreSQL, server running) is seen, not undone
  const current = await statusForUpdate(ctx.tx, found.id);
  const target = { type: 'account', id: found.id };
  if (current.status === 'left') {
    await record(ctx, { type: BREAK_GLASS_EVENT, outcome: 'refused', target, unitId: found.unitId, reason, details: { refusal: 'departed', ...operator } });
    return { outcome: 'departed', username: found.username };
  }
  let failuresCleared = 0;
  for (const key of throttleKeys(found)) {
    const failures = await failuresOf(ctx, key);
    if (failures === 0) continue;
    failuresCleared += failures;
    await forgiveAttempts(ctx, key);
  }
  if (current.status === 'active' && failuresCleared === 0) return { outcome: 'already_active', username: found.username };

  await reactivateAccount(ctx.tx, found.id, reason, ctx.clock.now());
  const roles = [...new Set((await grantsOf(ctx.tx, found.id)).map((g) => g.role))];
  const rolesVi = roles.map((r) => ROLES[r].nameVi).join(', ') || 'không có vai trò';
  const rolesEn = roles.map((r) => ROLES[r].nameEn).join(', ') || 'no role';
  const notified = await notifyHolders(ctx, 'monitoring.triage', found.unitPath, {
    kind: 'break_glass_unlock',
    target: { type: 'account', id: found.id },
    textVi: `[MỞ KHÓA KHẨN CẤP] Tài khoản ${found.username} (${found.fullName}; ${rolesVi}) được mở khóa bằng lệnh trên máy chủ ${operator.host}, người dùng hệ điều hành ${operator.osUser}. Lý do: ${reason}`,
    textEn: `[BREAK-GLASS UNLOCK] Account ${found.username} (${found.fullName}; ${rolesEn}) was unlocked by a command on the server ${operator.host}, operating-system user ${operator.osUser}. Reason: ${reason}`,
  });
  await record(ctx, {
    type: BREAK_GLASS_EVENT,
    target,
    unitId: found.unitId,
    reason,
    details: { ...operator, username: found.username, previousStatus: current.status, previousReason: current.statusReason, roles, failuresCleared, securityOfficersNotified: notified },
  });
  return { outcome: 'unlocked', username: found.username, fullName: found.fullName, roles, previousStatus: current.status, failuresCleared, securityOfficersNotified: notified };
}
