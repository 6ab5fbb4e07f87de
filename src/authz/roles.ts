/** Named permissions; routes and policies speak only in these. */
export const PERMISSIONS = [
  'units.manage',
  'accounts.read',
  'accounts.manage',
  'roles.grant',
  'sessions.manage',
  'system.configure',
  'system.operate',
  'dossiers.receive',
  'dossiers.process',
  'dossiers.approve',
  'npd.lookup',
  'npd.configure',
  'npd.suspend',
  'npd.audit',
  'integrations.manage',
  'monitoring.read',
  'monitoring.triage',
  'incidents.read',
  'incidents.manage',
  'journal.read',
  'accounts.review',
  'procedures.manage',
  'calendar.manage',
  'statistics.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export interface RoleDefinition {
  nameVi: string;
  nameEn: string;
  permissions: readonly Permission[];
  /** Which role may grant this one, in the unit subtree where the granter holds it. */
  grantedBy: 'system_admin' | 'unit_admin';
}

export const ROLES = {
  system_admin: {
    nameVi: 'Quản trị hệ thống',
    nameEn: 'System administrator',
    // R34: enters and rotates the NPD connection (write-only: nobody reads it back, this role included)
    permissions: ['units.manage', 'accounts.read', 'accounts.manage', 'roles.grant', 'sessions.manage', 'system.configure', 'journal.read', 'procedures.manage', 'calendar.manage', 'statistics.read', 'npd.configure', 'integrations.manage'],
    grantedBy: 'system_admin',
  },
  unit_admin: {
    nameVi: 'Quản trị đơn vị',
    nameEn: 'Unit administrator',
    // procedures.manage and calendar.manage act at the province only (their policies check the province's path).
    permissions: ['units.manage', 'accounts.read', 'accounts.manage', 'roles.grant', 'sessions.manage', 'procedures.manage', 'calendar.manage', 'statistics.read'],
    grantedBy: 'unit_admin',
  },
  leader: {
    nameVi: 'Lãnh đạo',
    nameEn: 'Leader',
    // R19: leaders are told of incidents in their units
    permissions: ['accounts.read', 'accounts.review', 'dossiers.process', 'dossiers.approve', 'npd.lookup', 'statistics.read', 'incidents.read'],
    grantedBy: 'unit_admin',
  },
  reception_officer: {
    nameVi: 'Cán bộ tiếp nhận (Một cửa)',
    nameEn: 'Reception officer',
    permissions: ['dossiers.receive', 'npd.lookup'],
    grantedBy: 'unit_admin',
  },
  processing_officer: {
    nameVi: 'Cán bộ xử lý',
    nameEn: 'Processing officer',
    permissions: ['dossiers.process', 'npd.lookup'],
    grantedBy: 'unit_admin',
  },
  inspector: {
    nameVi: 'Thanh tra / Công an (chỉ xem)',
    nameEn: 'Inspector / police (read-only)',
    // R21: the police compile incidents; they read, they do not change
    permissions: ['accounts.read', 'journal.read', 'statistics.read', 'npd.audit', 'monitoring.read', 'incidents.read'],
    grantedBy: 'system_admin',
  },
  security_officer: {
    nameVi: 'Cán bộ chuyên trách an toàn thông tin',
    nameEn: 'Security officer',
    // R41, R43: supervises lookups and holds the kill switch; reads no citizen data itself
    permissions: ['accounts.read', 'journal.read', 'npd.audit', 'npd.suspend', 'monitoring.read', 'monitoring.triage', 'incidents.read', 'incidents.manage'],
    grantedBy: 'system_admin',
  },
  contractor: {
    nameVi: 'Nhà thầu vận hành',
    nameEn: 'Contractor / operator',
    permissions: ['system.operate'],
    grantedBy: 'system_admin',
  },
} as const satisfies Record<string, RoleDefinition>;

export type Role = keyof typeof ROLES;
export const ROLE_NAMES = Object.keys(ROLES) as Role[];

/** R04: a second factor for every role that can reach citizen data or administer accounts. */
const OTP_FREE: readonly Permission[] = ['system.operate'];
export function roleRequiresOtp(role: Role): boolean {
  return ROLES[role].permissions.some((p) => !OTP_FREE.includes(p));
}

/** R04: an account holding any role that reaches citizen data or administers accounts must use a one-time code. */
export const otpRequired = (grants: readonly { role: Role }[]) => grants.some((g) => roleRequiresOtp(g.role));
