import { hasPermission, isWithin, provinceOf, type Actor } from '../../authz/actor.ts';
import { definePolicy } from '../../authz/policy.ts';
import type { Permission } from '../../authz/roles.ts';
import { dossierPolicy, type DossierScope } from '../dossiers/index.ts';
import type { LookupSeat, LookupStage, LookupStages } from '../procedures/index.ts';
import { OPEN_STATUSES, type DossierStatus } from '../../../common/dossier-workflow.ts';

/* Looking up the citizens of a dossier in the NPD (R01, R13, R35, issue 13): decided here, once, for the gateway, the
 * lookups panel's GET and the abilities the web shows. */

/** What the lookup rule needs of a dossier besides where it sits: whether it is open, whom it is assigned to, its procedure's rule. */
export interface LookupScope extends DossierScope {
  open: boolean;
  assigneeId: string | null;
  procedureCode: string;
  lookupStages: LookupStages;
}

/** Who asks: an officer, or another provincial system with its key for a unit subtree and named procedures. */
export type LookupAsker = { kind: 'officer'; actor: Actor } | { kind: 'client'; unitPath: string; procedures: readonly string[] };

export type LookupRefusal = 'not_found' | 'procedure_not_allowed' | 'dossier_not_open' | 'lookup_not_permitted';

/** An open dossier is at the desk until it is assigned, then with its processor (also while a supplement or payment is awaited). */
export function lookupStageOf(status: DossierStatus): LookupStage | null {
  if (status === 'received') return 'receiving';
  return OPEN_STATUSES.includes(status) ? 'processing' : null;
}

const holdsAt = (actor: Actor, permission: Permission, path: string | null) => path !== null && hasPermission(actor, permission, path) && hasPermission(actor, 'npd.lookup', path);

/** The seats a procedure version can name; a leader holds neither by the unit tree alone (no desk permission, not the assignee). */
const SEATS: Record<LookupSeat, (actor: Actor, d: LookupScope) => boolean> = {
  desk: (actor, d) => holdsAt(actor, 'dossiers.receive', d.deskPath),
  assignee: (actor, d) => d.assigneeId === actor.accountId && holdsAt(actor, 'dossiers.process', d.processingPath),
};

/** The officer holds one of the seats the dossier's procedure version lets look up at the dossier's stage. */
function holdsLookupSeat(actor: Actor, d: LookupScope): boolean {
  const stage = lookupStageOf(d.status);
  return stage !== null && (d.lookupStages[stage] as readonly LookupSeat[]).some((seat) => SEATS[seat](actor, d));
}

const withinClient = (unitPath: string, d: LookupScope) => isWithin(d.deskPath, unitPath) || (d.processingPath !== null && isWithin(d.processingPath, unitPath));

/**
 * The one decision on looking up for a dossier, for the gateway and for the lookups panel: null when allowed, otherwise
 * why not. A dossier the caller may not see is not found (404); a closed one is refused before the stage is asked.
 */
export function lookupRefusal(asker: LookupAsker, d: LookupScope): LookupRefusal | null {
  if (asker.kind === 'client') {
    if (!withinClient(asker.unitPath, d)) return 'not_found';
    if (!asker.procedures.includes(d.procedureCode)) return 'procedure_not_allowed';
    return d.open ? null : 'dossier_not_open';
  }
  if (!dossierPolicy.can(asker.actor, 'read', d)) return 'not_found';
  if (!d.open) return 'dossier_not_open';
  return holdsLookupSeat(asker.actor, d) ? null : 'lookup_not_permitted';
}

// ——— The gateway's other records ———

/** Another system's key (R35) is created, listed and revoked by those managing integrations over its unit. */
export const integrationPolicy = definePolicy<{ unitPath: string }, 'manage'>({
  read: (actor, c) => hasPermission(actor, 'integrations.manage', c.unitPath),
  manage: (actor, c) => hasPermission(actor, 'integrations.manage', c.unitPath),
});

/** The kill switch (R43): a cut is made, and lifted, by those who may suspend over everything it covers. */
export const suspensionPolicy = definePolicy<{ coveredPath: string }, 'lift'>({
  read: (actor, s) => hasPermission(actor, 'npd.suspend', s.coveredPath),
  lift: (actor, s) => hasPermission(actor, 'npd.suspend', s.coveredPath),
});

/** The NPD's log is the whole province's (one connection): it is reconciled at the province. */
export const mayReconcile = (actor: Actor) => hasPermission(actor, 'npd.audit', provinceOf(actor.unitPath));
