import crypto from 'node:crypto';
import { and, count, eq, gte, inArray } from 'drizzle-orm';
import { requireActor, type Ctx } from '../../platform/context.ts';
import { AppError, conflict, invalid, notFound } from '../../platform/errors.ts';
import { record } from '../journal/index.ts';
import { findUnit, type UnitRow } from '../units/index.ts';
import { signingKeyPolicy } from './results.policy.ts';
import { results, unitSigningKeyRevocations } from './results.tables.ts';
import { insertKey, unitKeys, unitVerifierKey, type KeyState } from './signing.ts';
import { officersView } from '../accounts/index.ts';

const accounts = officersView('accounts');

/** What anyone may know of a key: enough to verify with it and to judge what it signed. */
export function presentKey(k: KeyState) {
  return {
    id: k.row.id,
    generation: k.row.generation,
    status: k.status,
    createdAt: k.row.createdAt.toISOString(),
    revokedAt: k.revokedAt?.toISOString() ?? null,
    compromisedSince: k.compromisedSince?.toISOString() ?? null,
    verifierKey: unitVerifierKey(k.row),
  };
}

/**
 * The keys a unit signs its results with, for verifiers (public; 404 until its first key): the newest key's fields,
 * as before rotation existed, and every generation with its status, to verify older results and see revocations.
 */
export async function unitResultKey(ctx: Ctx, unitId: string) {
  const unit = await findUnit(ctx.tx, unitId);
  const keys = unit ? await unitKeys(ctx.tx, unit.id) : [];
  const newest = keys[0];
  if (!unit || !newest) throw notFound();
  return {
    unit: { id: unit.id, code: unit.code, name: unit.name },
    keyId: newest.row.id,
    algorithm: newest.row.algorithm,
    name: newest.row.name,
    verifierKey: unitVerifierKey(newest.row),
    publicKey: newest.row.publicKey.toString('base64'),
    createdAt: newest.row.createdAt.toISOString(),
    status: newest.status,
    keys: keys.map(presentKey),
  };
}

type KeyAction = 'unit.signing_key.rotate' | 'unit.signing_key.revoke';

/** The unit whose keys the actor manages; a refused change is journaled (404 for a unit out of sight, else 403). */
async function managedUnit(ctx: Ctx, unitId: string, action?: KeyAction): Promise<UnitRow> {
  const unit = await findUnit(ctx.tx, unitId);
  try {
    return signingKeyPolicy.authorize(requireActor(ctx), 'manage', unit);
  } catch (err) {
    if (action && err instanceof AppError) err.recording({ type: action, outcome: 'refused', target: { type: 'unit', id: unitId }, unitId: unit?.id ?? null, details: { refusal: err.code } });
    throw err;
  }
}

/** The management view: every key with who revoked it, when and why (the reasons are not public). */
async function presentManaged(ctx: Ctx, unit: UnitRow) {
  const keys = await unitKeys(ctx.tx, unit.id);
  const by = [...new Set(keys.flatMap((k) => k.revocations.map((r) => r.revokedBy)))];
  const names = by.length === 0 ? [] : await ctx.tx.select({ id: accounts.id, fullName: accounts.fullName, username: accounts.username }).from(accounts).where(inArray(accounts.id, by));
  return {
    unit: { id: unit.id, code: unit.code, name: unit.name },
    keys: keys.map((k) => ({
      ...presentKey(k),
      revocations: k.revocations.map((r) => {
        const who = names.find((n) => n.id === r.revokedBy);
        return {
          revokedAt: r.revokedAt.toISOString(),
          revokedBy: who ? { fullName: who.fullName, username: who.username } : null,
          reason: r.reason,
          compromisedSince: r.compromisedSince.toISOString(),
        };
      }),
    })),
  };
}

export async function unitKeysManaged(ctx: Ctx, unitId: string) {
  return presentManaged(ctx, await managedUnit(ctx, unitId));
}

/**
 * Replaces the unit's key by a new generation: results from now on are signed with it, older ones keep verifying
 * with the key that signed them (results.key_id). Also makes a unit's first key. Two rotations at once make one key:
 * the second finds its generation taken and is refused (409), rather than silently replacing the first's new key.
 */
export async function rotateUnitKey(ctx: Ctx, unitId: string) {
  const unit = await managedUnit(ctx, unitId, 'unit.signing_key.rotate');
  const [previous] = await unitKeys(ctx.tx, unit.id);
  const generation = (previous?.row.generation ?? 0) + 1;
  const created = await insertKey(ctx, unit.id, generation);
  if (!created) {
    throw conflict('signing_key_changed', 'Khóa ký của đơn vị vừa được thay đổi bởi một thao tác khác; hãy tải lại và kiểm tra.', 'The unit’s signing key was just changed by another action; reload and check.').recording({
      type: 'unit.signing_key.rotate',
      outcome: 'refused',
      target: { type: 'unit', id: unit.id },
      unitId: unit.id,
      details: { refusal: 'generation_taken', generation },
    });
  }
  await record(ctx, {
    type: 'unit.signing_key.rotate',
    target: { type: 'unit', id: unit.id },
    unitId: unit.id,
    details: { keyId: created.id, generation, algorithm: 'ed25519', verifierKey: unitVerifierKey(created), previousKeyId: previous?.row.id ?? null },
  });
  return presentManaged(ctx, unit);
}

export interface RevocationInput {
  reason: string;
  /** default: now */
  compromisedSince?: Date;
}

/**
 * Declares a key stolen (an appended row, never an edit): what it signed from `compromisedSince` on is no longer
 * trusted (GET /api/results/:code/verify says so), what it signed before still is. A revoked current key is
 * replaced at the unit's next result. Revoking again only moves the compromise earlier (found out later how long the
 * key was exposed); anything else is refused (409), so a revocation is never narrowed.
 */
export async function revokeUnitKey(ctx: Ctx, unitId: string, keyId: string, input: RevocationInput) {
  const actor = requireActor(ctx);
  const unit = await managedUnit(ctx, unitId, 'unit.signing_key.revoke');
  const now = ctx.clock.now();
  const since = input.compromisedSince ?? now;
  const refused = (err: AppError, refusal: string) =>
    err.recording({ type: 'unit.signing_key.revoke', outcome: 'refused', target: { type: 'unit', id: unit.id }, unitId: unit.id, reason: input.reason, details: { refusal, keyId } });
  // another unit's key is as unknown here as a missing one
  const key = (await unitKeys(ctx.tx, unit.id)).find((k) => k.row.id === keyId);
  if (!key) throw refused(notFound(), 'unknown_key');
  if (since > now) {
    throw refused(invalid('compromised_in_future', 'Thời điểm bắt đầu lộ khóa không thể ở tương lai.', 'The compromise cannot start in the future.'), 'compromised_in_future');
  }
  if (key.compromisedSince && since >= key.compromisedSince) {
    throw refused(
      conflict('signing_key_already_revoked', 'Khóa này đã bị thu hồi từ thời điểm đó hoặc sớm hơn; chỉ có thể khai báo thời điểm lộ khóa sớm hơn.', 'This key is already revoked from that time or earlier; only an earlier compromise can be declared.'),
      'already_revoked',
    );
  }
  await ctx.tx.insert(unitSigningKeyRevocations).values({ id: crypto.randomUUID(), keyId, revokedAt: now, revokedBy: actor.accountId, reason: input.reason, compromisedSince: since });
  const [affected] = await ctx.tx
    .select({ n: count() })
    .from(results)
    .where(and(eq(results.keyId, keyId), gte(results.issuedAt, since)));
  await record(ctx, {
    type: 'unit.signing_key.revoke',
    target: { type: 'unit', id: unit.id },
    unitId: unit.id,
    reason: input.reason,
    details: {
      keyId,
      generation: key.row.generation,
      wasStatus: key.status,
      compromisedSince: since.toISOString(),
      previousCompromisedSince: key.compromisedSince?.toISOString() ?? null,
      // the results now untrusted, for the unit to reissue
      resultsAffected: Number(affected?.n ?? 0),
    },
  });
  return presentManaged(ctx, unit);
}
