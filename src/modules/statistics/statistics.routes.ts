import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, fileAnswer, XLSX } from '../../platform/schemas.ts';
import { dossierStatistics, statisticsWorkbook } from './statistics.service.ts';

const query = z.strictObject({ from: z.iso.date(), to: z.iso.date(), unitId: z.uuid().optional() });
const counts = {
  received: z.number(),
  online: z.number(),
  digitized: z.number().describe('received in the period, with at least one document, every one digitised, reused or from the NPD'),
  reused: z.number().describe('received in the period, with at least one component reused from an earlier result'),
  settledOnTime: z.number(),
  settledLate: z.number(),
  inProgress: z.number(),
  overdue: z.number(),
  settledDays: z.number().nullable(),
};

export const statisticsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/statistics', {
    config: { access: 'statistics.read' },
    schema: {
      tags: ['statistics'],
      summary: 'R22: dossiers received, settled on time / late, in progress and overdue, per procedure and receiving unit',
      querystring: query,
      response: {
        200: z.object({
          unit: z.object({ id: z.string(), name: z.string() }),
          from: z.string(),
          to: z.string(),
          total: z.object(counts),
          indicators: z.object({
            onTimeRate: z.number().nullable(),
            averageSettledDays: z.number().nullable(),
            onlineShare: z.number().nullable(),
            digitizationRate: z.number().nullable().describe('digitized / received (Decision 766, Circular 01/2023)'),
            reuseRate: z.number().nullable().describe('reused / received'),
          }),
          byProcedure: z.array(z.object({ code: z.string(), name: z.string(), field: z.string(), ...counts })),
          byUnit: z.array(z.object({ unitId: z.string(), unitName: z.string(), ...counts })),
        }),
        ...errorResponses,
      },
    },
  }, async (req) => app.inTx(req, (ctx) => dossierStatistics(ctx, req.query)));

  app.get('/api/statistics/export', {
    config: { access: 'statistics.read' },
    schema: {
      tags: ['statistics'],
      summary: 'The same statistics as an .xlsx workbook',
      querystring: query,
      response: { 200: fileAnswer('the workbook', [XLSX]), ...errorResponses },
    },
  }, async (req, reply) => {
    const stats = await app.inTx(req, (ctx) => dossierStatistics(ctx, req.query));
    void reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="thong-ke-${stats.from}-${stats.to}.xlsx"`);
    return reply.send(await statisticsWorkbook(stats));
  });
};
