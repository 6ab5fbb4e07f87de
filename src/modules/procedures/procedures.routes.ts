import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, idParams, reasonBody } from '../../platform/schemas.ts';
import { openDossiersUnder } from '../dossiers/index.ts';
import { NPD_FIELD_NAMES, NPD_FIELDS } from './npd-fields.ts';
import type { CatalogueRow, OfferedRow, VersionRow } from './procedures.tables.ts';
import { catalogueCodes, catalogueFacets } from './catalogue.service.ts';
import * as procedures from './procedures.service.ts';
import { bulkOfferBody, BULK_SKIPS, OFFER_LEVELS, procedureCode, versionSchemas } from '../../../common/schemas/procedures.ts';

const { offerBody, newVersionBody } = versionSchemas(z.enum(NPD_FIELD_NAMES));
const catalogueLevel = z.enum(['ministry', 'province', 'commune', 'other']);
const offerLevel = z.enum(OFFER_LEVELS);
const offerStatus = z.enum(['offered', 'withdrawn']);
const catalogueFilter = {
  q: z.string().trim().max(200).optional(),
  level: catalogueLevel.optional(),
  field: z.string().trim().max(200).optional(),
  issuingBody: z.string().trim().max(200).optional(),
};

const offeringSchema = z.object({ id: z.string(), level: offerLevel, status: offerStatus });
const catalogueSummary = z.object({
  code: z.string(),
  name: z.string(),
  field: z.string(),
  levels: z.array(catalogueLevel),
  issuingBody: z.string(),
  decisionNumber: z.string(),
  suggestedWorkingDays: z.number().nullable(),
  offerings: z.array(offeringSchema),
});
const versionContent = z.object({
  processingDays: z.number(),
  documents: z.array(z.object({ name: z.string(), required: z.boolean(), copies: z.number() })),
  purpose: z.string(),
  npdFields: z.array(z.string()),
  retentionYears: z.number().nullable(),
  lookupStages: z.object({ receiving: z.array(z.string()), processing: z.array(z.string()) }),
});
const catalogueDetail = catalogueSummary.extend({
  procedureType: z.string(),
  targetSubjects: z.string(),
  competentAgency: z.string(),
  implementingAgency: z.string(),
  processingTimes: z.array(z.object({ channel: z.string(), value: z.number().nullable(), unit: z.string().nullable() })),
  submissionMethods: z.string(),
  dossierText: z.string().nullable(),
  legalBasisText: z.string().nullable(),
  sourceUrl: z.string().nullable(),
  suggestedVersion: versionContent.nullable(),
  abilities: z.object({ offer: z.boolean() }),
});
const versionSchema = versionContent.extend({ id: z.string(), version: z.number(), note: z.string(), createdAt: z.string(), createdBy: z.string().nullable() });
const abilities = z.object({ read: z.boolean(), manage: z.boolean(), withdraw: z.boolean(), createVersion: z.boolean() });
const offeredSummary = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  field: z.string(),
  level: offerLevel,
  status: offerStatus,
  statusReason: z.string().nullable(),
  statusChangedAt: z.string(),
  currentVersion: z.number(),
  current: versionSchema,
  abilities,
});
const offeredDetail = offeredSummary.extend({ versions: z.array(versionSchema), catalogue: catalogueSummary.omit({ offerings: true }).extend({ sourceUrl: z.string().nullable() }) });

const presentCatalogued = (c: CatalogueRow) => ({
  code: c.code,
  name: c.name,
  field: c.field,
  levels: c.levels,
  issuingBody: c.issuingBody,
  decisionNumber: c.decisionNumber,
  suggestedWorkingDays: c.suggestedWorkingDays,
});
const presentOfferings = (offerings: Pick<OfferedRow, 'id' | 'level' | 'status'>[]) => offerings.map((o) => ({ id: o.id, level: o.level, status: o.status }));
const presentVersion = (v: VersionRow) => ({
  id: v.id,
  version: v.version,
  processingDays: v.processingDays,
  documents: v.documents.map((d) => ({ name: d.name, required: d.required, copies: d.copies })),
  purpose: v.purpose,
  npdFields: v.npdFields,
  retentionYears: v.retentionYears,
  lookupStages: { receiving: [...v.lookupStages.receiving], processing: [...v.lookupStages.processing] },
  note: v.note,
  createdAt: v.createdAt.toISOString(),
  createdBy: v.createdBy,
});
const presentOffered = (r: { offered: OfferedRow; catalogued: CatalogueRow; current: VersionRow; abilities: z.infer<typeof abilities> }) => ({
  id: r.offered.id,
  code: r.offered.procedureCode,
  name: r.catalogued.name,
  field: r.catalogued.field,
  level: r.offered.level,
  status: r.offered.status,
  statusReason: r.offered.statusReason,
  statusChangedAt: r.offered.statusChangedAt.toISOString(),
  currentVersion: r.offered.currentVersion,
  current: presentVersion(r.current),
  abilities: r.abilities,
});
const presentOfferedDetail = (r: Awaited<ReturnType<typeof procedures.getOffered>>) => ({
  ...presentOffered(r),
  versions: r.versions.map(presentVersion),
  catalogue: { ...presentCatalogued(r.catalogued), sourceUrl: r.catalogued.sourceUrl },
});

export const procedureRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/procedures/npd-fields', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['procedures'],
      summary: 'The population-database fields a procedure version may declare (Law on Identification 2023, Art. 9)',
      response: { 200: z.object({ items: z.array(z.object({ key: z.string(), vi: z.string(), en: z.string(), lawItem: z.number(), sensitive: z.boolean() })) }), ...errorResponses },
    },
  }, async () => ({ items: NPD_FIELD_NAMES.map((key) => { const f = NPD_FIELDS[key]; return { key, vi: f.vi, en: f.en, lawItem: f.lawItem, sensitive: 'sensitive' in f }; }) }));

  app.get('/api/procedures/catalogue', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['procedures'],
      summary: 'Search the national catalogue by code (prefix) or name words, diacritics ignored',
      querystring: z.strictObject({
        ...catalogueFilter,
        limit: z.coerce.number().int().min(1).max(100).default(20),
        offset: z.coerce.number().int().min(0).max(10_000).default(0),
      }),
      response: { 200: z.object({ total: z.number(), items: z.array(catalogueSummary), abilities: z.object({ offer: z.boolean() }) }), ...errorResponses },
    },
  }, async (req) => {
    const { total, items, abilities } = await app.inTx(req, (ctx) => procedures.searchProcedures(ctx, req.query));
    return { total, items: items.map((i) => ({ ...presentCatalogued(i.catalogued), offerings: presentOfferings(i.offerings) })), abilities };
  });

  app.get('/api/procedures/catalogue/codes', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['procedures'],
      summary: 'Every code a catalogue search matches, for an offer in bulk (the whole catalogue at most)',
      querystring: z.strictObject(catalogueFilter),
      response: { 200: z.object({ codes: z.array(z.string()) }), ...errorResponses },
    },
  }, async (req) => ({ codes: await app.inTx(req, (ctx) => catalogueCodes(ctx.tx, req.query)) }));

  app.get('/api/procedures/catalogue/facets', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['procedures'],
      summary: 'The issuing bodies and fields of the catalogue with their numbers of procedures (at a level): the search’s filters',
      querystring: z.strictObject({ level: catalogueLevel.optional() }),
      response: { 200: z.object({ issuingBodies: z.array(z.object({ name: z.string(), count: z.number() })), fields: z.array(z.object({ name: z.string(), count: z.number() })) }), ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => catalogueFacets(ctx.tx, req.query.level)));

  app.get('/api/procedures/catalogue/:code', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['procedures'],
      summary: 'One catalogued procedure with its official text and, for common ones, a suggested first version',
      params: z.strictObject({ code: procedureCode }),
      response: { 200: catalogueDetail, ...errorResponses },
    },
  }, async (req) => {
    const r = await app.inTx(req, (ctx) => procedures.getCatalogued(ctx, req.params.code));
    const c = r.catalogued;
    return {
      ...presentCatalogued(c),
      offerings: presentOfferings(r.offerings),
      procedureType: c.procedureType,
      targetSubjects: c.targetSubjects,
      competentAgency: c.competentAgency,
      implementingAgency: c.implementingAgency,
      processingTimes: c.processingTimes.map((t) => ({ channel: t.channel, value: t.value, unit: t.unit })),
      submissionMethods: c.submissionMethods,
      dossierText: c.dossierText,
      legalBasisText: c.legalBasisText,
      sourceUrl: c.sourceUrl,
      suggestedVersion: r.suggestedVersion,
      abilities: r.abilities,
    };
  });

  app.get('/api/procedures/offered', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['procedures'],
      summary: 'The procedures the province offers; `unitId` gives those settled at that unit’s level (commune or province)',
      querystring: z.strictObject({
        unitId: z.uuid().optional(),
        level: offerLevel.optional(),
        status: z.enum(['offered', 'withdrawn', 'all']).default('offered'),
        q: z.string().trim().max(200).optional(),
      }),
      response: { 200: z.object({ level: offerLevel.nullable(), items: z.array(offeredSummary) }), ...errorResponses },
    },
  }, async (req) => {
    const { level, items } = await app.inTx(req, (ctx) => procedures.listOffered(ctx, req.query));
    return { level, items: items.map(presentOffered) };
  });

  app.get('/api/procedures/offered/:id', {
    config: { access: 'signedIn' },
    schema: { tags: ['procedures'], summary: 'An offered procedure with all its versions, newest first', params: idParams, response: { 200: offeredDetail, ...errorResponses } },
  }, async (req) => presentOfferedDetail(await app.inTx(req, (ctx) => procedures.getOffered(ctx, req.params.id))));

  app.post('/api/procedures/offered', {
    config: { access: 'procedures.manage' },
    schema: {
      tags: ['procedures'],
      summary: 'Offer a catalogued procedure at a level with its first version (or offer a withdrawn one again with a new version)',
      body: offerBody,
      response: { 200: offeredDetail, ...errorResponses },
    },
  }, async (req) => presentOfferedDetail(await app.inTx(req, (ctx) => procedures.offerProcedure(ctx, req.body))));

  app.post('/api/procedures/offered/bulk', {
    config: { access: 'procedures.manage' },
    schema: {
      tags: ['procedures'],
      summary: 'Offer many catalogued procedures at one level, each with the catalogue’s time limit and no papers or NPD fields yet; those it cannot offer so are listed with the reason',
      body: bulkOfferBody,
      response: { 200: z.object({ offered: z.array(z.string()), skipped: z.array(z.object({ code: z.string(), reason: z.enum(BULK_SKIPS) })) }), ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => procedures.offerInBulk(ctx, req.body)));

  app.post('/api/procedures/offered/:id/withdraw', {
    config: { access: 'procedures.manage' },
    schema: { tags: ['procedures'], summary: 'Stop offering a procedure: refused (409) while open dossiers were received under it; its versions stay for the dossiers received under them', params: idParams, body: reasonBody, response: { 200: offeredDetail, ...errorResponses } },
  }, async (req) => presentOfferedDetail(await app.inTx(req, (ctx) => procedures.withdrawProcedure(ctx, req.params.id, req.body.reason, openDossiersUnder))));

  app.post('/api/procedures/offered/:id/versions', {
    config: { access: 'procedures.manage' },
    schema: {
      tags: ['procedures'],
      summary: 'Change an offered procedure: a new version made from version `basedOn`; earlier versions never change',
      params: idParams,
      body: newVersionBody,
      response: { 200: offeredDetail, ...errorResponses },
    },
  }, async (req) => presentOfferedDetail(await app.inTx(req, (ctx) => procedures.createVersion(ctx, req.params.id, req.body))));
};
