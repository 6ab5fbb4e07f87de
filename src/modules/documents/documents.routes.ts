import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { acceptRawBodies, withRawUpload } from '../../platform/upload.ts';
import { AppError } from '../../platform/errors.ts';
import { errorBody, errorResponses, fileAnswer, openReasonBody } from '../../platform/schemas.ts';
import { listDocuments, openDocument, uploadDocument } from './documents.service.ts';
import { ALLOWED_LABELS, DOCUMENT_KINDS, DOCUMENT_TYPE_NAMES } from './types.ts';
import { documentUploadQuery } from '../../../common/schemas/dossiers.ts';

export const documentSchema = z.object({
  id: z.string(),
  dossierId: z.string(),
  kind: z.enum(DOCUMENT_KINDS),
  component: z.string().nullable(),
  reusedResultId: z.string().nullable().describe('kind reused: the electronic result this component is (GET /api/dossiers/{id}/reusable-results)'),
  name: z.string(),
  mediaType: z.enum(DOCUMENT_TYPE_NAMES as [string, ...string[]]),
  size: z.number(),
  sha256: z.string(),
  uploadedAt: z.string(),
  uploadedBy: z.object({ fullName: z.string(), username: z.string() }).nullable(),
});

/** The upload takes the file itself as its body, so it lives in a child plugin that leaves bodies as streams. */
export const documentRoutes: FastifyPluginAsyncZod = async (app) => {
  await app.register(uploadRoutes);
  await app.register(readRoutes);
};

const uploadRoutes: FastifyPluginAsyncZod = async (app) => {
  // the declared type is checked by the service, with a clear message
  acceptRawBodies(app);

  app.post('/api/dossiers/:id/documents', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['documents'],
      summary: `Add a paper to a dossier: the body is the file itself, its Content-Type one of ${DOCUMENT_TYPE_NAMES.join(', ')}`,
      description:
        `R05: at the desk or the processing unit, while the dossier is open. Types: ${ALLOWED_LABELS}; the content must match the declared type; ` +
        'empty files, files over MOTCUA_DOCUMENT_MAX_MB, names with path separators or control characters, and compression bombs are refused. ' +
        'Stored encrypted (AES-256-GCM, per-document key) with its SHA-256; journaled.',
      params: z.strictObject({ id: z.uuid() }),
      querystring: documentUploadQuery,
      response: { 200: documentSchema, ...errorResponses, 413: errorBody, 415: errorBody },
    },
  }, async (req, reply) => {
    return withRawUpload(req, reply, (upload) =>
      uploadDocument(app.transactions(req), req.params.id, { name: req.query.name, kind: req.query.kind, component: req.query.component, ...upload }),
    );
  });
};

const readRoutes: FastifyPluginAsyncZod = async (app) => {

  app.get('/api/dossiers/:id/documents', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['documents'],
      summary: 'The papers of a dossier (metadata only) and whether the viewer may add one',
      params: z.strictObject({ id: z.uuid() }),
      response: { 200: z.object({ items: z.array(documentSchema), abilities: z.object({ upload: z.boolean() }) }), ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => listDocuments(ctx, req.params.id)));

  for (const mode of ['view', 'download'] as const) {
    app.post(`/api/documents/:id/${mode}`, {
      config: { access: 'signedIn' },
      schema: {
        tags: ['documents'],
        summary:
          mode === 'view'
            ? 'Open a document in the browser (inline), with the reason: journaled; PDFs and images stamped with the officer and time'
            : 'Download a document, with the reason: journaled; the file name carries the officer and time, PDFs and images a watermark',
        params: z.strictObject({ id: z.uuid() }),
        body: openReasonBody,
        response: { 200: fileAnswer('the document, in the type it was uploaded as', DOCUMENT_TYPE_NAMES), ...errorResponses, 500: errorBody },
      },
    }, async (req, reply) => {
      try {
        const file = await openDocument(app.transactions(req), req.params.id, mode, req.body.reason);
        void reply
          .header('content-type', file.mediaType)
          .header('content-disposition', file.contentDisposition)
          // citizens' papers stay out of every cache (shared and kiosk computers, R09) and are never sniffed
          .header('cache-control', 'no-store')
          .header('x-content-type-options', 'nosniff');
        return reply.send(file.bytes);
      } catch (err) {
        if (err instanceof AppError && err.statusCode >= 500) req.log.error({ code: err.code, documentId: req.params.id }, 'document integrity failure');
        throw err;
      }
    });
  }
};
