import crypto, { type KeyObject } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { verifierKey, type NoteSigner } from '../journal/checkpoint.ts';
import { record } from '../journal/journal.service.ts';
import { resultKeyName } from './statement.ts';
import { unitSigningKeys, type UnitSigningKeyRow } from './results.tables.ts';

export interface UnitSigner extends NoteSigner {
  keyId: string;
  vkey: string;
}

/** The sealed private key opens only on its own row: bound to the unit and the key (AAD). */
const sealContext = (unitId: string, keyId: string) => `motcua unit signing key v1:${unitId}:${keyId}`;

export const unitVerifierKey = (row: Pick<UnitSigningKeyRow, 'name' | 'publicKey'>) =>
  verifierKey(row.name, crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: row.publicKey.toString('base64url') }, format: 'jwk' }));

export async function unitKeyRow(tx: Executor, unitId: string): Promise<UnitSigningKeyRow | undefined> {
  const [row] = await tx.select().from(unitSigningKeys).where(eq(unitSigningKeys.unitId, unitId));
  return row;
}

/**
 * The unit's Ed25519 signing key, created at its first use (as the journal's is): the private key sealed under the
 * master key in the database, so every server process signs with the same key and a stolen database alone signs
 * nothing; the public key stored beside it, published for verifiers. Two first uses at once make one key (the
 * unique unit id: the second insert does nothing and reads the first's). The creation is journaled.
 */
export async function unitSigner(ctx: Ctx, unitId: string): Promise<UnitSigner> {
  let row = await unitKeyRow(ctx.tx, unitId);
  if (!row) {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
    const name = resultKeyName(ctx.config.provinceCode, unitId);
    const vkey = verifierKey(name, publicKey);
    const id = vkey.split('+')[1]!;
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const [created] = await ctx.tx
      .insert(unitSigningKeys)
      .values({
        id,
        unitId,
        name,
        algorithm: 'ed25519',
        publicKey: Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'),
        sealedPrivateKey: ctx.keys.seal(pem, sealContext(unitId, id)),
        createdAt: ctx.clock.now(),
      })
      .onConflictDoNothing({ target: unitSigningKeys.unitId })
      .returning();
    if (created) {
      await record(ctx, { type: 'unit.signing_key.create', target: { type: 'unit', id: unitId }, unitId, details: { keyId: id, algorithm: 'ed25519', verifierKey: vkey } });
    }
    row = created ?? (await unitKeyRow(ctx.tx, unitId))!;
  }
  const privateKey: KeyObject = crypto.createPrivateKey(ctx.keys.open(row.sealedPrivateKey, sealContext(unitId, row.id)));
  return { name: row.name, privateKey, keyId: row.id, vkey: unitVerifierKey(row) };
}
