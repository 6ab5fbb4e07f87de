import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLE_NAMES, ROLES } from '../../authz/roles.ts';
import { errorResponses, idParams, reasonBody } from '../../platform/schemas.ts';
import { grantRoleBody, issueAccountBody, updateAccountBody } from '../../../common/schemas/accounts.ts';
import { accountDetail, accountStatus, accountSummary, accountWithPassword, resetRequest, roleName } from './accounts.schemas.ts';
import * as accounts from './accounts.service.ts';
import * as resets from './credential-resets.service.ts';

export const accountRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/roles', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['accounts'],
      summary: 'The roles and the permissions they carry',
      response: { 200: z.object({ items: z.array(z.object({ role: roleName, nameVi: z.string(), nameEn: z.string(), permissions: z.array(z.string()), grantedBy: z.string() })) }), ...errorResponses },
    },
  }, async () => ({ items: ROLE_NAMES.map((r) => ({ role: r, ...ROLES[r], permissions: [...ROLES[r].permissions] })) }));

  app.get('/api/accounts', {
    config: { access: 'accounts.read' },
    schema: {
      tags: ['accounts'],
      summary: 'Accounts in the units one may read; `q` ignores diacritics',
      querystring: z.strictObject({
        q: z.string().trim().max(100).optional(),
        unitId: z.uuid().optional(),
        status: accountStatus.optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      response: { 200: z.object({ total: z.number(), items: z.array(accountSummary.extend({ roles: z.array(z.string()) })) }), ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => accounts.listAccounts(ctx, req.query)));

  app.post('/api/accounts', {
    config: { access: 'accounts.manage' },
    schema: {
      tags: ['accounts'],
      summary: 'Issue an account with a one-time password (shown once)',
      body: issueAccountBody,
      response: { 200: accountWithPassword, ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => accounts.issueAccount(ctx, req.body)));

  app.post('/api/accounts/require-password-change', {
    config: { access: 'accounts.manage' },
    schema: {
      tags: ['accounts'],
      summary: 'R45: every active account in one’s units must change its password at next sign-in',
      body: reasonBody,
      response: { 200: z.object({ accounts: z.number() }), ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => accounts.requirePasswordChangeAll(ctx, req.body.reason)));

  app.get('/api/accounts/sharing-signals', {
    config: { access: 'sessions.manage' },
    schema: {
      tags: ['accounts'],
      summary: 'R16: accounts signed in from two devices at once in the last 30 days (possible account sharing)',
      response: { 200: z.object({ items: z.array(z.object({ account: accountSummary, at: z.string(), ip: z.string(), userAgent: z.string() })) }), ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => accounts.listSharingSignals(ctx)));

  app.get('/api/accounts/:id', {
    config: { access: 'signedIn' },
    schema: { tags: ['accounts'], summary: 'One account, with what the caller may do to it', params: idParams, response: { 200: accountDetail, ...errorResponses } },
  }, async (req) => app.inTx(req, (ctx) => accounts.getAccount(ctx, req.params.id)));

  app.patch('/api/accounts/:id', {
    config: { access: 'accounts.manage' },
    schema: {
      tags: ['accounts'],
      summary: 'Edit an account’s contact details',
      params: idParams,
      body: updateAccountBody,
      response: { 200: accountDetail, ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => accounts.updateAccount(ctx, req.params.id, req.body)));

  const lifecycle = [
    ['lock', 'Lock an account (sessions end)', accounts.lockAccount],
    ['unlock', 'Unlock an account', accounts.unlockAccount],
    ['leave', 'The officer left: disable, revoke every role, end sessions', accounts.leaveAccount],
  ] as const;
  for (const [action, summaryText, act] of lifecycle) {
    app.post(`/api/accounts/:id/${action}`, {
      config: { access: 'accounts.manage' },
      schema: { tags: ['accounts'], summary: summaryText, params: idParams, body: reasonBody, response: { 200: accountDetail, ...errorResponses } },
    }, async (req) => app.inTx(req, (ctx) => act(ctx, req.params.id, req.body.reason)));
  }

  // Issue 13 (finding 4): a reset is only asked for here; another admin approves it below.
  const resetKinds = [
    ['reset-password', 'password', 'Ask for a new one-time password; it takes effect once another admin approves'],
    ['reset-otp', 'otp', 'Ask to clear the one-time-code enrollment (lost phone); it takes effect once another admin approves'],
  ] as const;
  for (const [action, kind, summaryText] of resetKinds) {
    app.post(`/api/accounts/:id/${action}`, {
      config: { access: 'accounts.manage' },
      schema: { tags: ['accounts'], summary: summaryText, params: idParams, body: reasonBody, response: { 200: z.object({ request: resetRequest }), ...errorResponses } },
    }, async (req) => app.inTx(req, (ctx) => resets.requestReset(ctx, req.params.id, kind, req.body.reason)));
  }

  app.get('/api/accounts/reset-requests', {
    config: { access: 'accounts.manage' },
    schema: {
      tags: ['accounts'],
      summary: 'Resets waiting for a second approver, in the units one manages',
      querystring: z.strictObject({ accountId: z.uuid().optional() }),
      response: { 200: z.object({ items: z.array(resetRequest) }), ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => resets.listResetRequests(ctx, req.query)));

  app.post('/api/accounts/reset-requests/:id/approve', {
    config: { access: 'accounts.manage' },
    schema: {
      tags: ['accounts'],
      summary: 'Approve another admin’s reset: it takes effect; a new password is e-mailed to the officer (SMTP) or shown here once',
      params: idParams,
      response: { 200: z.object({ request: resetRequest, oneTimePassword: z.string().nullable() }), ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => resets.approveReset(ctx, req.params.id)));

  app.post('/api/accounts/reset-requests/:id/refuse', {
    config: { access: 'accounts.manage' },
    schema: { tags: ['accounts'], summary: 'Refuse a reset request; nothing changes on the account', params: idParams, body: reasonBody, response: { 200: z.object({ request: resetRequest }), ...errorResponses } },
  }, async (req) => app.inTx(req, (ctx) => resets.refuseReset(ctx, req.params.id, req.body.reason)));

  app.post('/api/accounts/:id/transfer', {
    config: { access: 'accounts.manage' },
    schema: {
      tags: ['accounts'],
      summary: 'R18: move the officer to another unit one also administers; every role is revoked and sessions end at once',
      params: idParams,
      body: reasonBody.extend({ unitId: z.uuid() }),
      response: { 200: z.object({ account: accountDetail }), ...errorResponses },
    },
  }, async (req) => ({ account: await app.inTx(req, (ctx) => accounts.transferAccount(ctx, req.params.id, req.body)) }));

  app.post('/api/accounts/:id/roles', {
    config: { access: 'roles.grant' },
    schema: { tags: ['accounts'], summary: 'Grant a role at a unit', params: idParams, body: grantRoleBody.extend({ role: roleName }), response: { 200: accountDetail, ...errorResponses } },
  }, async (req) => app.inTx(req, (ctx) => accounts.grantRole(ctx, req.params.id, req.body as { role: keyof typeof ROLES; unitId: string })));

  app.delete('/api/accounts/:id/roles/:grantId', {
    config: { access: 'roles.grant' },
    schema: { tags: ['accounts'], summary: 'Revoke a role grant', params: z.strictObject({ id: z.uuid(), grantId: z.uuid() }), response: { 200: accountDetail, ...errorResponses } },
  }, async (req) => app.inTx(req, (ctx) => accounts.revokeRole(ctx, req.params.id, req.params.grantId)));
};
