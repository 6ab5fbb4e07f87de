import { hasPermission, type Actor } from '../../authz/actor.ts';
import { definePolicy } from '../../authz/policy.ts';

/**
 * R38: the detection rules run for the whole province, so only a security officer at the province tunes them: one of
 * a commune would switch a rule off for everyone, and a severity lowered below critical ends auto-suspension everywhere.
 */
export function mayTuneRules(actor: Actor, provincePath: string): boolean {
  return hasPermission(actor, 'monitoring.triage', provincePath);
}

/** Cases (R38): seen by those holding monitoring.read over the unit of the account concerned, triaged with monitoring.triage there. */
export const casePolicy = definePolicy<{ unitPath: string | null }, 'triage'>({
  read: (actor, c) => hasPermission(actor, 'monitoring.read', c.unitPath ?? undefined),
  triage: (actor, c) => hasPermission(actor, 'monitoring.triage', c.unitPath ?? undefined),
});

/** Incidents (R41): read and handled over their unit. */
export const incidentPolicy = definePolicy<{ unitPath: string }, 'manage'>({
  read: (actor, i) => hasPermission(actor, 'incidents.read', i.unitPath),
  manage: (actor, i) => hasPermission(actor, 'incidents.manage', i.unitPath),
});
