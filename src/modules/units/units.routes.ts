import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, idParams } from '../../platform/schemas.ts';
import { createUnit, listUnits, renameUnit } from './units.service.ts';
import type { UnitRow } from './units.tables.ts';
import { newUnitBody, renameUnitBody } from '../../../common/schemas/units.ts';

const unitSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  fullName: z.string(),
  kind: z.enum(['province', 'commune', 'department', 'desk', 'office']),
  unitType: z.string().nullable(),
  parentId: z.string().nullable(),
  abilities: z.object({ read: z.boolean(), addChild: z.boolean(), issueAccount: z.boolean(), rename: z.boolean() }).optional(),
});

const present = (u: UnitRow & { abilities?: z.infer<typeof unitSchema>['abilities'] }) => ({
  id: u.id,
  code: u.code,
  name: u.name,
  fullName: u.fullName,
  kind: u.kind,
  unitType: u.unitType,
  parentId: u.parentId,
  abilities: u.abilities,
});

export const unitRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/units', {
    config: { access: 'signedIn' },
    schema: { tags: ['units'], summary: 'The unit tree of the province (parents before children)', response: { 200: z.object({ items: z.array(unitSchema) }), ...errorResponses } },
  }, async (req) => app.inTx(req, async (ctx) => ({ items: (await listUnits(ctx)).map(present) })));

  app.post('/api/units', {
    config: { access: 'units.manage' },
    schema: {
      tags: ['units'],
      summary: 'Add an organisational unit (department, reception desk, office) under a unit',
      body: newUnitBody,
      response: { 200: unitSchema, ...errorResponses },
    },
  }, async (req) => present(await app.inTx(req, (ctx) => createUnit(ctx, req.body))));

  app.patch('/api/units/:id', {
    config: { access: 'units.manage' },
    schema: {
      tags: ['units'],
      summary: 'Rename an organisational unit',
      params: idParams,
      body: renameUnitBody,
      response: { 200: unitSchema, ...errorResponses },
    },
  }, async (req) => present(await app.inTx(req, (ctx) => renameUnit(ctx, req.params.id, req.body.name))));
};
