import { describe, expect, it } from 'vitest';
import type { RoleInfo } from '../../api/index.ts';
import { mixesDuties } from './duties.ts';

const role = (name: string, permissions: string[]) => ({ role: name, nameVi: name, nameEn: name, permissions, grantedBy: 'unit_admin' }) as unknown as RoleInfo;
const roles = [role('system_admin', ['accounts.read', 'roles.grant']), role('reception_officer', ['dossiers.receive']), role('leader', ['dossiers.approve']), role('inspector', ['journal.read'])];

describe('separation of duties on the grant form', () => {
  it('R01: should warn when the system administrator role meets a role that works dossiers, whichever comes second', () => {
    expect(mixesDuties('system_admin', ['reception_officer'], roles)).toBe(true);
    expect(mixesDuties('leader', ['system_admin'], roles)).toBe(true);
  });

  it('does not warn for roles that do not mix administration with dossier work', () => {
    expect(mixesDuties('system_admin', ['inspector'], roles)).toBe(false);
    expect(mixesDuties('leader', ['reception_officer'], roles)).toBe(false);
    expect(mixesDuties('', ['system_admin'], roles)).toBe(false);
  });
});
