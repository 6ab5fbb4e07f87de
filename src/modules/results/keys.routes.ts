import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../../platform/schemas.ts';
import { revokeResultKeyBody } from '../../../common/schemas/units.ts';
import { revokeUnitKey, rotateUnitKey, unitKeysManaged, unitResultKey } from './keys.service.ts';

export const keyStatus = z.enum(['current', 'retired', 'revoked']).describe('current signs new results; retired was replaced and still verifies what it signed; revoked was declared stolen');

export const publicKey = z.object({
  id: z.string(),
  generation: z.number(),
  status: keyStatus,
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  compromisedSince: z.string().nullable().describe('results it signed from then on are not to be trusted'),
  verifierKey: z.string().describe('name+key id+base64(0x01 ‖ public key), as `motcua result verify --key` takes it'),
});

const managedKeys = z.object({
  unit: z.object({ id: z.string(), code: z.string(), name: z.string() }),
  keys: z.array(
    publicKey.extend({
      revocations: z.array(
        z.object({
          revokedAt: z.string(),
          revokedBy: z.object({ fullName: z.string(), username: z.string() }).nullable(),
          reason: z.string(),
          compromisedSince: z.string(),
        }),
      ),
    }),
  ),
});

const unitParams = z.strictObject({ id: z.uuid() });
const keyParams = unitParams.extend({ keyId: z.string().regex(/^[0-9a-f]{8}$/, 'Mã khóa: 8 chữ số hệ 16') });
const who = 'For the unit’s administrators (units.manage at the unit) and the system administrator: 403 for others who work in or over the unit, 404 for anyone else.';

/** Issue 13 item 12: a unit's result signing keys, published, rotated and revoked. */
export const keyRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/units/:id/result-key', {
    // Public: a public key is no secret, and verifiers outside the province must get it without an account.
    config: { access: 'public', rateLimit: { max: app.config.publicPerMinute, timeWindow: 60_000 } },
    schema: {
      tags: ['results'],
      summary: 'The Ed25519 public keys a unit signs its electronic results with: the newest one’s fields, and every generation with its status (404 until its first key)',
      params: unitParams,
      response: {
        200: z.object({
          unit: z.object({ id: z.string(), code: z.string(), name: z.string() }),
          keyId: z.string(),
          algorithm: z.literal('ed25519'),
          name: z.string(),
          verifierKey: z.string().describe('name+key id+base64(0x01 ‖ public key), as `motcua result verify --key` takes it'),
          publicKey: z.string().describe('the raw 32-byte Ed25519 public key, base64'),
          createdAt: z.string(),
          status: keyStatus,
          keys: z.array(publicKey).describe('newest generation first'),
        }),
        ...errorResponses,
      },
    },
  }, async (req) => app.inTx(req, (ctx) => unitResultKey(ctx, req.params.id)));

  app.get('/api/units/:id/result-keys', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['results'],
      summary: 'A unit’s signing keys with their revocations (who, when, why), for those who manage them',
      description: who,
      params: unitParams,
      response: { 200: managedKeys, ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => unitKeysManaged(ctx, req.params.id)));

  app.post('/api/units/:id/result-keys/rotate', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['results'],
      summary: 'Replace the unit’s signing key by a new generation: new results are signed with it, older ones keep verifying with theirs; journaled',
      description: `${who} 409 if another change of the unit's key happened at the same moment.`,
      params: unitParams,
      response: { 200: managedKeys, ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => rotateUnitKey(ctx, req.params.id)));

  app.post('/api/units/:id/result-keys/:keyId/revoke', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['results'],
      summary: 'Revoke a key suspected stolen: results it signed from `compromisedSince` (default now) on are no longer trusted; a revoked current key is replaced at the next result; journaled',
      description: `${who} Revoking a revoked key again only moves its compromise earlier (409 otherwise).`,
      params: keyParams,
      body: revokeResultKeyBody,
      response: { 200: managedKeys, ...errorResponses },
    },
  }, async (req) =>
    app.inTx(req, (ctx) => revokeUnitKey(ctx, req.params.id, req.params.keyId, { reason: req.body.reason, compromisedSince: req.body.compromisedSince ? new Date(req.body.compromisedSince) : undefined })),
  );
};
