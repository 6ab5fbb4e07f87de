import { hasPermission, hasRole, isWithin, type Actor } from '../../authz/actor.ts';
import { definePolicy } from '../../authz/policy.ts';
import { ROLES, type Role } from '../../authz/roles.ts';

/** What the policies need to know of an account: its unit's path. */
export interface AccountScope {
  id: string;
  unitPath: string;
  status: 'active' | 'locked' | 'left';
}

const manages = (actor: Actor, account: AccountScope) => hasPermission(actor, 'accounts.manage', account.unitPath);
const notSelf = (actor: Actor, account: AccountScope) => actor.accountId !== account.id;
const present = (account: AccountScope) => account.status !== 'left';

export const accountPolicy = definePolicy<AccountScope, 'update' | 'lock' | 'unlock' | 'transfer' | 'leave' | 'resetPassword' | 'resetOtp' | 'grantRoles' | 'endSessions'>({
  read: (actor, a) => actor.accountId === a.id || hasPermission(actor, 'accounts.read', a.unitPath),
  update: (actor, a) => present(a) && manages(actor, a),
  // Nobody locks, transfers, ends or re-grants themself: another admin must (separation of duties).
  lock: (actor, a) => a.status === 'active' && notSelf(actor, a) && manages(actor, a),
  unlock: (actor, a) => a.status === 'locked' && notSelf(actor, a) && manages(actor, a),
  transfer: (actor, a) => present(a) && notSelf(actor, a) && manages(actor, a),
  leave: (actor, a) => present(a) && notSelf(actor, a) && manages(actor, a),
  // Asking for a reset only: it takes effect once a second admin approves it (resetRequestPolicy).
  resetPassword: (actor, a) => present(a) && notSelf(actor, a) && manages(actor, a),
  resetOtp: (actor, a) => present(a) && notSelf(actor, a) && manages(actor, a),
  grantRoles: (actor, a) => present(a) && notSelf(actor, a) && hasPermission(actor, 'roles.grant', a.unitPath),
  endSessions: (actor, a) => actor.accountId === a.id || hasPermission(actor, 'sessions.manage', a.unitPath),
});

/**
 * R12, R18: a transfer places the account in the destination unit, so the actor must manage that unit too; a unit
 * admin cannot push an officer into another commune (issue 13). The unit tree is public: refused, not hidden (403).
 */
export function canTransferTo(actor: Actor, account: AccountScope, destinationPath: string): boolean {
  return accountPolicy.can(actor, 'transfer', account) && hasPermission(actor, 'accounts.manage', destinationPath);
}


/**
 * Whether the actor may grant (or revoke) `role` at a unit for an account: they hold the granting role over that
 * unit, and the unit is inside the account's own unit (R18: rights of one's duties), except for the roles only a
 * system administrator grants (police, contractors), which are not tied to where the account sits.
 */
export function canGrant(actor: Actor, account: AccountScope, role: Role, unitPath: string): boolean {
  const { grantedBy } = ROLES[role];
  const granterHolds = hasRole(actor, 'system_admin', unitPath) || (grantedBy === 'unit_admin' && hasRole(actor, 'unit_admin', unitPath));
  const placed = grantedBy === 'system_admin' || isWithin(unitPath, account.unitPath);
  return accountPolicy.can(actor, 'grantRoles', account) && granterHolds && placed;
}

/** Issue 13 (finding 4): how long a reset request waits for its second approver. */
export const RESET_REQUEST_TTL_MS = 24 * 60 * 60 * 1000;

/** A reset request as the policy sees it: the account's scope, who asked, and whether it still waits (pending, not expired). */
export interface ResetRequestScope {
  account: AccountScope;
  requestedBy: string;
  open: boolean;
}

/**
 * Issue 13 (finding 4): a password or one-time-code reset hands the account to whoever holds the new credentials, so
 * it needs two people. Those who manage the account's unit (the unit's admins and those above) see the request; any
 * of them approves it except the one who asked and the account itself. Refusing grants nothing, so any of them,
 * the requester included (a request made by mistake), may refuse.
 */
export const resetRequestPolicy = definePolicy<ResetRequestScope, 'approve' | 'refuse'>({
  read: (actor, r) => manages(actor, r.account),
  approve: (actor, r) => r.open && present(r.account) && actor.accountId !== r.requestedBy && notSelf(actor, r.account) && manages(actor, r.account),
  refuse: (actor, r) => r.open && manages(actor, r.account),
});
