import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Executor } from '../../platform/db.ts';
import { readView } from '../../platform/views.ts';
import { accounts, recoveryCodes, roleGrants } from './accounts.tables.ts';

/** The account's status, its row locked so that a leave or a lock committed meanwhile is seen, not undone. */
export async function statusForUpdate(tx: Executor, accountId: string) {
  const [row] = await tx.select({ status: accounts.status, statusReason: accounts.statusReason }).from(accounts).where(eq(accounts.id, accountId)).for('update');
  if (!row) throw new Error(`no account ${accountId}`);
  return row;
}

export async function reactivateAccount(tx: Executor, accountId: string, reason: string, at: Date) {
  await tx.update(accounts).set({ status: 'active', statusReason: reason, statusChangedAt: at }).where(eq(accounts.id, accountId));
}

export async function markSignedIn(tx: Executor, accountId: string, at: Date) {
  await tx.update(accounts).set({ lastSignInAt: at }).where(eq(accounts.id, accountId));
}

/** R04: a TOTP step is accepted once: the compare-and-set holds even against concurrent requests with the same code. */
export async function acceptOtpStep(tx: Executor, accountId: string, step: number): Promise<boolean> {
  const won = await tx
    .update(accounts)
    .set({ otpLastStep: step })
    .where(and(eq(accounts.id, accountId), or(isNull(accounts.otpLastStep), lt(accounts.otpLastStep, step))))
    .returning({ id: accounts.id });
  return won.length === 1;
}

/** A recovery code is spent once. */
export async function useRecoveryCode(tx: Executor, accountId: string, codeHash: string, at: Date): Promise<boolean> {
  const used = await tx
    .update(recoveryCodes)
    .set({ usedAt: at })
    .where(and(eq(recoveryCodes.accountId, accountId), eq(recoveryCodes.codeHash, codeHash), isNull(recoveryCodes.usedAt)))
    .returning({ accountId: recoveryCodes.accountId });
  return used.length === 1;
}

/** Enrollment starts over with a new sealed seed: not enabled until a code from it is confirmed. */
export async function storeOtpSeed(tx: Executor, accountId: string, sealedSeed: string) {
  await tx.update(accounts).set({ otpSecret: sealedSeed, otpEnabledAt: null, otpLastStep: null }).where(eq(accounts.id, accountId));
}

/** Enrollment confirmed: the code's step is spent and a new set of recovery codes replaces the old. */
export async function enableOtp(tx: Executor, accountId: string, at: Date, step: number, recoveryCodeHashes: string[]) {
  await tx.update(accounts).set({ otpEnabledAt: at, otpLastStep: step }).where(eq(accounts.id, accountId));
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.accountId, accountId));
  await tx.insert(recoveryCodes).values(recoveryCodeHashes.map((codeHash) => ({ accountId, codeHash })));
}

/** Officers as other modules join them: never the password hash, the OTP seed or its last step. */
export const officersView = readView(accounts, {
  id: accounts.id, username: accounts.username, personalId: accounts.personalId, fullName: accounts.fullName, position: accounts.position,
  email: accounts.email, phone: accounts.phone, unitId: accounts.unitId, status: accounts.status, lastSignInAt: accounts.lastSignInAt,
});

/** Role grants as other modules join them (who holds what, where). */
export const grantsView = readView(roleGrants, { id: roleGrants.id, accountId: roleGrants.accountId, role: roleGrants.role, unitId: roleGrants.unitId, grantedAt: roleGrants.grantedAt });
