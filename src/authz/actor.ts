import type { Permission, Role } from './roles.ts';
import { ROLES } from './roles.ts';

export interface Grant {
  id: string;
  role: Role;
  unitId: string;
  unitPath: string;
}

/** The signed-in officer as the policies see them: their unit and their role grants with unit paths. */
export interface Actor {
  accountId: string;
  username: string;
  unitId: string;
  unitPath: string;
  grants: Grant[];
}

export function isWithin(unitPath: string, ancestorPath: string): boolean {
  return unitPath.startsWith(ancestorPath);
}

/** Whether the actor holds the permission at a unit (anywhere, when no unit is given). */
export function hasPermission(actor: Actor, permission: Permission, unitPath?: string): boolean {
  return actor.grants.some(
    (g) => (ROLES[g.role].permissions as readonly Permission[]).includes(permission) && (unitPath === undefined || isWithin(unitPath, g.unitPath)),
  );
}

/** The province at the root of a unit's path (`/province/commune/…/`): one province per deployment. */
export const provinceOf = (unitPath: string) => unitPath.slice(0, unitPath.indexOf('/', 1) + 1);

export function hasRole(actor: Actor, role: Role, unitPath: string): boolean {
  return actor.grants.some((g) => g.role === role && isWithin(unitPath, g.unitPath));
}

/** The roots of the subtrees where the actor holds a permission: list queries filter by these. */
export function scopeOf(actor: Actor, permission: Permission): string[] {
  return actor.grants
    .filter((g) => (ROLES[g.role].permissions as readonly Permission[]).includes(permission))
    .map((g) => g.unitPath);
}

export function roleNames(actor: Actor | null): string[] {
  return actor ? [...new Set(actor.grants.map((g) => g.role))] : [];
}
