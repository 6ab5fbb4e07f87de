import { hasPermission, provinceOf, type Actor } from '../../authz/actor.ts';

/** The whole journal is read at the province: entries of sign-ins have no unit, and inspectors audit everyone. */
export const mayReadJournal = (actor: Actor | null): actor is Actor => !!actor && hasPermission(actor, 'journal.read', provinceOf(actor.unitPath));
