import { roleNames } from '../../authz/actor.ts';
import type { Ctx, JournalEvent } from '../../platform/context.ts';

export type { JournalEvent };
import { journal } from './journal.tables.ts';

/**
 * The one way anything is recorded. Written through ctx.tx, so the entry commits or rolls back with the change. At the
 * bottom of the modules (it imports no service), so that every module may use it.
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
