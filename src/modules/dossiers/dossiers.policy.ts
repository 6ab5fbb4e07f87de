import { hasPermission, type Actor } from '../../authz/actor.ts';
import { definePolicy } from '../../authz/policy.ts';
import type { Permission } from '../../authz/roles.ts';
import { DOSSIER_ACTIONS, TRANSITIONS, type DossierAction, type DossierStatus } from '../../../common/dossier-workflow.ts';

/** A dossier as the policy sees it: where it was received, where it is processed, its status. */
export interface DossierScope {
  status: DossierStatus;
  deskPath: string;
  processingPath: string | null;
  apologized: boolean;
}

export const DOSSIER_PERMISSIONS: readonly Permission[] = ['dossiers.receive', 'dossiers.process', 'dossiers.approve'];

/** The officer holds the action's permission at its seat: the receiving desk or the processing unit. */
export function seated(actor: Actor, action: DossierAction, d: DossierScope): boolean {
  const { permission, seat } = TRANSITIONS[action];
  const path = seat === 'desk' ? d.deskPath : d.processingPath;
  return path !== null && hasPermission(actor, permission, path);
}

/** The status allows the action (and an apology is given once). */
export function statusAllows(action: DossierAction, d: DossierScope): boolean {
  return (TRANSITIONS[action].from as readonly DossierStatus[]).includes(d.status) && !(action === 'apologize' && d.apologized);
}

export const dossierPolicy = definePolicy<DossierScope, DossierAction>({
  // R18: only officers of the desk or of the processing unit (or above them) see a dossier; anyone else gets 404
  read: (actor, d) => DOSSIER_PERMISSIONS.some((p) => hasPermission(actor, p, d.deskPath) || (d.processingPath !== null && hasPermission(actor, p, d.processingPath))),
  ...(Object.fromEntries(DOSSIER_ACTIONS.map((a) => [a, (actor: Actor, d: DossierScope) => seated(actor, a, d) && statusAllows(a, d)])) as Record<
    DossierAction,
    (actor: Actor, d: DossierScope) => boolean
  >),
});

/** A desk receives dossiers where its officer holds dossiers.receive; elsewhere the desk is not found (R18). */
export const mayReceiveAt = (actor: Actor, deskPath: string) => hasPermission(actor, 'dossiers.receive', deskPath);

/** A dossier is assigned only to an officer who may process dossiers at the processing unit. */
export const mayBeAssigned = (officer: Actor, unitPath: string) => hasPermission(officer, 'dossiers.process', unitPath);
