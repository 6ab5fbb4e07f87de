import { hasPermission, type Actor } from '../../authz/actor.ts';

/** A unit's figures (R21's reports) are read by those holding statistics.read over it; any other unit is not found. */
export const mayReadStatistics = (actor: Actor, unitPath: string) => hasPermission(actor, 'statistics.read', unitPath);
