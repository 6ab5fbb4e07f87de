import crypto, { type KeyObject } from 'node:crypto';
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { record, verifierKey, type NoteSigner } from '../journal/index.ts';
import { resultKeyName } from './statement.ts';
import { unitSigningKeyRevocations, unitSigningKeys, type UnitSigningKeyRevocationRow, type UnitSigningKeyRow } from './results.tables.ts';

export interface UnitSigner extends NoteSigner {
  keyId: string;
  vkey: string;
}

/** The sealed private key opens only on its own row: bound to the unit and the key (AAD). */
const sealContext = (unitId: string, keyId: string) => `motcua unit signing key v1:${unitId}:${keyId}`;

export const unitVerifierKey = (row: Pick<UnitSigningKeyRow, 'name' | 'publicKey'>) =>
  verifierKey(row.name, crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: row.publicKey.toString('base64url') }, format: 'jwk' }));

/**
 * current: the newest generation, the one that signs; retired: replaced by a newer one, still verifies what it signed;
 * revoked: declared stolen, so what it signed from `compromisedSince` on is not to be trusted.
 */
export type KeyStatus = 'current' | 'retired' | 'revoked';

export interface KeyState {
  row: UnitSigningKeyRow;
  status: KeyStatus;
  /** when it was first revoked */
  revokedAt: Date | null;
  /** the earliest compromise any revocation declared */
  compromisedSince: Date | null;
  /** oldest first */
  revocations: UnitSigningKeyRevocationRow[];
}

/** A unit's keys, newest generation first, with their status. */
export async function unitKeys(tx: Executor, unitId: string): Promise<KeyState[]> {
  const rows = await tx.select().from(unitSigningKeys).where(eq(unitSigningKeys.unitId, unitId)).orderBy(desc(unitSigningKeys.generation));
  if (rows.length === 0) return [];
  const revocations = await tx
    .select()
    .from(unitSigningKeyRevocations)
    .where(inArray(unitSigningKeyRevocations.keyId, rows.map((r) => r.id)))
    .orderBy(asc(unitSigningKeyRevocations.revokedAt));
  return rows.map((row, i) => {
    const own = revocations.filter((r) => r.keyId === row.id);
    const since = own.map((r) => r.compromisedSince.getTime());
    return {
      row,
      status: own.length > 0 ? 'revoked' : i === 0 ? 'current' : 'retired',
      revokedAt: own[0]?.revokedAt ?? null,
      compromisedSince: since.length > 0 ? new Date(Math.min(...since)) : null,
      revocations: own,
    };
  });
}

/** Whether what the key signed at `signedAt` is trusted: the key was not yet, as far as anyone declared, in other hands. */
export const trustedAt = (key: KeyState, signedAt: Date) => key.compromisedSince === null || signedAt < key.compromisedSince;

/**
 * Makes the unit's key of the given generation: the private key sealed under the master key in the database, so every
 * server process signs with the same key and a stolen database alone signs nothing; the public key stored beside it,
 * published for verifiers. Nothing when that generation already exists: two creations at once (two first results,
 * a rotation beside the replacement of a revoked key) make one key, and the caller decides what the loser does.
 */
export async function insertKey(ctx: Ctx, unitId: string, generation: number): Promise<UnitSigningKeyRow | undefined> {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  // one name for every generation: verifiers check that it is the statement's unit
  const name = resultKeyName(ctx.config.provinceCode, unitId);
  const id = verifierKey(name, publicKey).split('+')[1]!;
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const [created] = await ctx.tx
    .insert(unitSigningKeys)
    .values({
      id,
      unitId,
      generation,
      name,
      algorithm: 'ed25519',
      publicKey: Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'),
      sealedPrivateKey: ctx.keys.seal(pem, sealContext(unitId, id)),
      createdAt: ctx.clock.now(),
    })
    .onConflictDoNothing({ target: [unitSigningKeys.unitId, unitSigningKeys.generation] })
    .returning();
  return created;
}

/**
 * The key the unit signs with now: its current key; at its first result, or when its newest key was revoked, a new
 * generation, journaled. Two of these at once make one key (the second insert does nothing and reads the first's).
 */
export async function unitSigner(ctx: Ctx, unitId: string): Promise<UnitSigner> {
  const [newest] = await unitKeys(ctx.tx, unitId);
  let row = newest?.status === 'current' ? newest.row : undefined;
  if (!row) {
    const generation = (newest?.row.generation ?? 0) + 1;
    const created = await insertKey(ctx, unitId, generation);
    if (created) {
      await record(ctx, {
        type: 'unit.signing_key.create',
        target: { type: 'unit', id: unitId },
        unitId,
        details: { keyId: created.id, generation, algorithm: 'ed25519', verifierKey: unitVerifierKey(created), replacesRevoked: newest?.row.id ?? null },
      });
    }
    [row] = created ? [created] : await ctx.tx.select().from(unitSigningKeys).where(and(eq(unitSigningKeys.unitId, unitId), eq(unitSigningKeys.generation, generation)));
  }
  const privateKey: KeyObject = crypto.createPrivateKey(ctx.keys.open(row!.sealedPrivateKey, sealContext(unitId, row!.id)));
  return { name: row!.name, privateKey, keyId: row!.id, vkey: unitVerifierKey(row!) };
}
