import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../../platform/schemas.ts';
import { actOnDossier, getDossier, listDossiers, receiveDossier } from './dossiers.service.ts';
import { CHANNELS, DOSSIER_ACTIONS, DOSSIER_STATUSES } from '../../../common/dossier-workflow.ts';
import { dossierActionBody, newDossierBody } from '../../../common/schemas/dossiers.ts';

const named = z.object({ id: z.string(), name: z.string() });
const summary = z.object({
  id: z.string(),
  code: z.string(),
  status: z.enum(DOSSIER_STATUSES),
  channel: z.enum(CHANNELS),
  procedure: z.object({ code: z.string(), name: z.string(), version: z.number() }),
  applicant: z.object({ personalId: z.string(), fullName: z.string() }),
  desk: named,
  processingUnit: named.nullable(),
  assignee: z.object({ id: z.string(), fullName: z.string(), username: z.string() }).nullable(),
  receivedAt: z.string(),
  dueAt: z.string().nullable(),
  dueDate: z.string().nullable().describe('the promised day (Vietnam date); dueAt is the midnight that ends it'),
  apologyDueAt: z.string().nullable(),
  deadlineStatus: z.enum(['on_track', 'due_soon', 'overdue', 'paused']).nullable(),
});
const detail = summary.extend({
  statusReason: z.string().nullable(),
  rules: z.object({
    offeredProcedureId: z.string(),
    documents: z.array(z.object({ name: z.string(), required: z.boolean(), copies: z.number() })),
    purpose: z.string(),
    npdFields: z.array(z.string()),
    retentionYears: z.number().nullable(),
  }),
  receivedPapers: z.array(z.string()),
  applicant: z.object({ personalId: z.string(), fullName: z.string(), birthDate: z.string().nullable(), phone: z.string(), email: z.string(), address: z.string() }),
  purgedAt: z.string().nullable().describe('when the retention period ended and the personal data and documents were deleted'),
  workingDays: z.number(),
  settledAt: z.string().nullable(),
  returnedAt: z.string().nullable(),
  persons: z.array(z.object({ relation: z.string(), personalId: z.string(), fullName: z.string(), birthDate: z.string().nullable() })),
  pauses: z.array(z.object({ kind: z.string(), from: z.string(), to: z.string().nullable() })),
  timeline: z.array(
    z.object({
      at: z.string(),
      action: z.string(),
      fromStatus: z.string().nullable(),
      toStatus: z.string(),
      actor: z.object({ fullName: z.string(), username: z.string() }).nullable(),
      unit: z.string().nullable(),
      note: z.string().nullable(),
    }),
  ),
  abilities: z.record(z.string(), z.boolean()),
});

export const dossierRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/api/dossiers', {
    config: { access: 'dossiers.receive' },
    schema: {
      tags: ['dossiers'],
      summary: 'Receive a dossier at a desk: code <unit>-YYMMDD-NNNN, promised date in working days',
      body: newDossierBody,
      response: { 200: detail, ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => receiveDossier(ctx, req.body)));

  app.get('/api/dossiers', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['dossiers'],
      summary: 'Search dossiers by code, applicant name (diacritics ignored) or personal ID; work queues',
      querystring: z.strictObject({
        q: z.string().trim().max(120).optional(),
        status: z.enum(DOSSIER_STATUSES).optional(),
        queue: z.enum(['desk', 'processing', 'mine']).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        offset: z.coerce.number().int().min(0).max(100_000).default(0),
      }),
      response: { 200: z.object({ items: z.array(summary) }), ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => listDossiers(ctx, req.query)));

  app.get('/api/dossiers/:id', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['dossiers'],
      summary: 'A dossier with its people, timeline and the actions the viewer may take (the view is journaled)',
      params: z.strictObject({ id: z.uuid() }),
      response: { 200: detail, ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => getDossier(ctx, req.params.id)));

  app.post('/api/dossiers/:id/:action', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['dossiers'],
      summary: 'Move a dossier: assign, transfer, request_supplement, receive_supplement, request_payment, record_payment, withdraw, apologize, stop, approve, return_result, not_accept',
      params: z.strictObject({ id: z.uuid(), action: z.enum(DOSSIER_ACTIONS) }),
      body: dossierActionBody,
      response: { 200: detail, ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => actOnDossier(ctx, req.params.id, req.params.action, req.body)));
};
