import { and, desc, eq, gt, gte, isNotNull, isNull, ne, or } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { constantTimeEqual, randomToken, sha256 } from '../../platform/crypto.ts';
import { record } from '../journal/journal.service.ts';
import { sessions, type SessionRow, type SessionStage } from './auth.tables.ts';

export type EndReason = 'sign_out' | 'idle' | 'ended_by_owner' | 'ended_by_admin' | 'transfer' | 'leave' | 'locked' | 'password_changed' | 'credentials_reset' | 'replaced';

/** A token is `id.secret`: the id finds the row, only SHA-256(secret) is stored and compared in constant time. */
function newToken() {
  const id = randomToken(15);
  const secret = randomToken(24);
  return { id, secretHash: sha256(secret), token: `${id}.${secret}` };
}

export type SessionCheck = { ok: true; session: SessionRow } | { ok: false; reason: 'missing' | 'expired' | 'idle' };

/** Finds the live session of a token and marks it active; an idle one is ended now (R17, R48) and reported as such. */
export async function checkToken(ctx: Pick<Ctx, 'tx' | 'clock' | 'config'>, token: string | undefined): Promise<SessionCheck> {
  const [id, secret] = (token ?? '').split('.');
  if (!id || !secret) return { ok: false, reason: 'missing' };
  const [session] = await ctx.tx.select().from(sessions).where(and(eq(sessions.id, id), isNull(sessions.endedAt)));
  if (!session || !constantTimeEqual(session.secretHash, sha256(secret))) return { ok: false, reason: 'missing' };
  const now = ctx.clock.now();
  if (session.expiresAt <= now) {
    await ctx.tx.update(sessions).set({ endedAt: now, endReason: 'expired' }).where(eq(sessions.id, id));
    return { ok: false, reason: 'expired' };
  }
  if (session.lastSeenAt.getTime() + ctx.config.session.idleMs <= now.getTime()) {
    await ctx.tx.update(sessions).set({ endedAt: now, endReason: 'idle' }).where(eq(sessions.id, id));
    return { ok: false, reason: 'idle' };
  }
  // Every request is activity: the idle clock starts again. Written at most every few seconds (a twentieth of the
  // idle limit, 5 s at most), so a burst of requests does not rewrite the row each time.
  if (now.getTime() - session.lastSeenAt.getTime() >= Math.min(5000, ctx.config.session.idleMs / 20)) {
    await ctx.tx.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, id));
    session.lastSeenAt = now;
  }
  return { ok: true, session };
}

export async function createSession(ctx: Ctx, accountId: string, stage: SessionStage): Promise<{ token: string; session: SessionRow }> {
  const now = ctx.clock.now();
  const { id, secretHash, token } = newToken();
  const [session] = await ctx.tx
    .insert(sessions)
    .values({
      id,
      secretHash,
      accountId,
      stage,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + ctx.config.session.absoluteMs),
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    })
    .returning();
  if (stage === 'full') await flagConcurrent(ctx, session!);
  return { token, session: session! };
}

/**
 * Each step of sign-in issues a new token and the old one stops working, so a token obtained before
 * sign-in (fixation) or at a weaker stage is worth nothing afterwards.
 */
export async function advanceSession(ctx: Ctx, session: SessionRow, stage: SessionStage): Promise<{ token: string; session: SessionRow }> {
  const { id, secretHash, token } = newToken();
  const now = ctx.clock.now();
  const [updated] = await ctx.tx
    .update(sessions)
    .set({ id, secretHash, stage, lastSeenAt: now })
    .where(eq(sessions.id, session.id))
    .returning();
  if (stage === 'full') await flagConcurrent(ctx, updated!);
  return { token, session: updated! };
}

/** R16: another live, fully signed-in session of the account from another device suggests a shared account. */
async function flagConcurrent(ctx: Ctx, session: SessionRow): Promise<void> {
  const liveSince = new Date(ctx.clock.now().getTime() - ctx.config.session.idleMs);
  const [other] = await ctx.tx
    .select()
    .from(sessions)
    .where(
      and(
        eq(sessions.accountId, session.accountId),
        ne(sessions.id, session.id),
        eq(sessions.stage, 'full'),
        isNull(sessions.endedAt),
        gt(sessions.lastSeenAt, liveSince),
        or(ne(sessions.ip, session.ip), ne(sessions.userAgent, session.userAgent)),
      ),
    )
    .limit(1);
  if (!other) return;
  await ctx.tx.update(sessions).set({ concurrentWith: other.id }).where(eq(sessions.id, session.id));
  session.concurrentWith = other.id;
  await record(ctx, {
    type: 'session.concurrent',
    actorAccountId: session.accountId,
    target: { type: 'account', id: session.accountId },
    details: { sessionId: session.id, otherSessionId: other.id, otherIp: other.ip, ip: session.ip },
  });
}

export async function endSession(ctx: Ctx, sessionId: string, reason: EndReason): Promise<SessionRow | undefined> {
  const [ended] = await ctx.tx
    .update(sessions)
    .set({ endedAt: ctx.clock.now(), endReason: reason })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.endedAt)))
    .returning();
  return ended;
}

/** Ends every live session of an account (transfer, leave, lock, reset), optionally but one. */
export async function endAccountSessions(ctx: Ctx, accountId: string, reason: EndReason, exceptId?: string): Promise<number> {
  const ended = await ctx.tx
    .update(sessions)
    .set({ endedAt: ctx.clock.now(), endReason: reason })
    .where(and(eq(sessions.accountId, accountId), isNull(sessions.endedAt), exceptId ? ne(sessions.id, exceptId) : undefined))
    .returning({ id: sessions.id });
  return ended.length;
}

export async function findSession(tx: Executor, id: string): Promise<SessionRow | undefined> {
  const [session] = await tx.select().from(sessions).where(eq(sessions.id, id));
  return session;
}

/** Live sessions of an account, newest first. */
export async function liveSessions(ctx: Pick<Ctx, 'tx' | 'clock' | 'config'>, accountId: string): Promise<SessionRow[]> {
  const now = ctx.clock.now();
  const liveSince = new Date(now.getTime() - ctx.config.session.idleMs);
  return ctx.tx
    .select()
    .from(sessions)
    .where(and(eq(sessions.accountId, accountId), isNull(sessions.endedAt), gt(sessions.expiresAt, now), gt(sessions.lastSeenAt, liveSince)))
    .orderBy(desc(sessions.createdAt));
}

/** Sessions that began while another device used the same account (R16), newest first. */
export async function concurrentSessionsSince(tx: Executor, since: Date): Promise<SessionRow[]> {
  return tx
    .select()
    .from(sessions)
    .where(and(isNotNull(sessions.concurrentWith), gte(sessions.createdAt, since)))
    .orderBy(desc(sessions.createdAt))
    .limit(500);
}

export function presentSession(s: SessionRow, currentId: string | null, idleMs: number) {
  return {
    id: s.id,
    stage: s.stage,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    idleExpiresAt: new Date(s.lastSeenAt.getTime() + idleMs).toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    ip: s.ip,
    userAgent: s.userAgent,
    current: s.id === currentId,
    concurrent: s.concurrentWith !== null,
  };
}
