import { eq } from 'drizzle-orm';
import type { Executor } from '../../platform/db.ts';
import { accounts } from './accounts.tables.ts';

/** The account's status, its row locked so that a leave or a lock committed meanwhile is seen, not undone. */
export async function statusForUpdate(tx: Executor, accountId: string) {
  const [row] = await tx.select({ status: accounts.status, statusReason: accounts.statusReason }).from(accounts).where(eq(accounts.id, accountId)).for('update');
  if (!row) throw new Error(`no account ${accountId}`);
  return row;
}

export async function reactivateAccount(tx: Executor, accountId: string, reason: string, at: Date) {
  await tx.update(accounts).set({ status: 'active', statusReason: reason, statusChangedAt: at }).where(eq(accounts.id, accountId));
}
