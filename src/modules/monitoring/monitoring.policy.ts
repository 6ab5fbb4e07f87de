import { hasPermission, type Actor } from '../../authz/actor.ts';

/**
 * R38: the detection rules run for the whole province, so only a security officer at the province tunes them: one of
 * a commune would switch a rule off for everyone, and a severity lowered below critical ends auto-suspension everywhere.
 */
export function mayTuneRules(actor: Actor, provincePath: string): boolean {
  return hasPermission(actor, 'monitoring.triage', provincePath);
}
