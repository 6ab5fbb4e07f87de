import type { Actor } from '../../authz/actor.ts';
import { definePolicy } from '../../authz/policy.ts';
import { dossierPolicy, seated, type DossierScope } from '../dossiers/index.ts';
import { OPEN_STATUSES } from '../../../common/dossier-workflow.ts';

/**
 * The papers of a dossier follow the dossier (R05, R18): whoever may see the dossier sees its documents (anyone
 * else gets 404); papers are added by an officer seated on it, at the desk that received it (intake, supplements)
 * or at the unit processing it now, while it is still open.
 */
export const documentPolicy = definePolicy<DossierScope, 'upload' | 'open'>({
  read: (actor, d) => dossierPolicy.can(actor, 'read', d),
  open: (actor, d) => dossierPolicy.can(actor, 'read', d),
  upload: (actor, d) => seatedOn(actor, d) && OPEN_STATUSES.includes(d.status),
});

/**
 * The workflow's own seats (dossiers.policy `seated`): whoever may hand the dossier on from the desk (assign), pass
 * it on from the processing unit (transfer) or decide it there (approve) works on its papers.
 */
export function seatedOn(actor: Actor, d: DossierScope): boolean {
  return (['assign', 'transfer', 'approve'] as const).some((action) => seated(actor, action, d));
}
