import { hasPermission } from '../../authz/actor.ts';
import { definePolicy } from '../../authz/policy.ts';

/** The calendar belongs to the province: every officer reads it, the province's administrators edit it. */
export const calendarPolicy = definePolicy<{ provincePath: string }, 'manage'>({
  read: () => true,
  manage: (actor, calendar) => hasPermission(actor, 'calendar.manage', calendar.provincePath),
});
