import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasPermission, type Actor } from '../../authz/actor.ts';
import { PERMISSIONS, type Permission } from '../../authz/roles.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, forbidden } from '../../platform/errors.ts';
import { record, type JournalEvent } from '../journal/index.ts';
import { loadActor } from '../accounts/index.ts';
import { authenticateClient, type IntegrationClient } from '../registry/index.ts';
import { type SessionRow, lacksRequiredOtp, checkToken, endForMissingOtp } from '../sessions/index.ts';

/**
 * What a route requires, declared on every /api route (deny by default: a route without one is refused at
 * start-up): `public`; `pending` (a session at any sign-in step); `signedIn` (fully signed in); or a permission
 * the officer must hold somewhere (the service then checks the record's unit); or `integration`: another
 * provincial system with its own key (R35), no session.
 */
export type Access = 'public' | 'pending' | 'signedIn' | 'integration' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    session: SessionRow | null;
    actor: Actor | null;
    integrationClient: IntegrationClient | null;
  }
}

export const SESSION_COOKIE = 'motcua_session';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const sessionRequired = (reason: 'missing' | 'expired' | 'idle' | 'otp_required') =>
  reason === 'idle'
    ? new AppError(401, 'session_idle_locked', 'Phiên làm việc đã khóa do không hoạt động quá thời gian quy định. Vui lòng đăng nhập lại.', 'The session locked after inactivity. Please sign in again.')
    : reason === 'otp_required'
      ? new AppError(401, 'otp_required', 'Vai trò của tài khoản nay yêu cầu mã xác thực một lần. Vui lòng đăng nhập lại để đăng ký mã.', 'The account’s roles now require a one-time code. Sign in again to enroll one.')
      : new AppError(401, 'not_signed_in', 'Vui lòng đăng nhập.', 'Please sign in.');

export interface AuthPluginOptions {
  /** Runs a function in a transaction with a Ctx built from the request. */
  inTx: <T>(req: FastifyRequest, fn: (ctx: Ctx) => Promise<T>) => Promise<T>;
}

export const authPlugin = fp<AuthPluginOptions>(
  async (app: FastifyInstance, { inTx }) => {
    app.decorateRequest('session', null);
    app.decorateRequest('actor', null);
    app.decorateRequest('integrationClient', null);

    app.addHook('onRoute', (route) => {
      if (!route.url.startsWith('/api/')) return;
      // The documentation routes belong to @fastify/swagger-ui; the spec itself is public like the code.
      if (route.url.startsWith('/api/docs')) {
        route.config = { ...route.config, access: 'public' };
        return;
      }
      const access = route.config?.access;
      const known = access === 'public' || access === 'pending' || access === 'signedIn' || access === 'integration' || (PERMISSIONS as readonly string[]).includes(access ?? '');
      if (!known) throw new Error(`Route ${route.method} ${route.url} declares no access rule (deny by default)`);
    });

    app.addHook('preValidation', async (req: FastifyRequest, reply: FastifyReply) => {
      const access = req.routeOptions.config.access;
      if (!access) return;
      if (UNSAFE.has(req.method)) checkOrigin(req, app);
      if (access === 'public') return;
      if (access === 'integration') {
        req.integrationClient = await inTx(req, (ctx) => authenticateClient(ctx.tx, req.headers.authorization));
        if (!req.integrationClient) throw new AppError(401, 'integration_key_invalid', 'Khóa kết nối không hợp lệ hoặc đã bị thu hồi.', 'The integration key is invalid or revoked.');
        return;
      }
      const token = req.cookies[SESSION_COOKIE];
      // one transaction for the session and the officer it belongs to
      const { check, actor } = await inTx(req, async (ctx) => {
        const check = await checkToken(ctx, token);
        if (!check.ok) return { check, actor: undefined };
        const actor = await loadActor(ctx.tx, check.session.accountId);
        // Defence in depth: granting such a role ends these sessions already (accounts.service insertGrant).
        if (actor && check.session.stage === 'full' && lacksRequiredOtp(check.session, actor.grants)) {
          await endForMissingOtp(ctx, check.session);
          return { check: { ok: false, reason: 'otp_required' } as const, actor: undefined };
        }
        return { check, actor };
      });
      if (!check.ok) {
        if (token) reply.clearCookie(SESSION_COOKIE, { path: '/' });
        throw sessionRequired(check.reason);
      }
      req.session = check.session;
      if (UNSAFE.has(req.method)) {
        const sent = Buffer.from(String(req.headers['x-csrf-token'] ?? ''));
        const expected = Buffer.from(app.keys.csrfToken(check.session.id));
        if (sent.length !== expected.length || !crypto.timingSafeEqual(sent, expected)) {
          throw new AppError(403, 'csrf', 'Yêu cầu không hợp lệ (CSRF). Tải lại trang rồi thử lại.', 'Invalid request (CSRF). Reload the page and try again.');
        }
      }
      if (access === 'pending') {
        req.actor = actor ?? null;
        return;
      }
      if (check.session.stage !== 'full') {
        throw new AppError(403, 'sign_in_incomplete', 'Hãy hoàn tất các bước đăng nhập (đổi mật khẩu, mã xác thực) trước.', 'Finish signing in (password change, one-time code) first.', { stage: check.session.stage });
      }
      if (!actor) throw sessionRequired('missing');
      req.actor = actor;
      if (access !== 'signedIn' && !hasPermission(actor, access)) {
        const refused = forbidden();
        await inTx(req, (ctx) => record(ctx, refusedRequest(req, refused)!));
        throw refused;
      }
    });
  },
  { name: 'motcua-auth' },
);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * R14: the journal entry of a 403 or 404 answered to a signed-in caller (an officer or an integration key), so that
 * repeated attempts beyond one's authority are seen wherever they are made; null for anyone else, whose refusals a
 * scanner could multiply into the append-only journal at no cost. The route's template, never the URL: a query may
 * carry a personal ID. The `:id` only when it is a UUID: other ids (sessions) are secrets the journal keeps hashed.
 */
export function refusedRequest(req: FastifyRequest, err: AppError): JournalEvent | null {
  if ((err.statusCode !== 403 && err.statusCode !== 404) || !(req.actor || req.integrationClient)) return null;
  const id = (req.params as Record<string, unknown> | undefined)?.id;
  return {
    type: 'request.refused',
    outcome: 'refused',
    reason: err.code,
    // which kind of record the route names is the route's own knowledge: the id is enough to find the attempts on it
    target: typeof id === 'string' && UUID.test(id) ? { type: 'unknown', id } : undefined,
    details: { method: req.method, route: req.routeOptions.url, status: err.statusCode, ...(req.integrationClient ? { client: req.integrationClient.id } : {}) },
  };
}

/** A cross-site form or script cannot send a state-changing request: the Origin, when sent, must be ours. */
function checkOrigin(req: FastifyRequest, app: FastifyInstance) {
  const origin = req.headers.origin;
  if (!origin) return;
  const own = [new URL(app.config.publicUrl).origin, `${req.protocol}://${req.host}`];
  if (!own.includes(origin)) {
    throw new AppError(403, 'csrf', 'Yêu cầu từ trang khác bị từ chối.', 'Cross-site request refused.');
  }
}

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean) {
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, secure, sameSite: 'strict' });
}
