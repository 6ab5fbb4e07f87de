import { eq } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.ts';
import { loginThrottle } from './auth.tables.ts';

export type ThrottleRefusal = { refused: 'locked' | 'slow_down'; retryAfterSeconds: number };

interface Budget {
  /** failures allowed in the window before the key is locked */
  limit: number;
  windowMs: number;
  lockMs: number;
  /** after this many failures each further attempt waits 1 s, 2 s, 4 s … */
  slowAfter: number;
}

/**
 * Takes one attempt from each key's budget *before* the secret is checked, under a row lock, so a burst of
 * concurrent guesses cannot be checked more often than the budget allows. A success gives the attempt back.
 */
export async function reserveAttempt(ctx: Ctx, keys: { key: string; budget: Budget }[]): Promise<ThrottleRefusal | null> {
  const now = ctx.clock.now();
  const rows = [];
  for (const { key } of keys) {
    await ctx.tx.insert(loginThrottle).values({ key, failures: 0, windowStart: now, nextAttemptAt: now }).onConflictDoNothing();
    const [row] = await ctx.tx.select().from(loginThrottle).where(eq(loginThrottle.key, key)).for('update');
    rows.push(row!);
  }
  for (const [i, row] of rows.entries()) {
    const { budget } = keys[i]!;
    if (row.lockedUntil && row.lockedUntil > now) {
      return { refused: 'locked', retryAfterSeconds: Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000) };
    }
    if (row.nextAttemptAt > now) {
      return { refused: 'slow_down', retryAfterSeconds: Math.ceil((row.nextAttemptAt.getTime() - now.getTime()) / 1000) };
    }
    if (row.windowStart.getTime() + budget.windowMs <= now.getTime() || (row.lockedUntil && row.lockedUntil <= now)) {
      row.failures = 0;
      row.windowStart = now;
    }
  }
  for (const [i, row] of rows.entries()) {
    const { budget } = keys[i]!;
    const failures = row.failures + 1;
    const delayMs = failures > budget.slowAfter ? 1000 * 2 ** (failures - budget.slowAfter - 1) : 0;
    await ctx.tx
      .update(loginThrottle)
      .set({
        failures,
        windowStart: row.windowStart,
        nextAttemptAt: new Date(now.getTime() + delayMs),
        lockedUntil: failures >= budget.limit ? new Date(now.getTime() + budget.lockMs) : null,
      })
      .where(eq(loginThrottle.key, row.key));
  }
  return null;
}

/** The attempt succeeded: the key's failures are forgotten. */
export async function forgiveAttempts(ctx: Ctx, key: string): Promise<void> {
  await ctx.tx.delete(loginThrottle).where(eq(loginThrottle.key, key));
}

/** The attempt succeeded: the one reserved for it is given back; failures of other attempts from the key stay. */
export async function returnAttempt(ctx: Ctx, key: string, budget: Budget): Promise<void> {
  const [row] = await ctx.tx.select().from(loginThrottle).where(eq(loginThrottle.key, key)).for('update');
  if (!row) return;
  const failures = Math.max(0, row.failures - 1);
  await ctx.tx
    .update(loginThrottle)
    .set({ failures, lockedUntil: failures >= budget.limit ? row.lockedUntil : null })
    .where(eq(loginThrottle.key, key));
}

export async function failuresOf(ctx: Ctx, key: string): Promise<number> {
  const [row] = await ctx.tx.select({ failures: loginThrottle.failures }).from(loginThrottle).where(eq(loginThrottle.key, key));
  return row?.failures ?? 0;
}

export function accountBudget(ctx: Ctx): Budget {
  const { threshold, durationMs } = ctx.config.lockout;
  return { limit: threshold, windowMs: durationMs, lockMs: durationMs, slowAfter: Math.max(1, threshold - 3) };
}

export function addressBudget(ctx: Ctx): Budget {
  const { addressLimit, durationMs } = ctx.config.lockout;
  return { limit: addressLimit, windowMs: durationMs, lockMs: durationMs, slowAfter: addressLimit };
}

