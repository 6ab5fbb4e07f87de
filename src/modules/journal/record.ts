import { roleNames } from '../../authz/actor.ts';
import type { Ctx } from '../../platform/context.ts';
import { journal } from './journal.tables.ts';

export interface JournalEvent {
  /** Stable dotted name, e.g. `account.transfer`, `auth.sign_in`. */
  type: string;
  outcome?: 'success' | 'failure' | 'refused';
  target?: { type: string; id: string };
  /** The unit the event concerns (the target's unit), for per-unit review. */
  unitId?: string | null;
  reason?: string | null;
  /** Never secrets, never citizen data in clear. */
  details?: Record<string, unknown>;
  /** Personal IDs of the citizens the event concerns: stored only as keyed hashes, searchable by inspectors. */
  citizens?: readonly string[];
  /** For events before a session exists (sign-in): the account the event is about, when known. */
  actorAccountId?: string | null;
}

/**
 * The one way anything is recorded. Written through ctx.tx, so the entry commits or rolls back with the change. At the
 * bottom of the modules (it imports no service), so that every module and platform/errors.ts may use it.
 */
export async function record(ctx: Ctx, event: JournalEvent): Promise<void> {
  await ctx.tx.insert(journal).values({
    at: ctx.clock.now(),
    type: event.type,
    outcome: event.outcome ?? 'success',
    actorAccountId: event.actorAccountId ?? ctx.actor?.accountId ?? null,
    actorUnitId: ctx.actor?.unitId ?? null,
    actorRoles: roleNames(ctx.actor),
    targetType: event.target?.type ?? null,
    targetId: event.target?.id ?? null,
    unitId: event.unitId ?? null,
    reason: event.reason ?? null,
    details: event.details ?? {},
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    requestId: ctx.requestId,
    citizens: [...new Set(event.citizens ?? [])].map((id) => ctx.keys.citizenDigest(id)),
  });
}
