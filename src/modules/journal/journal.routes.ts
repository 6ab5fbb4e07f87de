import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../../platform/schemas.ts';
import { consistency, entryWithProof, exportSelection, latestCheckpoint, searchJournal } from './journal.service.ts';
import { SELECTION_FORMAT } from './exports.ts';
import { checkpoint, journalStatus } from './journal.schemas.ts';
import { vietnamParts, vietnamWallClock } from '../../../common/vietnam-time.ts';

const entry = z.object({
  seq: z.number(),
  position: z.number().nullable(),
  at: z.string(),
  type: z.string(),
  outcome: z.string(),
  actorAccountId: z.string().nullable(),
  actorUnitId: z.string().nullable(),
  actorRoles: z.array(z.string()),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  unitId: z.string().nullable(),
  reason: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
  citizens: z.array(z.string()).describe('keyed hashes (HMAC-SHA-256) of the personal IDs of the citizens the entry concerns'),
});
const named = z.object({ id: z.string(), name: z.string() }).nullable();
const listedEntry = entry.extend({
  actor: z.object({ id: z.string(), username: z.string(), fullName: z.string() }).nullable(),
  actorUnit: named,
  unit: named,
});
const filter = {
  type: z.string().max(100).optional(),
  actorAccountId: z.uuid().optional(),
  unitId: z.uuid().optional().describe('entries about this unit or by an officer of it'),
  citizenId: z.string().regex(/^\d{12}$/, 'số định danh cá nhân gồm 12 chữ số / a personal ID has 12 digits').optional().describe('entries concerning this citizen (matched through the keyed hash)'),
  targetId: z.string().max(100).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
};
const dates = <T extends { from?: string; to?: string }>({ from, to, ...rest }: T) => ({ ...rest, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined });
const hex = z.array(z.string());

export const journalRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/journal/entries', {
    config: { access: 'journal.read' },
    schema: {
      tags: ['journal'],
      summary: 'R25: search the journal, newest first (page with beforeSeq)',
      querystring: z.strictObject({
        ...filter,
        beforeSeq: z.coerce.number().int().positive().optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      response: { 200: z.object({ items: z.array(listedEntry) }), ...errorResponses },
    },
  }, async (req) => ({ items: await app.inTx(req, (ctx) => searchJournal(ctx, dates(req.query))) }));

  app.get('/api/journal/export', {
    config: { access: 'journal.read' },
    schema: {
      tags: ['journal'],
      summary: 'R21: the entries matching a search, each with its inclusion proof, as a file to verify offline (motcua journal verify-export)',
      querystring: z.strictObject(filter),
      response: {
        200: z.object({
          format: z.literal(SELECTION_FORMAT),
          filter: z.record(z.string(), z.string()),
          checkpoint: z.object({ size: z.number(), note: z.string() }),
          // every column as stored: the leaf hash is recomputed from them
          entries: z.array(z.object({ position: z.number(), entry: z.looseObject({ seq: z.number(), at: z.string() }), inclusionProof: hex })),
        }),
        ...errorResponses,
      },
    },
  }, async (req, reply) => {
    const selection = await app.inTx(req, (ctx) => exportSelection(ctx, dates(req.query)));
    // named by Vietnam's clock, which the inspector reads, not by UTC's (7 hours behind, the day before until 07:00)
    const now = app.clock.now();
    const stamp = `${vietnamWallClock(now)}:${String(vietnamParts(now).second).padStart(2, '0')}`.replace(/:/g, '-');
    void reply.header('content-disposition', `attachment; filename="nhat-ky-${stamp}.json"`);
    return selection;
  });

  app.get('/api/journal/entries/:seq', {
    config: { access: 'journal.read' },
    schema: {
      tags: ['journal'],
      summary: 'An entry, its leaf hash and its inclusion proof against the latest signed checkpoint',
      params: z.strictObject({ seq: z.coerce.number().int().positive() }),
      response: { 200: z.object({ entry: listedEntry, leafHash: z.string().nullable(), checkpoint: checkpoint.nullable(), inclusionProof: hex.nullable() }), ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => entryWithProof(ctx, req.params.seq)));

  app.get('/api/journal/checkpoint', {
    config: { access: 'journal.read' },
    schema: {
      tags: ['journal'],
      summary: 'The latest signed checkpoint, the witness status, and whether lookups must fail closed',
      response: {
        200: journalStatus,
        ...errorResponses,
      },
    },
  }, async (req) => app.inTx(req, (ctx) => latestCheckpoint(ctx)));

  app.get('/api/journal/consistency', {
    config: { access: 'journal.read' },
    schema: {
      tags: ['journal'],
      summary: 'Proof that one signed checkpoint extends an earlier one (RFC 9162 consistency proof)',
      querystring: z.strictObject({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1) }),
      response: { 200: z.object({ from: z.number(), to: z.number(), proof: hex }), ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => consistency(ctx, req.query.from, req.query.to)));
};
