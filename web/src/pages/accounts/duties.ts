import type { RoleInfo } from '../../api/index.ts';

/** The permissions of the one-stop desk's work on dossiers. */
const DOSSIER_WORK = ['dossiers.receive', 'dossiers.process', 'dossiers.approve'];

/**
 * R01 (separation of duties): whether granting `chosen` would leave one officer administering the system while also
 * working dossiers (and so able to give themselves rights over the citizens they serve). A warning, not a refusal:
 * a small commune may have no one else, and the grant is journaled either way.
 */
export function mixesDuties(chosen: string, held: readonly string[], roles: readonly RoleInfo[]): boolean {
  const of = (role: string) => roles.find((r) => r.role === role);
  const all = [chosen, ...held].map(of).filter((r): r is RoleInfo => !!r);
  return all.some((r) => r.role === 'system_admin') && all.some((r) => r.permissions.some((p) => DOSSIER_WORK.includes(p)));
}
