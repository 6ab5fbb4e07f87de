import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PERMISSIONS, ROLES, otpRequired } from '../../authz/roles.ts';
import { changePasswordBody, otpCodeBody, secondFactorBody, setupBody, setupStatusBody, signInBody } from '../../../common/schemas/auth.ts';
import { errorResponses, noContent } from '../../platform/schemas.ts';
import { findAccountById, grantsOf, mayEndSessionsOf } from '../accounts/index.ts';
import { hasPermission } from '../../authz/actor.ts';
import { record } from '../journal/index.ts';
import { notFound } from '../../platform/errors.ts';
import { completeSetup, confirmOtpEnrollment, changeOwnPassword, setupStatus, signIn, startOtpEnrollment, verifySecondFactor } from './auth.service.ts';
import { SESSION_COOKIE, setSessionCookie } from './auth.plugin.ts';
import { endSession, findSession, liveSessions, presentSession, sessionRef, sessionSchema } from '../sessions/index.ts';

const stageBody = z.object({ stage: z.enum(['otp', 'password_change', 'otp_enrollment', 'full']) });

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const secure = app.config.secureCookies;

  app.post('/api/auth/sign-in', {
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Password step of sign-in',
      body: signInBody,
      response: { 200: stageBody, ...errorResponses },
    },
  }, async (req, reply) => {
    const { token, session } = await signIn(app.transactions(req), { ...req.body, previousToken: req.cookies[SESSION_COOKIE] ?? null });
    setSessionCookie(reply, token, secure);
    return { stage: session.stage };
  });

  app.post('/api/auth/otp', {
    config: { access: 'pending' },
    schema: {
      tags: ['auth'],
      summary: 'One-time code step: a TOTP code or a recovery code',
      body: secondFactorBody,
      response: { 200: stageBody, ...errorResponses },
    },
  }, async (req, reply) => {
    const { token, session } = await verifySecondFactor(app.transactions(req), req.session!, req.body);
    setSessionCookie(reply, token, secure);
    return { stage: session.stage };
  });

  app.post('/api/auth/password', {
    config: { access: 'pending' },
    schema: {
      tags: ['auth'],
      summary: 'Change one’s own password (required at first sign-in and on expiry)',
      body: changePasswordBody,
      response: { 200: stageBody, ...errorResponses },
    },
  }, async (req, reply) => {
    const { token, session } = await changeOwnPassword(app.transactions(req), req.session!, req.body);
    setSessionCookie(reply, token, secure);
    return { stage: session.stage };
  });

  app.post('/api/auth/otp/enrollment', {
    config: { access: 'pending' },
    schema: {
      tags: ['auth'],
      summary: 'Start TOTP enrollment: the key is shown this once',
      response: { 200: z.object({ secret: z.string(), uri: z.string(), qrSvg: z.string() }), ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => startOtpEnrollment(ctx, req.session!)));

  app.post('/api/auth/otp/enrollment/confirm', {
    config: { access: 'pending' },
    schema: {
      tags: ['auth'],
      summary: 'Confirm TOTP enrollment with a first code; returns ten single-use recovery codes',
      body: otpCodeBody,
      response: { 200: stageBody.extend({ recoveryCodes: z.array(z.string()) }), ...errorResponses },
    },
  }, async (req, reply) => {
    const { token, session, recoveryCodes } = await app.inTx(req, (ctx) => confirmOtpEnrollment(ctx, req.session!, req.body.code));
    setSessionCookie(reply, token, secure);
    return { stage: session.stage, recoveryCodes };
  });

  app.post('/api/auth/sign-out', {
    config: { access: 'pending' },
    schema: { tags: ['auth'], summary: 'End this session on the server', response: { 204: noContent, ...errorResponses } },
  }, async (req, reply) => {
    await app.inTx(req, async (ctx) => {
      await endSession(ctx, req.session!.id, 'sign_out');
      await record(ctx, { type: 'auth.sign_out', actorAccountId: req.session!.accountId });
    });
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send(null);
  });

  app.get('/api/auth/me', {
    config: { access: 'pending' },
    schema: {
      tags: ['auth'],
      summary: 'The signed-in officer, their sign-in step, permissions and session timing',
      response: {
        200: z.object({
          stage: stageBody.shape.stage,
          csrfToken: z.string(),
          idleTimeoutSeconds: z.number(),
          session: sessionSchema,
          account: z.object({
            id: z.string(),
            username: z.string(),
            fullName: z.string(),
            unit: z.object({ id: z.string(), code: z.string(), name: z.string() }),
            otpEnabled: z.boolean(),
            otpRequired: z.boolean(),
            passwordExpiresAt: z.string(),
          }),
          roles: z.array(z.object({ role: z.string(), nameVi: z.string(), nameEn: z.string(), unit: z.object({ id: z.string(), code: z.string(), name: z.string() }) })),
          permissions: z.array(z.string()),
        }),
        ...errorResponses,
      },
    },
  }, async (req) =>
    app.inTx(req, async (ctx) => {
      const session = req.session!;
      const account = (await findAccountById(ctx.tx, session.accountId))!;
      const grants = await grantsOf(ctx.tx, account.id);
      const full = session.stage === 'full' && req.actor;
      return {
        stage: session.stage,
        csrfToken: app.keys.csrfToken(session.id),
        idleTimeoutSeconds: app.config.session.idleMs / 1000,
        session: presentSession(session, session.id, app.config.session.idleMs),
        account: {
          id: account.id,
          username: account.username,
          fullName: account.fullName,
          unit: { id: account.unitId, code: account.unitCode, name: account.unitName },
          otpEnabled: account.otpEnabledAt !== null,
          otpRequired: otpRequired(grants),
          passwordExpiresAt: new Date(account.passwordChangedAt.getTime() + app.config.password.maxAgeMs).toISOString(),
        },
        roles: full ? grants.map((g) => ({ role: g.role, nameVi: ROLES[g.role].nameVi, nameEn: ROLES[g.role].nameEn, unit: { id: g.unitId, code: g.unitCode, name: g.unitName } })) : [],
        permissions: full ? PERMISSIONS.filter((p) => hasPermission(req.actor!, p)) : [],
      };
    }),
  );

  app.post('/api/auth/keepalive', {
    config: { access: 'signedIn' },
    schema: { tags: ['auth'], summary: 'The officer is still working: restart the idle clock', response: { 200: z.object({ idleExpiresAt: z.string() }), ...errorResponses } },
  }, async (req) => ({ idleExpiresAt: new Date(req.session!.lastSeenAt.getTime() + app.config.session.idleMs).toISOString() }));

  app.post('/api/setup/status', {
    config: { access: 'public' },
    schema: {
      tags: ['setup'],
      summary: 'Whether a first-start setup link is still valid',
      body: setupStatusBody,
      response: { 200: z.object({ valid: z.boolean(), province: z.object({ code: z.string(), name: z.string() }).nullable() }), ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => setupStatus(ctx, req.body.token)));

  app.post('/api/setup', {
    config: { access: 'public' },
    schema: {
      tags: ['setup'],
      summary: 'First start: the first system administrator chooses a password with the one-time setup link',
      body: setupBody,
      response: { 200: stageBody, ...errorResponses },
    },
  }, async (req, reply) => {
    const { token, session } = await app.inTx(req, (ctx) => completeSetup(ctx, req.body));
    setSessionCookie(reply, token, secure);
    return { stage: session.stage };
  });

  app.get('/api/sessions', {
    config: { access: 'signedIn' },
    schema: { tags: ['sessions'], summary: 'My live sessions', response: { 200: z.object({ items: z.array(sessionSchema) }), ...errorResponses } },
  }, async (req) =>
    app.inTx(req, async (ctx) => ({
      items: (await liveSessions(ctx, req.session!.accountId)).map((s) => presentSession(s, req.session!.id, app.config.session.idleMs)),
    })),
  );

  app.delete('/api/sessions/:id', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['sessions'],
      summary: 'End a session: one’s own, or (with sessions.manage) one of an account in one’s units',
      params: z.strictObject({ id: z.string().min(10).max(64) }),
      response: { 204: noContent, ...errorResponses },
    },
  }, async (req, reply) => {
    await app.inTx(req, async (ctx) => {
      const session = await findSession(ctx.tx, req.params.id);
      if (!session || session.endedAt) throw notFound();
      const own = session.accountId === req.actor!.accountId;
      // A session one may not end answers 404, exactly like a missing one.
      if (!(await mayEndSessionsOf(ctx, session.accountId))) throw notFound();
      await endSession(ctx, session.id, own ? 'ended_by_owner' : 'ended_by_admin');
      await record(ctx, { type: 'session.end', target: { type: 'account', id: session.accountId }, details: { session: sessionRef(ctx, session.id), by: own ? 'owner' : 'admin' } });
    });
    return reply.status(204).send(null);
  });
};

