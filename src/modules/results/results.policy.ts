import { hasPermission, isWithin, type Actor } from '../../authz/actor.ts';
import { definePolicy } from '../../authz/policy.ts';
import { seatedOn } from '../documents/index.ts';
import { dossierPolicy, seated, type DossierScope } from '../dossiers/index.ts';

/**
 * Electronic results follow their dossier (R18): whoever may see the dossier sees its results (anyone else gets 404).
 * A result is issued by the unit that settled the dossier: an officer holding dossiers.process or dossiers.approve
 * at the processing unit (the workflow's own seats: transfer, approve), once the dossier is settled. The exact,
 * unstamped file (the one the signature covers, handed to the citizen) leaves only through an officer seated on the
 * dossier: the desk that returns it, or the processing unit.
 */
export const resultPolicy = definePolicy<DossierScope, 'issue' | 'open' | 'original'>({
  read: (actor, d) => dossierPolicy.can(actor, 'read', d),
  open: (actor, d) => dossierPolicy.can(actor, 'read', d),
  issue: (actor, d) => d.status === 'settled' && issuerSeat(actor, d),
  original: (actor, d) => seatedOn(actor, d),
});

export function issuerSeat(actor: Actor, d: DossierScope): boolean {
  return seated(actor, 'approve', d) || seated(actor, 'transfer', d);
}

/** What the key policy needs to know of a unit. */
export interface SigningUnitScope {
  id: string;
  path: string;
}

/**
 * Issue 13 item 12: a unit's result signing keys are rotated or revoked (a key suspected stolen) by whoever
 * administers the unit (units.manage there: its unit admins, those above it, the system administrator). Officers who
 * work in or over the unit are refused (403); anyone else is told nothing of it (404), as for another unit's record,
 * although the public keys themselves are published.
 */
export const signingKeyPolicy = definePolicy<SigningUnitScope, 'manage'>({
  read: (actor, u) => isWithin(actor.unitPath, u.path) || actor.grants.some((g) => isWithin(u.path, g.unitPath)),
  manage: (actor, u) => hasPermission(actor, 'units.manage', u.path),
});
