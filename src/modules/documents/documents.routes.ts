import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { InTx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { errorBody, errorResponses } from '../../platform/schemas.ts';
import { listDocuments, openDocument, uploadDocument } from './documents.service.ts';
import { tooLarge } from './inspect.ts';
import { ALLOWED_LABELS, DOCUMENT_KINDS, DOCUMENT_TYPE_NAMES } from './types.ts';

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

const reasonQuery = z.strictObject({
  reason: z.string().trim().min(3, 'Hãy ghi lý do xem/tải tài liệu / give the reason').max(500),
});

/**
 * Reads the request body after the session and the right were checked (the content-type parser below hands the
 * stream over untouched), stopping as soon as it passes the limit: a refused upload is never held whole in memory.
 */
export function readLimited(stream: Readable | undefined, max: number): Promise<Buffer> {
  if (!stream || typeof (stream as Partial<Readable>).on !== 'function') return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        cleanup();
        stream.pause();
        reject(tooLarge(max));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      cleanup();
      reject(new AppError(400, 'upload_aborted', 'Tải lên bị gián đoạn.', 'The upload was interrupted.'));
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.once('close', onClose);
  });
}

export const documentRoutes: FastifyPluginAsyncZod = async (app) => {
  // Uploads are the raw bytes of one file, typed by their Content-Type (see README: why not multipart). In this
  // plugin only, every body is left as a stream for the handler, which reads it once the session and the right to
  // the dossier are checked; the declared type is checked by the service, with a clear message.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  const inTx = (req: FastifyRequest): InTx => (fn) => app.inTx(req, fn);

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
      querystring: z.strictObject({
        name: z.string().max(1000),
        kind: z.enum(DOCUMENT_KINDS).default('digitized'),
        component: z.string().trim().max(200).optional(),
      }),
      response: { 200: documentSchema, ...errorResponses, 413: errorBody, 415: errorBody },
    },
  }, async (req, reply) => {
    const length = Number(req.headers['content-length']);
    try {
      return await uploadDocument(inTx(req), req.params.id, {
        name: req.query.name,
        kind: req.query.kind,
        component: req.query.component,
        contentType: req.headers['content-type'],
        contentLength: Number.isFinite(length) ? length : undefined,
        read: (max) => readLimited(req.body as Readable | undefined, max),
      });
    } catch (err) {
      // the rest of an oversized body is not read: close the connection after the answer
      if (err instanceof AppError && err.statusCode === 413) void reply.header('connection', 'close');
      throw err;
    }
  });

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
    app.get(`/api/documents/:id/${mode}`, {
      config: { access: 'signedIn' },
      schema: {
        tags: ['documents'],
        summary:
          mode === 'view'
            ? 'Open a document in the browser (inline), with the reason: journaled; PDFs and images stamped with the officer and time'
            : 'Download a document, with the reason: journaled; the file name carries the officer and time, PDFs and images a watermark',
        params: z.strictObject({ id: z.uuid() }),
        querystring: reasonQuery,
        response: { 200: z.any(), ...errorResponses, 500: errorBody },
      },
    }, async (req, reply) => {
      try {
        const file = await openDocument(inTx(req), req.params.id, mode, req.query.reason);
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
