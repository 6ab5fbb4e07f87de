import { otpRequired, type Role } from '../../authz/roles.ts';
import type { SessionRow } from './sessions.tables.ts';

/**
 * R04: a session that never passed a one-time code stands only for an account whose roles need none. Granting such a
 * role ends those sessions at once; this is checked at every request too, in case a role reached the account another
 * way (issue 13).
 */
export const lacksRequiredOtp = (session: Pick<SessionRow, 'otpVerifiedAt'>, grants: readonly { role: Role }[]) =>
  session.otpVerifiedAt === null && otpRequired(grants);
