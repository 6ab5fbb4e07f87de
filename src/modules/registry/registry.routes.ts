import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBody, errorResponses, idParams, noContent, reasonBody } from '../../platform/schemas.ts';
import { notFound } from '../../platform/errors.ts';
import { lookupRefusal } from './registry.policy.ts';
import { NPD_FIELD_NAMES } from '../procedures/index.ts';
import { connectionStatus, currentConnection, setConnection } from './connection.service.ts';
import { createClient, listClients, revokeClient } from './integrations.service.ts';
import { dossierLookups, lookUp, lookupDossier } from './lookups.service.ts';
import { reconcile } from './reconcile.ts';
import { activeSuspension, liftSuspension, listSuspensions, suspendLookups, upstreamState } from './suspensions.service.ts';
import { connectionBody, integrationBody, NO_FIELDS, reconciliationPeriod, suspendBody } from '../../../common/schemas/npd.ts';
import { connection, integrationClient, lookupBody, lookupFailures, lookupResult, person, SUSPENSION_SCOPES, suspension, UNANSWERED_EXPLANATIONS } from './registry.schemas.ts';

/** Issue 5: the NPD gateway (lookups, connection, kill switch, reconciliation, integration keys). Thin: services decide. */
export const registryRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/api/dossiers/:id/lookups', {
    config: { access: 'npd.lookup' },
    schema: {
      tags: ['npd'],
      summary: 'Look up a citizen named in this open dossier in the National Population Database (R01, R13, R24, R36)',
      description:
        'Refused (and journaled) unless the dossier is open and the officer holds it at its stage as its procedure version says (by default the reception officers of its desk while it is received, ' +
        'the officer it is assigned to while it is processed), the citizen is its applicant or a related person, the procedure declares the service, ' +
        'lookups are not suspended for the officer, their unit or the units holding the dossier, and the limits allow. The lookup is recorded before the NPD is called; only the declared fields are returned, nothing is stored.',
      params: idParams,
      body: lookupBody,
      response: { 200: lookupResult, ...errorResponses, ...lookupFailures },
    },
  }, async (req) => lookUp(app.transactions(req), app.npd, { kind: 'officer', actor: req.actor! }, { dossier: { id: req.params.id }, ...req.body }));

  app.get('/api/dossiers/:id/lookups', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['npd'],
      summary: 'The lookups made for a dossier (who, when, outcome, which fields; never the values) and whether the viewer may look up',
      params: idParams,
      response: {
        200: z.object({
          mayLookUp: z.boolean(),
          purpose: z.string(),
          fields: z.array(z.string()).describe('the NPD fields the procedure version declares'),
          items: z.array(
            z.object({
              id: z.string(),
              service: z.string(),
              subject: z.string(),
              startedAt: z.string(),
              completedAt: z.string().nullable(),
              outcome: z.string().nullable(),
              fieldsReturned: z.array(z.string()),
              by: person.nullable(),
              clientId: z.string().nullable(),
            }),
          ),
        }),
        ...errorResponses,
      },
    },
  }, async (req) =>
    app.inTx(req, async (ctx) => {
      const d = await lookupDossier(ctx, { id: req.params.id });
      const refused = d ? lookupRefusal({ kind: 'officer', actor: req.actor! }, d.lookupScope) : 'not_found';
      if (!d || refused === 'not_found') throw notFound();
      return { mayLookUp: refused === null, purpose: d.purpose, fields: d.npdFields, items: await dossierLookups(ctx, d.id) };
    }),
  );

  app.get('/api/npd/status', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['npd'],
      summary: 'Whether lookups work for the signed-in officer now: connection set, the ministry’s cut, a suspension that covers them (R43)',
      response: {
        200: z.object({
          configured: z.boolean(),
          disconnectedSince: z.string().nullable(),
          suspension: z.object({ scope: z.enum(SUSPENSION_SCOPES), reason: z.string(), unitName: z.string().nullable().describe('the suspended unit, for a unit-wide cut') }).nullable(),
        }),
        ...errorResponses,
      },
    },
  }, async (req) =>
    app.inTx(req, async (ctx) => {
      const upstream = await upstreamState(ctx);
      return {
        configured: (await currentConnection(ctx)) !== null,
        disconnectedSince: upstream.disconnectedAt?.toISOString() ?? null,
        suspension: await activeSuspension(ctx, { accountId: req.actor!.accountId, unitPaths: [req.actor!.unitPath] }),
      };
    }),
  );

  app.get('/api/npd/connection', {
    config: { access: 'npd.configure' },
    schema: {
      tags: ['npd'],
      summary: 'Who set the NPD connection, when, and its certificate’s fingerprint: never the settings themselves (R34)',
      response: { 200: z.object({ current: connection.nullable(), history: z.array(connection) }), ...errorResponses },
    },
  }, async (req) => app.inTx(req, connectionStatus));

  app.put('/api/npd/connection', {
    config: { access: 'npd.configure' },
    schema: {
      tags: ['npd'],
      summary: 'Set or rotate the NPD connection (write-only: it is sealed and never shown again, R34)',
      body: connectionBody,
      response: { 200: z.object({ current: connection.nullable(), history: z.array(connection) }), ...errorResponses },
    },
  }, async (req) => {
    const status = await app.inTx(req, (ctx) => setConnection(ctx, req.body));
    app.npd.forget();
    return status;
  });

  app.get('/api/npd/suspensions', {
    config: { access: 'npd.audit' },
    schema: {
      tags: ['npd'],
      summary: 'The kill switch: active and past suspensions of lookups, with who, when and why (R43), within the units the caller audits (and the system-wide ones)',
      response: {
        200: z.object({
          disconnectedSince: z.string().nullable(),
          items: z.array(suspension),
        }),
        ...errorResponses,
      },
    },
  }, async (req) => app.inTx(req, async (ctx) => ({ disconnectedSince: (await upstreamState(ctx)).disconnectedAt?.toISOString() ?? null, items: await listSuspensions(ctx) })));

  app.post('/api/npd/suspensions', {
    config: { access: 'npd.suspend' },
    schema: {
      tags: ['npd'],
      summary: 'Suspend lookups at once for the whole system, a unit subtree or an account, with a reason (R43)',
      body: suspendBody,
      response: { 200: z.object({ id: z.string() }), ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => suspendLookups(ctx, req.body)));

  app.post('/api/npd/suspensions/:id/lift', {
    config: { access: 'npd.suspend' },
    schema: { tags: ['npd'], summary: 'Let lookups resume, with a reason', params: idParams, body: reasonBody, response: { 204: noContent, ...errorResponses } },
  }, async (req, reply) => {
    await app.inTx(req, (ctx) => liftSuspension(ctx, req.params.id, req.body.reason));
    return reply.status(204).send(null);
  });

  app.get('/api/npd/reconciliation', {
    config: { access: 'npd.audit' },
    schema: {
      tags: ['npd'],
      summary: 'Match the NPD’s own log of our requests against our lookup records for a period (R35, R36)',
      querystring: reconciliationPeriod,
      response: {
        200: z.object({
          from: z.string(),
          to: z.string(),
          npdRequests: z.number(),
          records: z.number(),
          matched: z.number(),
          unrecorded: z.array(z.object({ at: z.string(), service: z.string(), requestId: z.string(), unitCode: z.string(), officer: z.string(), outcome: z.string() })).describe('requests the NPD received that the gateway never recorded'),
          unanswered: z.array(z.object({ id: z.string(), startedAt: z.string(), outcome: z.string().nullable(), explanation: z.enum(UNANSWERED_EXPLANATIONS) })),
        }),
        ...errorResponses,
        503: errorBody,
      },
    },
  }, async (req) => app.inTx(req, (ctx) => reconcile(ctx, app.npd, new Date(req.query.from), new Date(req.query.to))));

  app.get('/api/integrations', {
    config: { access: 'integrations.manage' },
    schema: { tags: ['npd'], summary: 'Other provincial systems allowed to call the gateway (R35)', response: { 200: z.object({ items: z.array(integrationClient) }), ...errorResponses } },
  }, async (req) => app.inTx(req, async (ctx) => ({ items: await listClients(ctx) })));

  app.post('/api/integrations', {
    config: { access: 'integrations.manage' },
    schema: {
      tags: ['npd'],
      summary: 'Give another provincial system its own key, for named procedures and fields in one unit subtree; the key is shown once',
      body: integrationBody.extend({ fields: z.array(z.enum(NPD_FIELD_NAMES)).min(1, NO_FIELDS).max(NPD_FIELD_NAMES.length) }),
      response: { 200: z.object({ id: z.string(), key: z.string().describe('shown once: only its hash is kept') }), ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => createClient(ctx, req.body)));

  app.post('/api/integrations/:id/revoke', {
    config: { access: 'integrations.manage' },
    schema: { tags: ['npd'], summary: 'Revoke an integration key at once', params: idParams, body: reasonBody, response: { 204: noContent, ...errorResponses } },
  }, async (req, reply) => {
    await app.inTx(req, (ctx) => revokeClient(ctx, req.params.id, req.body.reason));
    return reply.status(204).send(null);
  });

  app.post('/api/integration/v1/lookups', {
    config: { access: 'integration' },
    schema: {
      tags: ['npd'],
      summary: 'For another provincial system, with its own key (Authorization: Bearer mck_…): a lookup bound to an open dossier, like an officer’s (R35)',
      body: lookupBody.extend({ dossierCode: z.string().trim().min(5).max(120) }),
      response: { 200: lookupResult, ...errorResponses, ...lookupFailures },
    },
  }, async (req) => {
    const { dossierCode, ...rest } = req.body;
    return lookUp(app.transactions(req), app.npd, { kind: 'client', client: req.integrationClient! }, { dossier: { code: dossierCode }, ...rest });
  });
};
