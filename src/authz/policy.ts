import { forbidden, notFound } from '../platform/errors.ts';
import type { Actor } from './actor.ts';

export type Check<R> = (actor: Actor, record: R) => boolean;

/**
 * A policy names what may be done to one kind of record. `read` decides visibility: a record the actor
 * may not read answers 404 exactly like a missing one; one they may read but not act on answers 403.
 */
export function definePolicy<R, A extends string>(rules: { read: Check<R> } & Record<A, Check<R>>) {
  const actions = Object.keys(rules) as (A | 'read')[];
  return {
    can(actor: Actor, action: A | 'read', record: R): boolean {
      return rules[action](actor, record);
    },
    authorize<T extends R>(actor: Actor, action: A | 'read', record: T | undefined | null): T {
      if (!record || !rules.read(actor, record)) throw notFound();
      if (!rules[action](actor, record)) throw forbidden();
      return record;
    },
    /** What the actor may do with the record, for the UI, computed by the same rules. */
    abilities(actor: Actor, record: R): Record<A | 'read', boolean> {
      return Object.fromEntries(actions.map((a) => [a, rules[a](actor, record)])) as Record<A | 'read', boolean>;
    },
  };
}
