import { hasPermission, type Actor } from '../../authz/actor.ts';
import { definePolicy } from '../../authz/policy.ts';
import type { OfferStatus } from './procedures.tables.ts';

/** An offered procedure as the policy sees it: the province it belongs to and whether it is offered now. */
export interface OfferedScope {
  provincePath: string;
  status: OfferStatus | null;
}

const manages = (actor: Actor, p: OfferedScope) => hasPermission(actor, 'procedures.manage', p.provincePath);

export const procedurePolicy = definePolicy<OfferedScope, 'manage' | 'withdraw' | 'createVersion'>({
  // Every officer sees which procedures the province offers and their rules: reception and processing need them.
  read: () => true,
  // Offering, re-offering, withdrawing and versioning are the province's choice, made at the province.
  manage: manages,
  withdraw: (actor, p) => p.status === 'offered' && manages(actor, p),
  createVersion: (actor, p) => p.status === 'offered' && manages(actor, p),
});
