import { hasPermission } from '../../authz/actor.ts';
import { definePolicy } from '../../authz/policy.ts';
import type { UnitRow } from './units.tables.ts';

export const unitPolicy = definePolicy<Pick<UnitRow, 'path' | 'kind'>, 'addChild' | 'issueAccount' | 'rename'>({
  // The unit tree is the organisation chart: every signed-in officer may see it.
  read: () => true,
  addChild: (actor, unit) => hasPermission(actor, 'units.manage', unit.path),
  // Official units keep their official names; only organisational units can be renamed.
  issueAccount: (actor, unit) => hasPermission(actor, 'accounts.manage', unit.path),
  rename: (actor, unit) => !['province', 'commune'].includes(unit.kind) && hasPermission(actor, 'units.manage', unit.path),
});
