import { and, desc, eq, gt, gte, isNotNull, isNull, ne, or } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { constantTimeEqual, randomToken, sha256 } from '../../platform/crypto.ts';
import { record } from '../journal/index.ts';
import { sessions, type SessionRow, type SessionStage } from './sessions.tables.ts';

export type EndReason =
  | 'sign_out'
  | 'idle'
  | 'ended_by_owner'
  | 'ended_by_admin'
  | 'transfer'
  | 'leave'
  | 'locked'
  | 'password_changed'
  | 'credentials_reset'
  | 'replaced'
  | 'otp_required';

/** A token is `id.secret`: the id finds the row, only SHA-256(secret) is stored and compared in constant time. */
function newToken() {
  const id = randomToken(15);
  const secret = randomToken(24);
  return { id, secretHash: sha256(secret), token: `${id}.${secret}` };
}

/**
 * How the journal names a session: a keyed hash of its id, so that reading the journal names no session to act on
 * (issue 13). Keys.citizenDigest is the journal's keyed hash; the `session:` prefix keeps these apart from citizens'
 * digests, as `result:` does for result holders. Enough of it to tell sessions apart.
 */
export const sessionRef = (ctx: Pick<Ctx, 'keys'>, sessionId: string) => ctx.keys.citizenDigest(`session:${sessionId}`).slice(0, 32);

/** The unended session a token names, only if its secret matches (constant time): an id alone is worth nothing. */
async function unendedSessionOf(tx: Executor, token: string | undefined): Promise<SessionRow | undefined> {
  const [id, secret] = (token ?? '').split('.');
  if (!id || !secret) return undefined;
  const [session] = await tx.select().from(sessions).where(and(eq(sessions.id, id), isNull(sessions.endedAt)));
  return session && constantTimeEqual(session.secretHash, sha256(secret)) ? session : undefined;
}

export type SessionCheck = { ok: true; session: SessionRow } | { ok: false; reason: 'missing' | 'expired' | 'idle' };

/** Finds the live session of a token and marks it active; an idle one is ended now (R17, R48) and reported as such. */
export async function checkToken(ctx: Pick<Ctx, 'tx' | 'clock' | 'config'>, token: string | undefined): Promise<SessionCheck> {
  const session = await unendedSessionOf(ctx.tx, token);
  if (!session) return { ok: false, reason: 'missing' };
  const id = session.id;
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
export async function advanceSession(ctx: Ctx, session: SessionRow, stage: SessionStage, step: { otpPassed: boolean }): Promise<{ token: string; session: SessionRow }> {
  const { id, secretHash, token } = newToken();
  const now = ctx.clock.now();
  const [updated] = await ctx.tx
    .update(sessions)
    .set({ id, secretHash, stage, lastSeenAt: now, otpVerifiedAt: step.otpPassed ? now : session.otpVerifiedAt })
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
    details: { session: sessionRef(ctx, session.id), otherSession: sessionRef(ctx, other.id), otherIp: other.ip, ip: session.ip },
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

/**
 * Ends the session a token names, if the token is whole: signing in ends the session the browser held before, but
 * a cookie carrying someone else's session id without its secret ends nothing (issue 13).
 */
export async function endPresentedSession(ctx: Ctx, token: string, reason: EndReason): Promise<SessionRow | undefined> {
  const session = await unendedSessionOf(ctx.tx, token);
  return session && endSession(ctx, session.id, reason);
}

/** Ends the live sessions of an account that passed no one-time code (R04: a role that needs one was granted). */
export async function endSessionsWithoutOtp(ctx: Ctx, accountId: string): Promise<number> {
  const ended = await ctx.tx
    .update(sessions)
    .set({ endedAt: ctx.clock.now(), endReason: 'otp_required' })
    .where(and(eq(sessions.accountId, accountId), isNull(sessions.endedAt), isNull(sessions.otpVerifiedAt)))
    .returning({ id: sessions.id });
  return ended.length;
}

/** R04, at request time: a full session that passed no one-time code, for an account whose roles now need one, ends. */
export async function endForMissingOtp(ctx: Ctx, session: SessionRow): Promise<void> {
  await endSession(ctx, session.id, 'otp_required');
  await record(ctx, {
    type: 'session.end',
    actorAccountId: session.accountId,
    target: { type: 'account', id: session.accountId },
    details: { session: sessionRef(ctx, session.id), by: 'system', reason: 'otp_required' },
  });
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
