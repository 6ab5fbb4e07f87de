import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, fileAnswer, PDF } from '../../platform/schemas.ts';
import { FORMS, printForm } from './forms.ts';

/** `attachment` with an ASCII name for old clients and the RFC 5987 `filename*` for the others. */
function attachment(fileName: string): string {
  return `attachment; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export const formRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/dossiers/:id/forms/:form', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['dossiers'],
      summary:
        'Print a dossier’s form as PDF (Circular 03/2025/TT-VPCP): receipt (form 01, A5, QR code of the dossier code), supplement (02), refusal (03, or 05 when processing stopped), apology (04); 409 when the dossier has no such form. Journaled.',
      params: z.strictObject({ id: z.uuid(), form: z.enum(FORMS) }),
      response: { 200: fileAnswer('the form', [PDF]), ...errorResponses },
    },
  }, async (req, reply) => {
    const pdf = await app.inTx(req, (ctx) => printForm(ctx, req.params.id, req.params.form));
    return reply
      .type('application/pdf')
      .header('content-disposition', attachment(pdf.fileName))
      // citizen data: no copy in any cache
      .header('cache-control', 'no-store')
      .send(Buffer.from(pdf.bytes.buffer, pdf.bytes.byteOffset, pdf.bytes.byteLength));
  });
};
