import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBody, errorResponses, fileAnswer, openReasonBody, PDF } from '../../platform/schemas.ts';
import { documentSchema } from '../documents/index.ts';
import { reuseResultBody } from '../../../common/schemas/dossiers.ts';
import { acceptRawBodies, withRawUpload } from '../../platform/upload.ts';
import { keyRoutes, keyStatus } from './keys.routes.ts';
import { issueResult, listResults, openResult, reusableResults, reuseResult, verifyResultCode, type ResultMode } from './results.service.ts';

const named = z.object({ id: z.string(), name: z.string() });
const result = z.object({
  id: z.string(),
  code: z.string().describe('<dossier code>-KQ<n>'),
  dossierId: z.string(),
  seq: z.number(),
  unit: named.describe('the processing unit that issued and signed it'),
  procedureCode: z.string(),
  name: z.string(),
  mediaType: z.literal('application/pdf'),
  size: z.number(),
  sha256: z.string(),
  issuedAt: z.string(),
  issuedBy: z.object({ fullName: z.string(), username: z.string() }).nullable(),
  statement: z.string().describe('the signed statement (C2SP signed note, Ed25519): verify it offline with `motcua result verify`'),
  verifierKey: z.string().describe('the verifier key (name+id+key) of the unit’s key that signed it'),
});

const dossierParams = z.strictObject({ id: z.uuid() });
const codeParams = z.strictObject({ code: z.string().regex(/^[A-Za-z0-9.\-]{1,120}-KQ[1-9][0-9]{0,3}$/, 'Mã kết quả: <mã hồ sơ>-KQ<n>') });
const hex256 = z.string().regex(/^[0-9a-fA-F]{64}$/, 'SHA-256: 64 chữ số hệ 16');

/**
 * Issue 4 item 6: electronic results (Decree 45/2020) and their reuse (Circular 01/2023). The upload of a result is
 * the raw bytes of one PDF, as for documents (see README: why not multipart), so it lives in a child plugin that
 * leaves bodies as streams; the other routes take JSON.
 */
export const resultRoutes: FastifyPluginAsyncZod = async (app) => {
  await app.register(rawBodyRoutes);
  await app.register(jsonRoutes);
  await app.register(keyRoutes);
};

const rawBodyRoutes: FastifyPluginAsyncZod = async (app) => {
  acceptRawBodies(app);

  app.post('/api/dossiers/:id/results', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['results'],
      summary: 'Issue the electronic result of a settled dossier: the body is the PDF itself; coded <dossier code>-KQ<n> and signed with the processing unit’s key',
      description:
        'Decree 45/2020. By an officer holding dossiers.process or dossiers.approve at the processing unit, while the dossier is settled (409 otherwise, 403 for anyone else who sees it). ' +
        'The file is checked as a document upload is (a PDF that opens, under MOTCUA_DOCUMENT_MAX_MB, a clean name), stored encrypted, its SHA-256 signed in the statement; journaled.',
      params: dossierParams,
      querystring: z.strictObject({ name: z.string().max(1000) }),
      response: { 200: result, ...errorResponses, 413: errorBody, 415: errorBody },
    },
  }, async (req, reply) => {
    return withRawUpload(req, reply, (upload) => issueResult(app.transactions(req), req.params.id, { name: req.query.name, ...upload }));
  });
};

const jsonRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/dossiers/:id/results', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['results'],
      summary: 'The electronic results of a dossier with their signed statements, and whether the viewer may issue one or take the original file',
      params: dossierParams,
      response: { 200: z.object({ items: z.array(result), abilities: z.object({ issue: z.boolean(), original: z.boolean() }) }), ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => listResults(ctx, req.params.id)));

  const modes: Record<ResultMode, string> = {
    view: 'Open an electronic result in the browser, with the reason: journaled, stamped with the officer and time',
    download: 'Download an electronic result, with the reason: journaled, stamped with the officer and time',
    original: 'The exact signed file, to hand to the citizen (its SHA-256 is the signed one): officers seated on the dossier only, with the reason; journaled',
  };
  for (const mode of ['view', 'download', 'original'] as const) {
    app.post(`/api/results/:code/${mode}`, {
      config: { access: 'signedIn' },
      schema: {
        tags: ['results'],
        summary: modes[mode],
        params: codeParams,
        body: openReasonBody,
        response: { 200: fileAnswer('the result', [PDF]), ...errorResponses, 500: errorBody },
      },
    }, async (req, reply) => {
      const file = await openResult(app.transactions(req), req.params.code.toUpperCase(), mode, req.body.reason);
      void reply
        .header('content-type', file.mediaType)
        .header('content-disposition', file.contentDisposition)
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff');
      return reply.send(file.bytes);
    });
  }

  app.get('/api/results/:code/verify', {
    // Public: a citizen, a bank or another agency holding the file checks it without an account here. The answer
    // names nobody, and discloses the statement only to whoever gives the file's hash.
    config: { access: 'public', rateLimit: { max: app.config.publicPerMinute, timeWindow: 60_000 } },
    schema: {
      tags: ['results'],
      summary: 'Verify an electronic result: is its statement signed by the issuing unit, is this file (its SHA-256) the one signed, and is the key that signed it trusted for that time?',
      description:
        'The statement is returned only when `sha256` matches. `trusted` is false when the signature does not verify or the key was revoked as compromised at or before the result’s issue time. ' +
        'The signature check runs offline too: `motcua result verify FILE --statement S --key K` with the key (by its id) of GET /api/units/{id}/result-key, whose `keys` list tells revoked keys.',
      params: codeParams,
      querystring: z.strictObject({ sha256: hex256.optional() }),
      response: {
        200: z.object({
          code: z.string(),
          signatureValid: z.boolean(),
          fileMatches: z.boolean().nullable().describe('null when no sha256 was given, or the signature does not verify'),
          issuedAt: z.string(),
          unit: named,
          verifierKey: z.string().nullable(),
          statement: z.string().nullable(),
          key: z.object({
            id: z.string(),
            generation: z.number(),
            status: keyStatus,
            revokedAt: z.string().nullable(),
            compromisedSince: z.string().nullable(),
          }).nullable().describe('the unit’s key that signed it (null if the stored key id names none of the unit’s keys)'),
          trusted: z.boolean().describe('the signature is valid and its key was not revoked as compromised at the issue time'),
        }),
        ...errorResponses,
      },
    },
  }, async (req) => app.inTx(req, (ctx) => verifyResultCode(ctx, req.params.code.toUpperCase(), req.query.sha256?.toLowerCase())));

  app.get('/api/dossiers/:id/reusable-results', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['results'],
      summary: 'The applicant’s earlier electronic results in the province, to attach instead of asking for the paper again (journaled with the citizen)',
      description: 'Results of other dossiers that named the applicant’s personal ID (as applicant or person concerned). For officers seated on the dossier while it is open.',
      params: dossierParams,
      response: {
        200: z.object({
          items: z.array(
            z.object({
              id: z.string(),
              code: z.string(),
              procedure: z.object({ code: z.string(), name: z.string() }),
              unit: named,
              issuedAt: z.string(),
              name: z.string(),
              size: z.number(),
              sha256: z.string(),
              attached: z.boolean(),
            }),
          ),
        }),
        ...errorResponses,
      },
    },
  }, async (req) => app.inTx(req, (ctx) => reusableResults(ctx, req.params.id)));

  app.post('/api/dossiers/:id/reused-results', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['results'],
      summary: 'Attach one of the applicant’s earlier results as a component (kind reused): no copy, the download serves the result',
      params: dossierParams,
      body: reuseResultBody,
      response: { 200: documentSchema, ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => reuseResult(ctx, req.params.id, req.body)));
};
